"""Where RealWorld is served and how: the prefix, off, the Conduit error shape under the
prefix only, no slash redirects, CORS, rate limits, email verification, the package's
boundary (no SQLAlchemy, no models)."""

import ast
import asyncio
from pathlib import Path

import httpx
import pytest
from factories import own_app
from fastapi import FastAPI
from harness import make_settings
from pydantic import ValidationError

from blogapi.main import create_app

from .conduit import PASSWORD, ROOT, assert_errors, create_article, register, token_headers

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "blogapi" / "realworld"


def test_the_package_imports_neither_sqlalchemy_nor_a_model() -> None:
    imported = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported += [(path.name, node.module)]
                imported += [(path.name, f"{node.module}.{a.name}") for a in node.names]
    assert imported, "nothing read"
    forbidden = [
        (name, module)
        for name, module in imported
        if module.split(".")[0] == "sqlalchemy" or module.split(".")[-1] == "models"
    ]
    assert forbidden == []


@pytest.mark.parametrize(
    "prefix", ["realworld", "/realworld/", "/api/v1/realworld", "/real world", "/a/../b", ""]
)
def test_a_malformed_prefix_stops_start_up(prefix: str) -> None:
    with pytest.raises(ValidationError, match="realworld_prefix"):
        make_settings("sqlite+aiosqlite://", realworld_prefix=prefix)


async def test_another_prefix_and_off(database_url: str) -> None:
    async with own_app(database_url, realworld_prefix="/conduit/api") as (_app, client):
        assert (await client.get("/conduit/api/tags")).json() == {"tags": []}
        missing = await client.get(f"{ROOT}/tags")
        assert missing.status_code == 404
        assert "error" in missing.json()
    async with own_app(database_url, realworld_enabled=False) as (app, client):
        response = await client.get(f"{ROOT}/tags")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
        paths = app.openapi()["paths"]
        assert not [path for path in paths if path.startswith(ROOT)]


async def test_errors_have_the_conduit_shape_only_under_the_prefix(
    client: httpx.AsyncClient,
) -> None:
    assert_errors(await client.get(f"{ROOT}/no/such/path"), 404)
    assert_errors(await client.patch(f"{ROOT}/tags"), 405)
    core = await client.get("/api/v1/no/such/path")
    assert set(core.json()) == {"error"}
    malformed = await client.post(
        f"{ROOT}/users", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_errors(malformed, 422)
    plain = await client.post(f"{ROOT}/users", content=b"x", headers={"Content-Type": "text/plain"})
    assert_errors(plain, 415)


async def test_paths_are_exact_no_slash_redirects(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{ROOT}/tags/")
    assert_errors(response, 404)
    assert "location" not in response.headers
    assert (await client.get("/api/v1/tags/")).status_code == 307  # the core's own redirect


async def test_cors_preflight_allows_the_conduit_headers(database_url: str) -> None:
    origin = "https://conduit.example.com"
    async with own_app(database_url, cors_origins=[origin]) as (_app, client):
        response = await client.options(
            f"{ROOT}/articles",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, x-requested-with",
            },
        )
        assert response.status_code == 200, response.text
        assert response.headers["access-control-allow-origin"] == origin
        allowed = response.headers["access-control-allow-headers"].lower()
        for header in ("authorization", "content-type", "x-requested-with"):
            assert header in allowed
        denied = await client.options(
            f"{ROOT}/articles",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert_errors(denied, 422)  # the core's 400 for an origin it refuses


async def test_rate_limits_are_the_cores(database_url: str) -> None:
    async with own_app(database_url, rate_limit_register_ip="2/minute") as (_app, client):
        first = await register(client)
        await register(client)
        third = await client.post(
            f"{ROOT}/users",
            json={"user": {"username": "third", "email": "t@example.com", "password": PASSWORD}},
        )
        assert_errors(third, 429)
        assert int(third.headers["retry-after"]) > 0
        # Same counters as the core's register.
        core = await client.post(
            "/api/v1/auth/register",
            json={"username": "fourth", "email": "f@example.com", "password": PASSWORD},
        )
        assert core.status_code == 429
        logins = [
            client.post(
                f"{ROOT}/users/login",
                json={"user": {"email": first["email"], "password": PASSWORD}},
            )
            for _ in range(2)
        ]
        assert [r.status_code for r in await asyncio.gather(*logins)] == [200, 200]
    async with own_app(
        database_url, rate_limits_enabled=False, rate_limit_register_ip="1/minute"
    ) as (
        _app,
        client,
    ):
        for _ in range(3):
            await register(client)


async def test_with_email_verification_required_writes_are_403(database_url: str) -> None:
    async with own_app(database_url, require_email_verification=True) as (_app, client):
        user = await register(client)
        headers = token_headers(user["token"])
        assert (await client.get(f"{ROOT}/user", headers=headers)).status_code == 200
        body = {"article": {"title": "T", "description": "d", "body": "b"}}
        assert_errors(await client.post(f"{ROOT}/articles", json=body, headers=headers), 403)


async def test_get_and_delete_with_a_json_content_type_and_no_body(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await register(client)
    article = await create_article(client, user)
    headers = {**token_headers(user["token"]), "Content-Type": "application/json"}
    assert (
        await client.get(f"{ROOT}/articles/{article['slug']}", headers=headers)
    ).status_code == 200
    favorite = await client.post(f"{ROOT}/articles/{article['slug']}/favorite", headers=headers)
    assert favorite.status_code == 200
    assert favorite.json()["article"]["favoritesCount"] == 1


async def test_a_server_error_keeps_its_status_in_conduits_shape(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("blogapi.realworld.router.tags_queries.list_tags", broken)
    response = await client.get(f"{ROOT}/tags")
    body = assert_errors(response, 500)
    assert "boom" not in response.text
    assert body == {"errors": {"body": ["Internal server error"]}}


@pytest.mark.parametrize("prefix", ["/health", "/media", "/media/files"])
def test_a_prefix_another_route_owns_stops_start_up(database_url: str, prefix: str) -> None:
    with pytest.raises(ValueError, match="overlaps"):
        create_app(make_settings(database_url, realworld_prefix=prefix))
