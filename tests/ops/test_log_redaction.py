"""Logs never carry passwords, tokens, full email addresses or Authorization headers, not
even the lines that log a refused request."""

import json

import httpx
import pytest
import structlog
from asgi_lifespan import LifespanManager
from factories import emailed_token
from harness import make_settings

from blogapi.core.logging import configure_logging, scrub, visible
from blogapi.main import create_app

PASSWORD = "correct horse battery staple"
WEAK = "hunter22"  # too common a password, sent in a field too
SPENT_GUESS = "a-refresh-token-guessed-by-someone-0123456789"
NEW_PASSWORD = "another long passphrase"
EMAIL = "ada.lovelace@example.com"


async def test_a_whole_account_flow_leaves_no_secret_in_the_logs(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(database_url, log_level="DEBUG", log_format="json")
    app = create_app(settings)
    secrets: list[str] = [PASSWORD, NEW_PASSWORD, EMAIL]
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = {"email": EMAIL, "username": "ada", "password": PASSWORD}
            assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
            login = {"email": EMAIL, "password": PASSWORD}
            tokens = (await client.post("/api/v1/auth/login", json=login)).json()
            secrets += [tokens["access_token"], tokens["refresh_token"]]
            refreshed = await client.post(
                "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
            )
            secrets += [refreshed.json()["access_token"], refreshed.json()["refresh_token"]]
            headers = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
            assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
            wrong = {"email": EMAIL, "password": "a wrong password"}
            assert (await client.post("/api/v1/auth/login", json=wrong)).status_code == 401
            reset = await client.post("/api/v1/auth/password-reset", json={"email": EMAIL})
            assert reset.status_code == 202
            reset_token = await emailed_token(app, EMAIL, "password_reset")
            secrets.append(reset_token)
            confirm = {"token": reset_token, "new_password": NEW_PASSWORD}
            assert (
                await client.post("/api/v1/auth/password-reset/confirm", json=confirm)
            ).status_code == 204
            await client.get(f"/api/v1/auth/verify-email?token={reset_token}")
            # Refusals are logged at WARNING, with their code and never what was sent.
            forged = f"{tokens['access_token'][:-8]}AAAAAAAA"
            secrets += [forged, SPENT_GUESS, WEAK]
            forged_header = {"Authorization": f"Bearer {forged}"}
            assert (await client.get("/api/v1/users/me", headers=forged_header)).status_code == 401
            guess = {"refresh_token": SPENT_GUESS}
            assert (await client.post("/api/v1/auth/refresh", json=guess)).status_code == 401
            weak = {"email": "b@example.com", "username": "bob", "password": WEAK, "role": WEAK}
            assert (await client.post("/api/v1/auth/register", json=weak)).status_code == 400
    logs = capsys.readouterr().err
    assert '"event": "request"' in logs  # the access log was captured at all
    for secret in secrets:
        assert secret not in logs, f"found {secret[:12]}… in the logs"
    assert "Bearer ey" not in logs
    assert "a***@example.com" in logs or EMAIL not in logs
    refusals = [json.loads(line) for line in logs.splitlines() if '"request_refused"' in line]
    assert [(line["status"], line["code"]) for line in refusals] == [
        (401, "INVALID_CREDENTIALS"),
        (401, "INVALID_TOKEN"),
        (401, "INVALID_TOKEN"),
        (400, "VALIDATION_ERROR"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail bob.smith@corp.example.org now", "mail b***@corp.example.org now"),
        ("Authorization: Bearer abc.def.ghi", "Authorization: Bearer [redacted]"),
        ("/verify-email?token=s3cr3t&x=1", "/verify-email?token=[redacted]&x=1"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_scrub_masks_what_it_should(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_a_logged_traceback_is_redacted_in_either_format(
    log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", log_format)
    password = PASSWORD  # a local of the failing frame, as a handler's would be
    try:
        raise ValueError(f"no account for {EMAIL} (Authorization: Bearer abc.def.ghi)")
    except ValueError:
        structlog.get_logger("blogapi.test").exception("lookup_failed")

    logs = capsys.readouterr().err
    assert "lookup_failed" in logs
    assert "ValueError" in logs  # the traceback is there
    assert EMAIL not in logs
    assert "abc.def.ghi" not in logs
    assert password not in logs


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_control_characters_a_client_sent_cannot_forge_a_log_line(
    log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", log_format)
    # The console renderer quotes a value with whitespace in it, but writes others as they
    # are: a NUL or an escape sequence alone went out raw.
    log = structlog.get_logger("blogapi.test")
    log.warning("request_refused", path="/api/v1/posts/a\x00b", agent="x\x1b[2Jy")
    log.warning("request_refused", path="/a\r\n2026-12-05T09:00:00Z [info] request forged")

    logs = capsys.readouterr().err
    assert "request_refused" in logs
    assert "\x00" not in logs
    assert "\x1b" not in logs
    assert len(logs.strip().splitlines()) == 2, logs  # the forged line stays inside the real one
    assert "forged" in logs


def test_visible_escapes_only_what_cannot_be_shown() -> None:
    assert visible("/api/v1/posts/plain-slug") == "/api/v1/posts/plain-slug"
    assert visible("Ünïcödé ✓") == "Ünïcödé ✓"
    assert visible("a\x00b\nc\td\x7f") == "a\\x00b\\nc\\td\\x7f"
