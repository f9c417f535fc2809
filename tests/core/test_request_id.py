"""X-Request-ID: a well-formed incoming id is echoed, anything else replaced by a new UUID."""

import uuid

import httpx
import pytest
from factories import ME, assert_error, signed_in
from fastapi import FastAPI

LOGIN = "/api/v1/auth/login"


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@pytest.mark.parametrize("request_id", ["abc-123._X", "a", "Z" * 128, "0.1_2-3"])
async def test_a_valid_incoming_id_is_echoed_on_the_response(
    client: httpx.AsyncClient, request_id: str
) -> None:
    response = await client.get("/health", headers={"X-Request-ID": request_id})

    assert response.status_code == 200
    assert response.headers["x-request-id"] == request_id


async def test_a_valid_incoming_id_is_the_request_id_of_an_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(ME, headers={"X-Request-ID": "abc-123._X"})

    error = assert_error(response, 401, "AUTHENTICATION_REQUIRED")
    assert error["request_id"] == "abc-123._X"


@pytest.mark.parametrize(
    "request_id",
    [
        "Z" * 129,
        "has space",
        "with/slash",
        "back\\slash",
        "semi;colon",
        "quote'd",
        "<script>",
        "new\tline",
        "ünïcode",
        "",
    ],
)
async def test_an_invalid_incoming_id_is_replaced_by_a_fresh_uuid(
    client: httpx.AsyncClient, request_id: str
) -> None:
    response = await client.get(
        "/api/v1/users/nobody_here", headers={"X-Request-ID": request_id.encode()}
    )

    error = assert_error(response, 404, "NOT_FOUND")
    assert response.headers["x-request-id"] != request_id
    assert is_uuid(response.headers["x-request-id"])
    assert error["request_id"] == response.headers["x-request-id"]


async def test_every_response_has_a_request_id_and_each_is_new(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    responses = [
        await client.get("/health"),
        await client.get("/metrics"),
        await client.get("/openapi.json"),
        await client.get("/nope"),
        await client.delete("/health"),
        await client.get(ME, headers=account.headers),
        await client.post("/api/v1/auth/logout-all", headers=account.headers),
        await client.post(LOGIN, content=b"x", headers={"Content-Type": "text/plain"}),
        await client.post(
            LOGIN,
            content=b"{}",
            headers={"Content-Type": "application/json", "Content-Length": str(2 * 1024 * 1024)},
        ),
    ]

    ids = [response.headers.get_list("x-request-id") for response in responses]
    assert all(len(found) == 1 and is_uuid(found[0]) for found in ids), ids
    assert len({found[0] for found in ids}) == len(responses)
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 405, 200, 204, 415, 413]


async def test_a_duplicate_incoming_header_does_not_produce_two_ids(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/health", headers=[("X-Request-ID", "first-id"), ("X-Request-ID", "second-id")]
    )

    assert len(response.headers.get_list("x-request-id")) == 1
