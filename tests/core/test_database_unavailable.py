"""With the database unreachable: 503 SERVICE_UNAVAILABLE quickly; liveness still answers."""

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import PASSWORD, assert_error
from fastapi import FastAPI
from harness import make_settings

from blogapi.main import create_app

NOWHERE = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
QUICKLY_SECONDS = 3.0


@pytest.fixture
async def down_client() -> AsyncIterator[httpx.AsyncClient]:
    application: FastAPI = create_app(make_settings(NOWHERE))
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_an_endpoint_that_needs_the_database_is_503_quickly(
    down_client: httpx.AsyncClient,
) -> None:
    started = time.monotonic()

    response = await down_client.post(
        "/api/v1/auth/login", json={"email": "someone@example.com", "password": PASSWORD}
    )

    assert time.monotonic() - started < QUICKLY_SECONDS
    error = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert "Retry-After" in response.headers
    assert "nowhere" not in response.text
    assert "127.0.0.1" not in response.text
    assert error["details"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/posts"), ("GET", "/api/v1/users/someone"), ("GET", "/api/v1/tags")],
)
async def test_reads_are_503_too(down_client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await down_client.request(method, path)

    assert_error(response, 503, "SERVICE_UNAVAILABLE")


async def test_readiness_is_503_naming_the_failing_check(
    down_client: httpx.AsyncClient,
) -> None:
    started = time.monotonic()

    response = await down_client.get("/health/ready")

    assert time.monotonic() - started < QUICKLY_SECONDS
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert set(body["checks"]) == {"database"}
    assert body["checks"]["database"].startswith("failed")


async def test_liveness_stays_200_without_the_database(down_client: httpx.AsyncClient) -> None:
    response = await down_client.get("/health")

    assert response.status_code == 200
    assert response.json()["status"] == "healthy"


async def test_a_bad_query_is_still_400_without_the_database(
    down_client: httpx.AsyncClient,
) -> None:
    response = await down_client.get("/api/v1/posts", params={"limit": 0})

    assert_error(response, 400, "VALIDATION_ERROR", field="limit")
