"""A refused request (400 bad input, 401, 403, 429) logs one WARNING line with its code, the
request and the signed-in account, and never what was sent: no token, password or body.
Other answers log no such line."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import ME, USERS, Account, client_for, create_user, login
from fastapi import FastAPI
from harness import empty_tables, make_settings

from blogapi.main import create_app

Requests = Callable[[FastAPI, httpx.AsyncClient], Awaitable[None]]
SECRET = "hunter2-in-a-field-that-does-not-exist"
WEAK_PASSWORD = "short1"
FORGED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmb3JnZWQifQ.c2lnbmF0dXJlLWZvcmdlZA"


async def logged(
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    requests: Requests,
    **overrides: object,
) -> tuple[list[dict[str, Any]], str]:
    """The `request_refused` lines the requests logged (JSON, at WARNING), and all the logs."""
    values: dict[str, object] = {"log_format": "json", "log_level": "WARNING", **overrides}
    app = create_app(make_settings(database_url, **values))
    capsys.readouterr()
    async with LifespanManager(app), client_for(app) as client:
        try:
            await requests(app, client)
        finally:
            await empty_tables(app)
    logs = capsys.readouterr().err
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "request_refused"], logs


async def account_of(app: FastAPI, client: httpx.AsyncClient) -> Account:
    return await login(client, await create_user(app))


async def test_a_bad_token_logs_its_code_and_not_the_token(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def requests(_app: FastAPI, client: httpx.AsyncClient) -> None:
        response = await client.get(ME, headers={"Authorization": f"Bearer {FORGED}"})
        assert response.status_code == 401

    lines, logs = await logged(database_url, capsys, requests)

    assert len(lines) == 1
    line = lines[0]
    assert line["level"] == "warning"
    assert (line["status"], line["code"]) == (401, "INVALID_TOKEN")
    assert (line["method"], line["path"]) == ("GET", ME)
    assert line["request_id"]
    assert "user_id" not in line
    assert FORGED not in logs
    assert FORGED[:20] not in logs


async def test_a_validation_failure_names_the_fields_never_their_values(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def requests(_app: FastAPI, client: httpx.AsyncClient) -> None:
        body = {
            "email": "weak@example.com",
            "username": "weak",
            "password": WEAK_PASSWORD,
            "is_admin": SECRET,
        }
        response = await client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 400

    lines, logs = await logged(database_url, capsys, requests)

    assert [(line["status"], line["code"]) for line in lines] == [(400, "VALIDATION_ERROR")]
    assert set(lines[0]["fields"]) == {"password", "is_admin"}
    for sent in (WEAK_PASSWORD, SECRET, "weak@example.com"):
        assert sent not in logs


async def test_a_forbidden_request_names_the_account_that_made_it(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    signed: list[Account] = []

    async def requests(app: FastAPI, client: httpx.AsyncClient) -> None:
        signed.append(await account_of(app, client))
        response = await client.get(USERS, headers=signed[0].headers)
        assert response.status_code == 403

    lines, logs = await logged(database_url, capsys, requests)

    assert [(line["code"], line.get("user_id")) for line in lines] == [("FORBIDDEN", signed[0].id)]
    assert signed[0].access_token not in logs


async def test_too_many_sign_ins_log_rate_limited_and_no_password(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def requests(app: FastAPI, client: httpx.AsyncClient) -> None:
        username = await create_user(app)
        body = {"email": f"{username}@example.com", "password": "not the password at all"}
        statuses = [
            (await client.post("/api/v1/auth/login", json=body)).status_code for _ in range(3)
        ]
        assert statuses == [401, 401, 429]

    lines, logs = await logged(
        database_url, capsys, requests, rate_limits_enabled=True, rate_limit_login_ip="2/minute"
    )

    assert [(line["status"], line["code"]) for line in lines] == [
        (401, "INVALID_CREDENTIALS"),
        (401, "INVALID_CREDENTIALS"),
        (429, "RATE_LIMITED"),
    ]
    assert "not the password at all" not in logs


async def test_a_refusal_before_routing_is_logged_with_its_path(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def requests(_app: FastAPI, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/posts?tag=a%00b")).status_code == 400

    lines, _ = await logged(database_url, capsys, requests, access_log=False)

    assert [(line["code"], line["path"], line["fields"]) for line in lines] == [
        ("VALIDATION_ERROR", "/api/v1/posts", ["query"])
    ]


async def test_answers_that_refuse_nothing_log_no_refusal(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def requests(app: FastAPI, client: httpx.AsyncClient) -> None:
        account = await account_of(app, client)
        assert (await client.get(ME, headers=account.headers)).status_code == 200
        assert (await client.get("/api/v1/posts/no-such-post")).status_code == 404
        assert (await client.get("/health")).status_code == 200

    lines, logs = await logged(database_url, capsys, requests)

    assert lines == []
    assert '"level": "warning"' not in logs
