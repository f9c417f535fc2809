"""Auth URLs and token helpers shared by the auth tests."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
from fastapi import FastAPI
from harness import TEST_SECRET

AUTH = "/api/v1/auth"
REGISTER = f"{AUTH}/register"
LOGIN = f"{AUTH}/login"
TOKEN = f"{AUTH}/token"
REFRESH = f"{AUTH}/refresh"
LOGOUT = f"{AUTH}/logout"
LOGOUT_ALL = f"{AUTH}/logout-all"
SESSIONS = f"{AUTH}/sessions"
PASSWORD_CHANGE = f"{AUTH}/password"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def access_claims(app: FastAPI, user_id: str, **overrides: Any) -> dict[str, Any]:
    """The claims the app puts in an access token, valid now; `overrides` replace some."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": user_id,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": app.state.settings.jwt_issuer,
        "aud": app.state.settings.jwt_audience,
        "jti": uuid.uuid4().hex,
        "type": "access",
        "sid": str(uuid.uuid4()),
        "ver": 0,
    }
    claims.update(overrides)
    return claims


def forge(claims: dict[str, Any], *, key: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    """Sign `claims` as a JWT (with the app's key unless another is given)."""
    return jwt.encode(claims, key, algorithm=algorithm)


def without_request_id(response: httpx.Response) -> dict[str, Any]:
    """The error body with its per-request id taken out, to compare two errors."""
    error: dict[str, Any] = dict(response.json()["error"])
    error.pop("request_id")
    return error


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await client.post(REFRESH, json={"refresh_token": refresh_token})
