"""The access log: one JSON line per request at INFO, naming the account of a signed-in
request; none with ACCESS_LOG=false, and none below the configured level (dropped before any
processor runs)."""

import json

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import ME, USERS, client_for, create_user, login
from harness import empty_tables, make_settings

from blogapi.core.logging import scrub
from blogapi.main import create_app


async def _request_lines(
    database_url: str, capsys: pytest.CaptureFixture[str], **overrides: object
) -> list[dict[str, object]]:
    settings = make_settings(database_url, log_format="json", **overrides)
    app = create_app(settings)
    capsys.readouterr()
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get("/health")).status_code == 200
            assert (await client.get("/api/v1/posts/no-such-post")).status_code == 404
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    return [line for line in lines if line.get("event") == "request"]


async def test_each_request_gets_one_access_line_at_info(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = await _request_lines(database_url, capsys, log_level="INFO")
    assert [(line["route"], line["status"]) for line in lines] == [
        ("/health", 200),
        ("/api/v1/posts/{ref}", 404),
    ]


async def test_access_log_false_turns_the_lines_off(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _request_lines(database_url, capsys, log_level="INFO", access_log=False) == []


async def test_a_level_above_info_drops_the_access_lines(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _request_lines(database_url, capsys, log_level="WARNING") == []


async def test_a_signed_in_request_names_its_account_and_no_other_request_does(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(make_settings(database_url, log_format="json", log_level="INFO"))
    async with LifespanManager(app), client_for(app) as client:
        try:
            account = await login(client, await create_user(app))
            capsys.readouterr()
            forged = {"Authorization": "Bearer not.a.token"}
            statuses = [
                (await client.get(ME, headers=account.headers)).status_code,
                (await client.get("/api/v1/posts", headers=account.headers)).status_code,
                (await client.get("/api/v1/posts")).status_code,
                (await client.get(ME, headers=forged)).status_code,
                (await client.get(USERS, headers=account.headers)).status_code,
            ]
        finally:
            await empty_tables(app)
    assert statuses == [200, 200, 200, 401, 403]
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    requests = [line for line in lines if line.get("event") == "request"]
    assert [(line["route"], line.get("user_id")) for line in requests] == [
        (ME, account.id),  # a route that needs the account
        ("/api/v1/posts", account.id),  # a public read the token was sent to
        ("/api/v1/posts", None),
        (ME, None),  # a token that names no one
        (USERS, account.id),  # signed in, then refused
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail ada@example.com now", "mail a***@example.com now"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer [redacted]"),
        ("/verify?token=s3cret&x=1", "/verify?token=[redacted]&x=1"),
        ("nothing to hide here", "nothing to hide here"),
    ],
)
def test_scrub_masks_only_what_it_must(text: str, expected: str) -> None:
    assert scrub(text) == expected
