"""JSON bodies over MAX_BODY_BYTES (1 MiB) are 413, announced or streamed; nothing is written."""

import json
from collections.abc import AsyncIterator

import httpx
from factories import ME, PASSWORD, assert_error, me, signed_in, unique_name
from fastapi import FastAPI

REGISTER = "/api/v1/auth/register"
TWO_MB = 2 * 1024 * 1024
CHUNK = 64 * 1024


def big_registration(email: str) -> bytes:
    body = {
        "email": email,
        "username": unique_name(),
        "password": PASSWORD,
        "display_name": "x" * TWO_MB,
    }
    return json.dumps(body).encode()


async def chunks(payload: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(payload), CHUNK):
        yield payload[start : start + CHUNK]


async def nobody_registered(client: httpx.AsyncClient, email: str) -> bool:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return response.status_code == 401


async def test_a_2mb_body_with_content_length_is_413_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    email = f"{unique_name('big')}@example.com"
    payload = big_registration(email)

    response = await client.post(
        REGISTER, content=payload, headers={"Content-Type": "application/json"}
    )

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert await nobody_registered(client, email)


async def test_a_2mb_body_streamed_without_content_length_is_413_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    email = f"{unique_name('big')}@example.com"
    request = client.build_request(
        "POST",
        REGISTER,
        content=chunks(big_registration(email)),
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in request.headers

    response = await client.send(request)

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert await nobody_registered(client, email)


async def test_a_streamed_2mb_profile_update_is_413_and_the_profile_is_unchanged(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)
    payload = json.dumps({"display_name": "Big", "bio": "y" * TWO_MB}).encode()

    response = await client.patch(
        ME,
        content=chunks(payload),
        headers={**account.headers, "Content-Type": "application/json"},
    )

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert await me(client, account) == before


async def test_a_lying_small_content_length_does_not_get_past_the_limit(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)
    payload = json.dumps({"bio": "z" * TWO_MB}).encode()

    response = await client.patch(
        ME,
        content=chunks(payload),
        headers={**account.headers, "Content-Type": "application/json", "Content-Length": "20"},
    )

    assert 400 <= response.status_code < 500, response.text
    assert await me(client, account) == before


async def test_a_body_under_the_limit_reaches_validation(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)
    payload = json.dumps({"bio": "b" * (1024 * 1024 - 100)}).encode()
    assert len(payload) <= 1024 * 1024

    response = await client.patch(
        ME, content=payload, headers={**account.headers, "Content-Type": "application/json"}
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="bio")
    assert await me(client, account) == before


async def test_an_announced_oversize_body_is_refused_even_where_no_body_is_read(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/auth/logout",
        content=b"{}" + b" " * TWO_MB,
        headers={"Content-Type": "application/json"},
    )

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
