"""Fixtures: the real app over ASGI against real SQLite and PostgreSQL databases.

Every test that uses `client` runs once per engine. Each database is built by the
migrations once per run (per pytest-xdist worker: see harness.py); tables are emptied after
each test, so tests never see each other's rows and races between real connections can be
tested. Helpers that tests import live in harness.py, not here.
"""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from harness import (
    PG_URL,
    empty_tables,
    ensure_postgres_database,
    make_settings,
    require_postgres,
    reset_postgres_schema,
)

from blogapi.cli import alembic_config
from blogapi.core.config import Settings
from blogapi.main import create_app


@pytest.fixture
def pg_url() -> str:
    """This worker's test PostgreSQL database, for tests about PostgreSQL alone (skipped, or
    failed in CI, when the server is not there)."""
    require_postgres()
    asyncio.run(ensure_postgres_database(PG_URL))
    return PG_URL


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database for each engine, built once per run."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
    else:
        require_postgres()
        url = PG_URL
        asyncio.run(ensure_postgres_database(url))
        asyncio.run(reset_postgres_schema(url))
    command.upgrade(alembic_config(url), "head")
    return url


@pytest.fixture(scope="session")
def engine_name(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as test_client:
        yield test_client
    await empty_tables(app)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_dev_secret_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Tests never write ./data/ in the repository.
    monkeypatch.chdir(tmp_path)
