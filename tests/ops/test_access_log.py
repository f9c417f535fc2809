"""The access log: one JSON line per request at INFO, none with ACCESS_LOG=false, and none
below the configured level (dropped before any processor runs)."""

import json

import httpx
import pytest
from asgi_lifespan import LifespanManager
from harness import make_settings

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
