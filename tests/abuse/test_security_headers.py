"""Security headers on every response; a CSP the docs pages can live with; HSTS in production."""

import re
from urllib.parse import urlsplit

import httpx
import pytest
from factories import own_app, signed_in

from .ratelimits import LOGIN, POSTS

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _csp(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    policy: dict[str, list[str]] = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def _assert_api_headers(response: httpx.Response) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.status_code, name, response.headers)
    csp = _csp(response)
    assert csp["default-src"] == ["'none'"], csp
    assert csp["frame-ancestors"] == ["'none'"], csp
    assert "strict-transport-security" not in response.headers


async def test_api_responses_carry_the_security_headers(client: httpx.AsyncClient) -> None:
    for response in [
        await client.get("/health"),
        await client.get(POSTS),
        await client.get("/openapi.json"),
    ]:
        assert response.status_code == 200
        _assert_api_headers(response)


async def test_error_responses_carry_them_too(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get(f"{POSTS}/no-such-post"),
        await client.get("/api/v1/users/me"),
        await client.delete("/health"),
        await client.post(LOGIN, content=b"{", headers={"Content-Type": "application/json"}),
        await client.get("/nowhere"),
    ]

    assert [r.status_code for r in responses] == [404, 401, 405, 400, 404]
    for response in responses:
        _assert_api_headers(response)


async def test_an_oversized_body_refusal_carries_them(client: httpx.AsyncClient) -> None:
    body = b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'

    response = await client.post(POSTS, content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 413
    _assert_api_headers(response)


async def test_a_rate_limited_response_carries_them(database_url: str) -> None:
    async with own_app(database_url, rate_limit_read_ip="1/minute") as (_app, client):
        await client.get(POSTS)
        response = await client.get(POSTS)

    assert response.status_code == 429
    _assert_api_headers(response)


def _asset_urls(page: str) -> dict[str, list[str]]:
    """What the page loads, by the CSP directive that governs it."""
    links = re.findall(r"<link\b[^>]*>", page)
    return {
        "script-src": re.findall(r'<script[^>]+src="([^"]+)"', page),
        "style-src": [_href(link) for link in links if 'rel="stylesheet"' in link],
        "img-src": [_href(link) for link in links if "icon" in link],
    }


def _href(tag: str) -> str:
    match = re.search(r'href="([^"]+)"', tag)
    assert match is not None, tag
    return match.group(1)


def _allows(sources: list[str], url: str) -> bool:
    parts = urlsplit(url)
    if not parts.scheme:
        return "'self'" in sources
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin in sources


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_docs_pages_get_a_policy_that_lets_them_load(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 200
    for name, value in COMMON.items():
        assert response.headers[name] == value
    csp = _csp(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert all("'unsafe-eval'" not in sources for sources in csp.values())
    # Every script and stylesheet the page loads is allowed, and so is its inline boot script.
    assets = _asset_urls(response.text)
    assert assets["script-src"], response.text
    for directive, urls in assets.items():
        for url in urls:
            assert _allows(csp[directive], url), (directive, url, csp[directive])
    if "<script>" in response.text:
        assert "'unsafe-inline'" in csp["script-src"]
    # The page fetches the schema from this server.
    assert "'self'" in csp["connect-src"]


async def test_hsts_is_sent_in_production(database_url: str) -> None:
    production = {"environment": "production", "allowed_hosts": ["test"], "metrics_public": True}
    async with own_app(database_url, **production) as (app, client):
        account = await signed_in(app, client)
        responses = [
            await client.get("/health"),
            await client.get(POSTS, headers=account.headers),
            await client.get("/docs"),
            await client.get(f"{POSTS}/missing"),
        ]

    for response in responses:
        hsts = response.headers["strict-transport-security"]
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))  # type: ignore[union-attr]
        assert max_age >= 31_536_000, hsts
        assert "includesubdomains" in hsts.lower()


@pytest.mark.parametrize("environment", ["development", "test"])
async def test_hsts_is_not_sent_outside_production(database_url: str, environment: str) -> None:
    async with own_app(database_url, environment=environment) as (_app, client):
        response = await client.get("/health")

    assert response.status_code == 200
    assert "strict-transport-security" not in response.headers
