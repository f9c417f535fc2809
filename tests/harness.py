"""What the tests share besides fixtures: their settings, the test PostgreSQL server, emptying
tables, and names of their own for each pytest-xdist worker.

Under `pytest -n N` every worker (`gw0`, `gw1`, ...) gets a PostgreSQL database, throwaway
databases and Redis databases of its own, named after the worker id (as Polar's fixtures do),
so tests in two workers never see each other's rows or counters. Without xdist the names are
the plain ones.
"""

import asyncio
import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from fastapi import FastAPI
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from blogapi.core.config import Settings
from blogapi.demo.seed import SeedOptions, seed_demo
from blogapi.models import metadata

DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"
# Media files of tests that do not choose their own place: never ./data/media.
TEST_MEDIA_DIR = tempfile.mkdtemp(prefix="blogapi-test-media-")

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under `pytest -n`
WORKER_INDEX = int(WORKER.removeprefix("gw") or 0)
# Redis has databases 0-15: each worker takes REDIS_SLOTS of them, from 1 up (0 is left alone).
REDIS_SLOTS = 2
REDIS_SERVER = "redis://127.0.0.1:6379"


def per_worker(name: str) -> str:
    """`name`, suffixed with this xdist worker's id when there is one."""
    return f"{name}_{WORKER}" if WORKER else name


def _worker_database(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(database=per_worker(parsed.database or "test")).render_as_string(
        hide_password=False
    )


PG_SERVER_URL = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
PG_URL = _worker_database(PG_SERVER_URL)


def redis_url(slot: int) -> str:
    """A Redis database of this worker's own (`slot` < REDIS_SLOTS), flushed freely by tests."""
    assert 0 <= slot < REDIS_SLOTS
    number = 1 + WORKER_INDEX * REDIS_SLOTS + slot
    if number > 15:
        raise RuntimeError(f"too many xdist workers for Redis's 16 databases ({WORKER})")
    return f"{REDIS_SERVER}/{number}"


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
        # ~0.2 s per app start, paid by every test app; tests/ops/test_gc_freeze.py turns it on.
        "gc_freeze": False,
        "public_cache_seconds": 0,  # tests/core/test_public_cache.py turns it on
        # Load shedding stays on, but a race test's burst waits its turn however slow the
        # machine: tests/core/test_load_shedding.py sets the limits it is about.
        "queue_timeout_seconds": 60,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def _connect(url: str, database: str | None = None) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=database or parsed.database,
        timeout=3,
    )


async def _postgres_reachable(url: str) -> str | None:
    try:
        conn = await _connect(url, database="postgres")
    except (OSError, asyncpg.PostgresError) as error:
        return f"{type(error).__name__}: {error}"
    await conn.close()
    return None


def require_postgres(url: str = PG_SERVER_URL) -> None:
    """Skip without the test server, or fail when CI=true requires it."""
    problem = asyncio.run(_postgres_reachable(url))
    if problem is None:
        return
    message = f"PostgreSQL at {url} is not reachable ({problem})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(message)


async def ensure_postgres_database(url: str) -> None:
    """Create the database of `url` on its server unless it exists."""
    database = make_url(url).database
    conn = await _connect(url, database="postgres")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            # Another run may create it meanwhile.
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


async def reset_postgres_schema(url: str) -> None:
    conn = await _connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


# Children before parents, so plain DELETEs never trip a foreign key.
_TABLES = [table.name for table in reversed(metadata.sorted_tables)]
_EMPTYING = "; ".join(f"DELETE FROM {table}" for table in _TABLES)


async def empty_tables(application: FastAPI) -> None:
    """Delete every row the test wrote.

    On PostgreSQL, DELETEs rather than TRUNCATE, all in one round trip (asyncpg's simple
    protocol takes several statements, run as one implicit transaction): a test writes a few
    rows, and TRUNCATE's catalogue work (new files for every table and index, exclusive locks)
    cost more than the average test (tests/posts and tests/tags: 39.5 s with TRUNCATE, 27.5 s
    with DELETE)."""
    engine = application.state.engine
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            await raw.driver_connection.execute(_EMPTYING)
        return
    async with engine.begin() as conn:
        for table in _TABLES:
            await conn.execute(text(f"DELETE FROM {table}"))


# The per-process view of revoked sessions refreshes itself now and then (at most every
# SESSION_REVOCATION_POLL_SECONDS) on whichever request comes along: not work of that request.
_PERIODIC = ("max(refresh_tokens.revoked_at)",)


@contextlib.contextmanager
def counting_statements(app: FastAPI) -> Iterator[list[str]]:
    """Every SQL statement the app runs for the requests inside the block (the periodic
    refresh of the revoked-session view left out)."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        sql: str = args[2]
        if not any(marker in sql for marker in _PERIODIC):
            statements.append(sql)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def seed_for_plans(app: FastAPI, size: SeedOptions) -> None:
    """A demo data set of `size` and fresh planner statistics, for the tests that read query
    plans (seed once per module; the tests only read it)."""
    await seed_demo(app.state.settings, size, io.StringIO())
    async with app.state.engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
