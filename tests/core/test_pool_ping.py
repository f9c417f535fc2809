"""Pooled PostgreSQL connections are pinged at checkout only after standing idle; one the
server has closed is replaced without a ping, whenever it was last used."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from harness import make_settings
from processes import admin_execute, backends_gone
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from blogapi.core import db


@pytest.fixture
async def engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(make_settings(pg_url, db_pool_size=1))
    yield engine
    await engine.dispose()


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ping the pool sends (each still goes to the server)."""
    sent: list[Any] = []
    real_ping = db._ping

    def counting_ping(dbapi_connection: Any) -> None:
        sent.append(dbapi_connection)
        real_ping(dbapi_connection)

    monkeypatch.setattr(db, "_ping", counting_ping)
    return sent


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_used_a_moment_ago_is_not_pinged(
    engine: AsyncEngine, pings: list[Any]
) -> None:
    first = await _backend_pid(engine)
    second = await _backend_pid(engine)
    assert first == second  # the same pooled connection, twice
    assert pings == []


async def test_a_connection_idle_longer_than_the_window_is_pinged(
    engine: AsyncEngine, pings: list[Any]
) -> None:
    first = await _backend_pid(engine)
    await asyncio.sleep(db.PING_AFTER_IDLE_SECONDS + 0.1)
    assert await _backend_pid(engine) == first
    assert len(pings) == 1


async def test_a_closed_connection_is_replaced_even_when_just_used(
    engine: AsyncEngine, pings: list[Any], monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # never pinged: closed is seen
    first = await _backend_pid(engine)
    await admin_execute(pg_url, f"SELECT pg_terminate_backend({first})")
    await backends_gone(pg_url, make_url(pg_url).database or "", pid=first)
    second = await _backend_pid(engine)
    assert second != first
    assert pings == []
