"""Test harness: the real app over ASGI against real SQLite and PostgreSQL databases.

Every test that uses `client` runs once per engine. Each database is built by the
migrations once per run; tables are emptied after each test, so tests never see each
other's rows and races between real connections can be tested.
"""

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from alembic import command
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url

from blogapi.cli import alembic_config
from blogapi.core.config import Settings
from blogapi.main import create_app
from blogapi.models import metadata

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PG_URL = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"
# Media files of tests that do not choose their own place: never ./data/media.
TEST_MEDIA_DIR = tempfile.mkdtemp(prefix="blogapi-test-media-")


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "log_format": "console",
        "log_level": "WARNING",
        # Tests that are about rate limits turn them on; the rest would trip over them.
        "rate_limits_enabled": False,
        "media_dir": TEST_MEDIA_DIR,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def _postgres_reachable(url: str) -> str | None:
    parsed = make_url(url)
    try:
        conn = await asyncpg.connect(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            database=parsed.database,
            timeout=3,
        )
    except (OSError, asyncpg.PostgresError) as error:
        return f"{type(error).__name__}: {error}"
    await conn.close()
    return None


async def reset_postgres_schema(url: str) -> None:
    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def require_postgres(url: str) -> None:
    problem = asyncio.run(_postgres_reachable(url))
    if problem is None:
        return
    message = f"PostgreSQL at {url} is not reachable ({problem})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def pg_url() -> str:
    """The test PostgreSQL server, for tests about PostgreSQL alone (skipped, or failed in CI,
    when it is not there)."""
    require_postgres(PG_URL)
    return PG_URL


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database for each engine, built once per run."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
    else:
        require_postgres(PG_URL)
        url = PG_URL
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


async def _empty_tables(application: FastAPI) -> None:
    tables = [table.name for table in reversed(metadata.sorted_tables)]
    async with application.state.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                await conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as test_client:
        yield test_client
    await _empty_tables(app)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_dev_secret_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Tests never write ./data/ in the repository.
    monkeypatch.chdir(tmp_path)
