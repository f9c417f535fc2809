"""The SMALL demo set seeded once per module (and engine) for tests that only read it, and
the database as `blogapi` itself finds it."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from harness import empty_tables

from blogapi.core.config import Settings, get_settings
from blogapi.demo.seed import SeedReport

from .seeding import seed


@pytest.fixture(scope="module")
async def seeded(app: FastAPI) -> AsyncIterator[tuple[SeedReport, str]]:
    """`seed(app)` once for the module: its report and what it printed. Tests using it must
    leave the data as they found it (signing in is fine); the rows go when the module ends."""
    result = await seed(app)
    yield result
    await empty_tables(app)


@pytest.fixture
async def reader(app: FastAPI, seeded: tuple[SeedReport, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A client over the seeded data that, unlike `client`, leaves the rows in place."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as test_client:
        yield test_client


@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[str]:
    """The test database named by DATABASE_URL, for `blogapi` itself."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()
