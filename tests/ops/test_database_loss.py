"""Losing PostgreSQL at run time: quick 503s, then recovery by itself when it returns."""

import time
from collections.abc import Iterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from harness import PG_URL, make_settings, per_worker, require_postgres
from processes import (
    admin_execute,
    backends_gone,
    create_throwaway_database,
    drop_throwaway_database,
)

from blogapi.main import create_app

THROWAWAY = per_worker("blogapi_db_loss")


@pytest.fixture
def throwaway_url() -> Iterator[str]:
    """A database of its own, so cutting it off disturbs no other test."""
    require_postgres()
    yield create_throwaway_database(PG_URL, THROWAWAY)
    drop_throwaway_database(PG_URL, THROWAWAY)


async def _cut_off(allow: bool) -> None:
    statements = [f"ALTER DATABASE {THROWAWAY} ALLOW_CONNECTIONS {str(allow).lower()}"]
    if not allow:
        statements.append(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{THROWAWAY}'"
        )
    await admin_execute(PG_URL, *statements)


async def test_database_loss_gives_quick_503_and_recovers_without_restart(
    throwaway_url: str,
) -> None:
    app = create_app(make_settings(throwaway_url))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            register = {
                "email": "ada@example.com",
                "username": "ada",
                "password": "analytical engine 1843",
            }
            assert (await client.post("/api/v1/auth/register", json=register)).status_code == 201
            login = {"email": "ada@example.com", "password": "analytical engine 1843"}
            assert (await client.post("/api/v1/auth/login", json=login)).status_code == 200

            await _cut_off(allow=False)
            for _ in range(3):
                started = time.monotonic()
                response = await client.post("/api/v1/auth/login", json=login)
                assert response.status_code == 503, response.text
                assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
                assert response.headers["retry-after"]
                assert time.monotonic() - started < 6
            ready = await client.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("failed")
            assert (await client.get("/health")).status_code == 200

            await _cut_off(allow=True)
            response = await client.post("/api/v1/auth/login", json=login)
            assert response.status_code == 200, response.text
            assert (await client.get("/health/ready")).status_code == 200


async def test_pooled_connections_the_server_closed_are_replaced_unseen(
    throwaway_url: str,
) -> None:
    """A pooled connection the server has closed (a restart, an idle timeout) is found at
    checkout and the pool connects afresh: the request succeeds, no 503."""
    app = create_app(make_settings(throwaway_url))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            for _ in range(3):  # several connections in the pool
                assert (await client.get("/api/v1/posts")).status_code == 200
            await admin_execute(
                PG_URL,
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{THROWAWAY}'",
            )
            await backends_gone(PG_URL, THROWAWAY)
            for _ in range(3):
                response = await client.get("/api/v1/posts")
                assert response.status_code == 200, response.text
            assert (await client.get("/health/ready")).status_code == 200
