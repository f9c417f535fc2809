"""Build test state through the service layer or the HTTP API, never through table internals."""

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from harness import empty_tables, make_settings

from blogapi.core.config import Role, Settings
from blogapi.core.pagination import PageParams
from blogapi.mail import sealing
from blogapi.mail import service as mail_service
from blogapi.mail.models import OutboxEmail
from blogapi.main import create_app
from blogapi.users import queries as users_queries
from blogapi.users import service as users_service
from blogapi.users.schemas import UserCreate

PASSWORD = "a perfectly fine passphrase"
_counter = itertools.count(1)


@dataclass
class Account:
    id: str
    email: str
    username: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}{next(_counter)}"


async def create_user(
    app: FastAPI, *, role: Role = Role.AUTHOR, username: str | None = None
) -> str:
    """Create an account through the service layer; returns its username."""
    settings: Settings = app.state.settings
    username = username or unique_name()
    async with app.state.sessionmaker() as session:
        data = UserCreate(email=f"{username}@example.com", username=username, password=PASSWORD)
        await users_service.create_user(session, settings, data, role=role)
        await session.commit()
    return username


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> Account:
    response = await client.post(
        "/api/v1/auth/login", json={"email": f"{username}@example.com", "password": password}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return Account(
        id=body["user"]["id"],
        email=body["user"]["email"],
        username=username,
        password=password,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
    )


async def signed_in(
    app: FastAPI, client: httpx.AsyncClient, *, role: Role = Role.AUTHOR
) -> Account:
    """A new account of `role`, signed in."""
    return await login(client, await create_user(app, role=role))


# Posts -------------------------------------------------------------------------------------

POSTS = "/api/v1/posts"
POST_STATUSES = ("draft", "pending_review", "published", "archived")


def auth(account: Account | None) -> dict[str, str]:
    """Authorization headers for `account`, none for an anonymous reader."""
    return account.headers if account is not None else {}


async def create_post(client: httpx.AsyncClient, account: Account, **fields: Any) -> dict[str, Any]:
    """Create a post over HTTP (title and content default); returns its JSON."""
    body = {"title": unique_name("Post "), "content": "Some *Markdown* content.", **fields}
    response = await client.post(POSTS, json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    post: dict[str, Any] = response.json()
    return post


async def read_post(
    client: httpx.AsyncClient, ref: str, account: Account | None = None
) -> httpx.Response:
    return await client.get(f"{POSTS}/{ref}", headers=auth(account))


async def list_posts(
    client: httpx.AsyncClient, account: Account | None = None, **params: Any
) -> list[dict[str, Any]]:
    """One page of GET /posts (limit 100 unless given); asserts a 200."""
    response = await client.get(POSTS, params={"limit": 100, **params}, headers=auth(account))
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def own_posts(client: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    """Every post `account` may list by status (its own; all of them for an editor)."""
    found: list[dict[str, Any]] = []
    for status in POST_STATUSES:
        found += await list_posts(client, account, status=status)
    return found


async def set_post(
    client: httpx.AsyncClient, account: Account, ref: str, **changes: Any
) -> dict[str, Any]:
    """PATCH a post; asserts a 200 and returns the new JSON."""
    response = await client.patch(f"{POSTS}/{ref}", json=changes, headers=account.headers)
    assert response.status_code == 200, response.text
    post: dict[str, Any] = response.json()
    return post


# Users and the error envelope --------------------------------------------------------------

USERS = "/api/v1/users"
ME = f"{USERS}/me"
PUBLIC_USER_FIELDS = {"id", "username", "display_name", "bio", "avatar_url", "created_at"}
PRIVATE_USER_FIELDS = PUBLIC_USER_FIELDS | {
    "email",
    "role",
    "status",
    "email_verified",
    "updated_at",
}


def assert_error(
    response: httpx.Response, status: int, code: str, *, field: str | None = None
) -> dict[str, Any]:
    """Assert the exact error envelope; returns its `error` object.

    `field` (when given) must be named by one of the details.
    """
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details", "request_id"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], list)
    for detail in error["details"]:
        assert set(detail) == {"field", "message"}, detail
    assert error["request_id"] == response.headers["x-request-id"]
    if field is not None:
        assert field in [detail["field"] for detail in error["details"]], error
    return error


async def me(client: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    """GET /users/me as `account`; asserts a 200."""
    response = await client.get(ME, headers=account.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def emails_to(app: FastAPI, address: str) -> list[OutboxEmail]:
    """The emails queued to `address`, newest first (read from the outbox)."""
    async with app.state.sessionmaker() as session:
        emails, _ = await mail_service.list_emails(session, None, PageParams(page=1, limit=100))
    return [email for email in emails if email.to_address == address]


async def emailed_token(app: FastAPI, address: str, kind: str) -> str:
    """The token in the newest queued email of `kind` to `address` (its body opened with the
    app's key, as the worker does: bodies are sealed at rest)."""
    for email in await emails_to(app, address):
        if email.kind == kind:
            text = sealing.open_sealed(app.state.settings, email.id, email.sealed_body).text
            match = re.search(r"[?&]token=([^\s&]+)", text)
            assert match is not None, text
            return unquote(match.group(1))
    raise AssertionError(f"no {kind} email to {address}")


async def verify_email(app: FastAPI, client: httpx.AsyncClient, account: Account) -> None:
    """Verify `account`'s email the way a user does: ask for the email, follow its token."""
    response = await client.post("/api/v1/auth/resend-verification", headers=account.headers)
    assert response.status_code == 202, response.text
    token = await emailed_token(app, account.email, "verify_email")
    response = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert response.status_code == 200, response.text


# Apps of their own (settings a test needs, e.g. rate limits on) ---------------------------

TEST_PEER = "203.0.113.7"


def client_for(app: FastAPI, peer: str = TEST_PEER) -> httpx.AsyncClient:
    """A client of `app` whose requests come from the socket address `peer`."""
    transport = httpx.ASGITransport(app=app, client=(peer, 1234))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@asynccontextmanager
async def own_app(
    database_url: str, *, peer: str = TEST_PEER, **overrides: object
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """A started app with these settings, rate limits ON unless overridden, and a client.

    The database tables are emptied afterwards, as the `client` fixture does.
    """
    values: dict[str, object] = {"rate_limits_enabled": True, **overrides}
    application = create_app(make_settings(database_url, **values))
    async with LifespanManager(application):
        try:
            async with client_for(application, peer) as own_client:
                yield application, own_client
        finally:
            await empty_tables(application)


# Stored password hashes (the hash-upgrade path has no HTTP way in) -------------------------


async def stored_password_hash(app: FastAPI, username: str) -> str:
    """The password hash stored for `username`."""
    async with app.state.sessionmaker() as session:
        user = await users_queries.find_by_login(session, username)
        assert user is not None, username
        stored: str = user.password_hash
        return stored


async def set_password_hash(app: FastAPI, username: str, password_hash: str) -> None:
    """Store `password_hash` for `username`, e.g. one an older algorithm made."""
    async with app.state.sessionmaker() as session:
        user = await users_queries.find_by_login(session, username)
        assert user is not None, username
        user.password_hash = password_hash
        await session.commit()
