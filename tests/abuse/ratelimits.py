"""Helpers for the rate-limit tests: request bodies and the shape of a 429."""

import re
from typing import Any

import httpx
from factories import PASSWORD, assert_error, unique_name

AUTH = "/api/v1/auth"
REGISTER = f"{AUTH}/register"
LOGIN = f"{AUTH}/login"
TOKEN = f"{AUTH}/token"
REFRESH = f"{AUTH}/refresh"
RESET = f"{AUTH}/password-reset"
RESEND = f"{AUTH}/resend-verification"
POSTS = "/api/v1/posts"
OTHER_PEER = "198.51.100.20"


def new_user() -> dict[str, str]:
    """A registration body for an account nobody has."""
    name = unique_name("limited")
    return {"email": f"{name}@example.com", "username": name, "password": PASSWORD}


def credentials(username: str, password: str = PASSWORD) -> dict[str, str]:
    return {"email": f"{username}@example.com", "password": password}


def assert_limited(
    response: httpx.Response, policy: str, limit: int, window: int
) -> dict[str, Any]:
    """A 429 RATE_LIMITED naming `policy`, with Retry-After and the RateLimit headers."""
    error = assert_error(response, 429, "RATE_LIMITED")
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= window, response.headers
    assert response.headers["ratelimit-policy"] == f'"{policy}";q={limit};w={window}'
    assert re.fullmatch(rf'"{policy}";r=0;t=\d+', response.headers["ratelimit"]), response.headers
    return error


def without_request_id(response: httpx.Response) -> dict[str, Any]:
    """The error body with its (always different) request id left out."""
    body: dict[str, Any] = response.json()
    body["error"].pop("request_id")
    return body
