"""The SSRF guard: hostile URLs are refused when saved (400 on `url`) and blocked when
dialled (`blocked_target`, no connection made), including a name that resolves to a private
address only at connect time (DNS rebinding)."""

import ipaddress
from typing import Any

import httpcore
import httpx
import pytest
from factories import assert_error, own_app, signed_in
from fastapi import FastAPI
from harness import make_settings
from pytest_httpserver import HTTPServer

from blogapi.core.config import Role, Settings
from blogapi.webhooks import sending, targets

from .receivers import WEBHOOKS, create_webhook, deliver, record_event

PUBLIC = "93.184.216.34"
# A resolver of our own: no test depends on the network's DNS.
NAMES = {
    "localhost": ["127.0.0.1", "::1"],
    "metadata.google.internal": ["169.254.169.254"],
    "ten.example": ["10.0.0.5"],
    "mixed.example": [PUBLIC, "10.0.0.5"],
    "v6.example": ["fd00::1"],
    "mapped.example": ["::ffff:10.0.0.5"],
    "public.example": [PUBLIC],
}

HOSTILE = [
    "ftp://public.example/",
    "http://public.example/",  # http outside development
    "https://user:pass@public.example/",
    "https://public.example:22/",
    "https://public.example/" + "a" * 3000,
    "not a url",
    "https:///no-host",
    "https://localhost/",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://169.254.169.254/latest/meta-data/",
    "https://metadata.google.internal/",
    "https://10.0.0.5/",
    "https://ten.example/",
    "https://192.168.1.1/",
    "https://172.16.0.1/",
    "https://100.64.0.1/",
    "https://0.0.0.0/",
    "https://0x7f000001/",
    "https://2130706433/",
    "https://127.1/",
    "https://0177.0.0.1/",
    "https://[::ffff:127.0.0.1]/",
    "https://[64:ff9b::a00:5]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://224.0.0.1/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    "https://[2002:7f00:1::]/",
    "https://mixed.example/",
    "https://v6.example/",
    "https://mapped.example/",
]


@pytest.fixture
def dialled(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Our resolver in place, and every connection the real backend is asked for."""
    real_resolve = targets.resolve

    async def resolve(host: str, port: int) -> list[targets.IPAddress]:
        if host in NAMES:
            return [ipaddress.ip_address(a) for a in NAMES[host]]
        return await real_resolve(host, port)

    calls: list[tuple[str, int]] = []
    real_connect = httpcore.AnyIOBackend.connect_tcp

    async def connect_tcp(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        calls.append((host, port))
        return await real_connect(self, host, port, **kwargs)

    monkeypatch.setattr(targets, "resolve", resolve)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", connect_tcp)
    return calls


def _strict() -> Settings:
    return make_settings("sqlite+aiosqlite://", webhook_allowed_private_hosts=[])


@pytest.mark.parametrize("url", HOSTILE)
async def test_hostile_urls_are_refused_when_saved(dialled: list[Any], url: str) -> None:
    with pytest.raises((targets.BlockedTarget, targets.UnresolvableHost)):
        await targets.check_url(_strict(), url)


@pytest.mark.parametrize("url", HOSTILE)
async def test_hostile_urls_are_blocked_when_dialled_and_never_connected(
    dialled: list[Any], url: str
) -> None:
    settings = _strict()
    async with sending.make_client(settings) as client:
        outcome = await sending.post(client, settings, url, {}, b"{}")

    assert outcome.error_class == "blocked_target", outcome
    assert dialled == []


class Recording(httpcore.AsyncNetworkBackend):
    """A network backend that notes what it is asked to dial and connects nowhere."""

    def __init__(self) -> None:
        self.dialled: list[tuple[str, int]] = []

    async def connect_tcp(self, host: str, port: int, **_: Any) -> httpcore.AsyncNetworkStream:
        self.dialled.append((host, port))
        raise httpcore.ConnectError("not really")


async def test_a_public_name_passes_and_its_checked_address_is_dialled(
    dialled: list[Any],
) -> None:
    settings = _strict()
    await targets.check_url(settings, "https://public.example/hook")
    inner = Recording()

    with pytest.raises(httpcore.ConnectError):
        await targets.GuardedBackend(settings, inner).connect_tcp("public.example", 443)
    with pytest.raises(targets.BlockedTarget):
        await targets.GuardedBackend(settings, inner).connect_tcp("mixed.example", 443)

    assert inner.dialled == [(PUBLIC, 443)]  # the address checked, not the name


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "https://localhost",
        "https://[::1]/",
        "https://ten.example/",
        "ftp://public.example/",
        "https://public.example/" + "a" * 3000,
        "http//public.example",
    ],
)
async def test_the_api_refuses_them_with_a_400_on_url(
    database_url: str, dialled: list[Any], url: str
) -> None:
    async with own_app(database_url, rate_limits_enabled=False) as (app, client):
        admin = await signed_in(app, client, role=Role.ADMIN)

        response = await client.post(
            WEBHOOKS, json={"url": url, "events": ["*"]}, headers=admin.headers
        )
        listed = await client.get(WEBHOOKS, headers=admin.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field="url")
    assert listed.json()["data"] == []


async def test_a_name_that_turns_private_at_connect_time_is_blocked(
    app: FastAPI,
    client: httpx.AsyncClient,
    receiver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    dialled: list[Any],
) -> None:
    receiver.expect_request("/hook").respond_with_data("ok")
    answers = iter([[PUBLIC]])  # the first lookup (on saving) says public; then loopback

    async def rebinding(host: str, port: int) -> list[targets.IPAddress]:
        assert host == "rebind.example"
        return [ipaddress.ip_address(a) for a in next(answers, ["127.0.0.1"])]

    monkeypatch.setattr(targets, "resolve", rebinding)
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, "https://rebind.example/hook")

    await record_event(app, "post.published")
    await deliver(app)

    listing = await client.get(f"{WEBHOOKS}/{endpoint['id']}/deliveries", headers=admin.headers)
    [delivery] = listing.json()["data"]
    detail = await client.get(
        f"{WEBHOOKS}/{endpoint['id']}/deliveries/{delivery['id']}", headers=admin.headers
    )
    [attempt] = detail.json()["attempts_log"]
    assert attempt["error_class"] == "blocked_target"
    assert "127.0.0.1" in attempt["response_excerpt"]
    assert dialled == []
    assert receiver.log == []
