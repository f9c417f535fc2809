"""The client address is the socket peer; X-Forwarded-For counts only from trusted proxies."""

import pytest
from factories import client_for, create_user, login, own_app, unique_name
from pydantic import ValidationError
from starlette.requests import Request

from blogapi.core.client_ip import client_ip, parse_networks
from blogapi.core.config import Settings

from .ratelimits import LOGIN, assert_limited, credentials

PROXY = "10.0.0.2"
PROXIES = ["10.0.0.0/8", "fd00::/8"]


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [] if forwarded is None else [(b"x-forwarded-for", forwarded.encode())]
    return Request({"type": "http", "client": (peer, 5555), "headers": headers})


def _wrong_login() -> dict[str, str]:
    return credentials(unique_name("nobody"), "wrong password")


async def test_twenty_logins_with_forged_forwarded_for_are_still_limited(
    database_url: str,
) -> None:
    async with own_app(database_url) as (_app, client):
        statuses = []
        for n in range(20):
            forged = {"X-Forwarded-For": f"192.0.2.{n + 1}"}
            response = await client.post(LOGIN, json=_wrong_login(), headers=forged)
            statuses.append(response.status_code)

        assert statuses == [401] * 10 + [429] * 10
        assert_limited(response, "login-ip", 10, 60)


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(database_url: str) -> None:
    overrides = {"trusted_proxies": PROXIES, "rate_limit_login_ip": "2/minute"}
    async with own_app(database_url, **overrides) as (_app, client):
        for n in range(2):
            headers = {"X-Forwarded-For": f"198.51.100.{n}"}
            assert (
                await client.post(LOGIN, json=_wrong_login(), headers=headers)
            ).status_code == 401

        headers = {"X-Forwarded-For": "198.51.100.77"}
        response = await client.post(LOGIN, json=_wrong_login(), headers=headers)

    assert_limited(response, "login-ip", 2, 60)


async def test_clients_behind_a_trusted_proxy_have_budgets_of_their_own(
    database_url: str,
) -> None:
    overrides = {"trusted_proxies": PROXIES, "rate_limit_login_ip": "2/minute"}
    async with own_app(database_url, peer=PROXY, **overrides) as (_app, proxy):
        first = {"X-Forwarded-For": "198.51.100.1"}
        second = {"X-Forwarded-For": "198.51.100.2"}
        for _ in range(2):
            assert (await proxy.post(LOGIN, json=_wrong_login(), headers=first)).status_code == 401

        assert_limited(
            await proxy.post(LOGIN, json=_wrong_login(), headers=first), "login-ip", 2, 60
        )
        response = await proxy.post(LOGIN, json=_wrong_login(), headers=second)
        assert response.status_code == 401, response.text


async def test_a_client_cannot_spoof_past_a_trusted_proxy(database_url: str) -> None:
    """The proxy appends the address it saw; whatever the client wrote to its left is ignored."""
    overrides = {"trusted_proxies": PROXIES, "rate_limit_login_ip": "2/minute"}
    async with own_app(database_url, peer=PROXY, **overrides) as (_app, proxy):
        statuses = []
        for n in range(5):
            headers = {"X-Forwarded-For": f"192.0.2.{n}, 198.51.100.1"}
            response = await proxy.post(LOGIN, json=_wrong_login(), headers=headers)
            statuses.append(response.status_code)

    assert statuses == [401, 401, 429, 429, 429]


async def test_sessions_record_the_real_client_address(database_url: str) -> None:
    async with own_app(database_url, trusted_proxies=PROXIES) as (app, direct):
        username = await create_user(app)
        forged = {"X-Forwarded-For": "192.0.2.66"}
        response = await direct.post(LOGIN, json=credentials(username), headers=forged)
        assert response.status_code == 200, response.text
        async with client_for(app, PROXY) as proxy:
            proxy.headers["X-Forwarded-For"] = "192.0.2.66, 198.51.100.5, 10.1.2.3"
            account = await login(proxy, username)
            sessions = await proxy.get("/api/v1/auth/sessions", headers=account.headers)

    assert sessions.status_code == 200, sessions.text
    assert sorted(s["ip"] for s in sessions.json()) == ["198.51.100.5", "203.0.113.7"]


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    request = _request("203.0.113.9", "198.51.100.1")

    assert client_ip(request, []) == "203.0.113.9"
    assert client_ip(request, parse_networks(["10.0.0.0/8"])) == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.1", "198.51.100.1"),
        ("192.0.2.1, 198.51.100.1", "198.51.100.1"),
        ("198.51.100.1, 10.0.0.3", "198.51.100.1"),
        ("198.51.100.1,10.9.9.9 , 10.0.0.3", "198.51.100.1"),
        ("2001:db8::1, fd00::5", "2001:db8::1"),
        ("10.0.0.9, 10.0.0.3", "10.0.0.9"),
        ("", PROXY),
        (None, PROXY),
    ],
)
def test_behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client(
    forwarded: str | None, expected: str
) -> None:
    assert client_ip(_request(PROXY, forwarded), parse_networks(PROXIES)) == expected


def test_an_ipv6_proxy_is_recognised() -> None:
    request = _request("fd00::1", "2001:db8::7")

    assert client_ip(request, parse_networks(PROXIES)) == "2001:db8::7"


def test_trusted_proxies_are_read_from_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1 ,fd00::/8")

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.trusted_proxies == ["10.0.0.0/8", "192.168.1.1", "fd00::/8"]


@pytest.mark.parametrize("value", ["not-a-network", "10.0.0.0/33", "300.1.1.1"])
def test_a_bad_trusted_proxy_stops_start_up(value: str) -> None:
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(_env_file=None, trusted_proxies=[value])  # type: ignore[call-arg]
