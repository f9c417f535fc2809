"""How limits are configured, announced, reset and switched off."""

import asyncio
import re

import pytest
from factories import create_user, own_app, unique_name
from pydantic import ValidationError

from blogapi.core.config import Settings
from blogapi.core.ratelimit import hashed

from .ratelimits import LOGIN, POSTS, assert_limited, credentials

POLICY_SETTINGS = {
    "RATE_LIMIT_REGISTER_IP": ("rate_limit_register_ip", "5/minute"),
    "RATE_LIMIT_LOGIN_IP": ("rate_limit_login_ip", "10/minute"),
    "RATE_LIMIT_LOGIN_ACCOUNT": ("rate_limit_login_account", "5/minute"),
    "RATE_LIMIT_REFRESH_IP": ("rate_limit_refresh_ip", "30/minute"),
    "RATE_LIMIT_WRITE_USER": ("rate_limit_write_user", "60/minute"),
    "RATE_LIMIT_READ_IP": ("rate_limit_read_ip", "300/minute"),
}


def _clean_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for variable in [*POLICY_SETTINGS, "RATE_LIMITS_ENABLED", "REDIS_URL"]:
        monkeypatch.delenv(variable, raising=False)
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_default_policies_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _clean_settings(monkeypatch)

    assert settings.rate_limits_enabled is True
    assert settings.redis_url is None
    for name, default in POLICY_SETTINGS.values():
        assert getattr(settings, name) == default


def test_each_policy_is_read_from_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clean_settings(monkeypatch)
    for n, variable in enumerate(POLICY_SETTINGS, start=2):
        monkeypatch.setenv(variable, f"{n}/second")
    monkeypatch.setenv("RATE_LIMITS_ENABLED", "false")

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.rate_limits_enabled is False
    for n, (name, _) in enumerate(POLICY_SETTINGS.values(), start=2):
        assert getattr(settings, name) == f"{n}/second"


@pytest.mark.parametrize("value", ["ten a minute", "10/fortnight", "", "-1/minute"])
def test_a_malformed_policy_stops_start_up_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    _clean_settings(monkeypatch)

    with pytest.raises(ValidationError, match="rate_limit_login_ip"):
        Settings(_env_file=None, rate_limit_login_ip=value)  # type: ignore[call-arg]


async def test_allowed_responses_announce_the_policy_and_whats_left(database_url: str) -> None:
    async with own_app(database_url, rate_limit_read_ip="5/minute") as (_app, client):
        first = await client.get(POSTS)
        second = await client.get(POSTS)

    assert first.status_code == second.status_code == 200
    assert first.headers["ratelimit-policy"] == '"read-ip";q=5;w=60'
    assert re.fullmatch(r'"read-ip";r=4;t=\d+', first.headers["ratelimit"])
    assert re.fullmatch(r'"read-ip";r=3;t=\d+', second.headers["ratelimit"])
    assert "retry-after" not in first.headers


async def test_a_request_under_two_policies_announces_the_tighter(database_url: str) -> None:
    overrides = {"rate_limit_login_ip": "2/minute", "rate_limit_read_ip": "50/minute"}
    async with own_app(database_url, **overrides) as (app, client):
        username = await create_user(app)
        response = await client.post(LOGIN, json=credentials(username))

    assert response.status_code == 200, response.text
    assert response.headers["ratelimit-policy"] == '"login-ip";q=2;w=60'
    assert re.fullmatch(r'"login-ip";r=1;t=\d+', response.headers["ratelimit"])


async def test_the_window_moves_on_and_lets_requests_through_again(database_url: str) -> None:
    async with own_app(database_url, rate_limit_read_ip="2/second") as (_app, client):
        for _ in range(2):
            assert (await client.get(POSTS)).status_code == 200
        assert_limited(await client.get(POSTS), "read-ip", 2, 1)

        await asyncio.sleep(1.1)

        assert (await client.get(POSTS)).status_code == 200


async def test_resetting_the_limiter_clears_every_count(database_url: str) -> None:
    async with own_app(database_url, rate_limit_read_ip="1/minute") as (app, client):
        assert (await client.get(POSTS)).status_code == 200
        assert_limited(await client.get(POSTS), "read-ip", 1, 60)

        await app.state.rate_limiter.reset()

        assert (await client.get(POSTS)).status_code == 200


async def test_rate_limits_enabled_false_turns_every_policy_off(database_url: str) -> None:
    tiny = {f"rate_limit_{policy}": "1/minute" for policy in ("read_ip", "login_ip")}
    async with own_app(database_url, rate_limits_enabled=False, **tiny) as (app, client):
        for _ in range(4):
            response = await client.get(POSTS)
            assert response.status_code == 200
            assert "ratelimit" not in response.headers
            assert "ratelimit-policy" not in response.headers
        for _ in range(7):
            body = credentials(unique_name("nobody"), "wrong password")
            assert (await client.post(LOGIN, json=body)).status_code == 401
        username = await create_user(app)
        assert (await client.post(LOGIN, json=credentials(username))).status_code == 200


def test_account_keys_are_hashed_and_normalised() -> None:
    key = hashed("  Alice@Example.COM ")

    assert key == hashed("alice@example.com")
    assert "alice" not in key
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert key != hashed("bob@example.com")
