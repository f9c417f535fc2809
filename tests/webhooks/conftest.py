"""Webhook tests: an app whose settings let receivers run on 127.0.0.1 (pytest-httpserver),
as WEBHOOK_ALLOWED_PRIVATE_HOSTS lets a self-hosted receiver."""

from collections.abc import AsyncIterator, Iterator

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from harness import make_settings
from pytest_httpserver import HTTPServer

from blogapi.core.config import Settings
from blogapi.main import create_app

from .receivers import RECEIVER_HOSTS


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return make_settings(database_url, webhook_allowed_private_hosts=RECEIVER_HOSTS)


# An app of its own (not the session's shared one): its settings differ.
@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
def receiver() -> Iterator[HTTPServer]:
    """A real HTTP receiver on 127.0.0.1 (threaded: concurrent requests are seen as such)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()
