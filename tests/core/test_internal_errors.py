"""An unexpected exception is a 500 INTERNAL_ERROR envelope: no traceback, no SQL, no detail."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import assert_error
from fastapi import FastAPI
from harness import make_settings
from sqlalchemy.exc import IntegrityError, ProgrammingError

from blogapi.main import create_app

SECRET_DETAIL = "password=hunter2 at /srv/app/secret.py line 42"


def _raise_runtime_error() -> None:
    raise RuntimeError(SECRET_DETAIL)


def _raise_sql_error() -> None:
    raise ProgrammingError("SELECT password_hash FROM users WHERE id = 1", {}, Exception("boom"))


def _raise_integrity_error() -> None:
    raise IntegrityError("INSERT INTO users (email) VALUES ('x')", {}, Exception("duplicate"))


@pytest.fixture
async def broken_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An app on its own database with test-only routes that fail in different ways."""
    application: FastAPI = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path}/broken.db"))

    @application.get("/test-only/boom")
    async def boom() -> None:
        _raise_runtime_error()

    @application.post("/test-only/boom")
    async def boom_with_body(body: dict[str, str]) -> None:
        _raise_runtime_error()

    @application.get("/test-only/sql")
    async def sql() -> None:
        _raise_sql_error()

    @application.get("/test-only/integrity")
    async def integrity() -> None:
        _raise_integrity_error()

    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


def assert_no_leak(response: httpx.Response) -> None:
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret.py", "SELECT", "INSERT", "boom"):
        assert leak not in response.text


async def test_an_unexpected_exception_is_a_500_envelope_without_details(
    broken_client: httpx.AsyncClient,
) -> None:
    response = await broken_client.get("/test-only/boom")

    error = assert_error(response, 500, "INTERNAL_ERROR")
    assert error == {
        "code": "INTERNAL_ERROR",
        "message": "Internal server error",
        "details": [],
        "request_id": response.headers["x-request-id"],
    }
    assert_no_leak(response)


async def test_a_500_echoes_the_callers_request_id(broken_client: httpx.AsyncClient) -> None:
    response = await broken_client.post(
        "/test-only/boom", json={"a": "b"}, headers={"X-Request-ID": "trace-500"}
    )

    error = assert_error(response, 500, "INTERNAL_ERROR")
    assert error["request_id"] == "trace-500"
    assert_no_leak(response)


@pytest.mark.parametrize("path", ["/test-only/sql", "/test-only/integrity"])
async def test_a_database_error_is_a_500_without_sql(
    broken_client: httpx.AsyncClient, path: str
) -> None:
    response = await broken_client.get(path)

    assert_error(response, 500, "INTERNAL_ERROR")
    assert_no_leak(response)


async def test_the_app_keeps_serving_after_an_exception(broken_client: httpx.AsyncClient) -> None:
    await broken_client.get("/test-only/boom")

    response = await broken_client.get("/health")

    assert response.status_code == 200
