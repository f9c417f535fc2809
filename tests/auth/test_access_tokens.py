"""Bearer access tokens: every claim verified, the algorithm pinned, one clear 401 code each."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from factories import ME, PASSWORD, Account, assert_error, signed_in
from fastapi import FastAPI

from .endpoints import SESSIONS, access_claims, bearer, forge

OTHER_KEY = "another-secret-key-that-is-also-long-enough"
REQUIRED = ["sub", "iat", "exp", "iss", "aud", "jti", "type"]


def assert_401(response: httpx.Response, code: str) -> None:
    error = assert_error(response, 401, code)
    assert error["details"] == []
    assert response.headers["www-authenticate"] == "Bearer"


async def account(app: FastAPI, client: httpx.AsyncClient) -> Account:
    return await signed_in(app, client)


async def test_a_token_forged_with_the_apps_key_and_claims_is_accepted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # The control for the tests below: each changes one thing of this token.
    user = await account(app, client)

    response = await client.get(ME, headers=bearer(forge(access_claims(app, user.id))))

    assert response.status_code == 200, response.text
    assert response.json()["id"] == user.id


async def test_lower_case_bearer_scheme_is_accepted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await account(app, client)

    response = await client.get(ME, headers={"Authorization": f"bearer {user.access_token}"})

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("url", [ME, SESSIONS])
async def test_missing_token_is_401_authentication_required(
    client: httpx.AsyncClient, url: str
) -> None:
    response = await client.get(url)

    assert_401(response, "AUTHENTICATION_REQUIRED")


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Token abc", "JWT abc", "abc"]
)
async def test_other_scheme_or_empty_bearer_is_401_invalid_token(
    client: httpx.AsyncClient, header: str
) -> None:
    response = await client.get(ME, headers={"Authorization": header})

    assert_401(response, "INVALID_TOKEN")


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b.c",
        "eyJhbGciOiJIUzI1NiJ9..",
        "x" * 2000,
        "Bearer abc",
        "\u00fc.\u00fc.\u00fc",
        "a\tb",
    ],
)
async def test_garbage_token_is_401_invalid_token(client: httpx.AsyncClient, token: str) -> None:
    # Sent as raw bytes, so non-ASCII reaches the app the way a careless client sends it.
    header = f"Bearer {token}".encode()
    response = await client.get(ME, headers={b"Authorization": header})

    assert_401(response, "INVALID_TOKEN")


async def test_unsigned_alg_none_token_is_rejected(app: FastAPI, client: httpx.AsyncClient) -> None:
    user = await account(app, client)
    claims = access_claims(app, user.id)
    made_by_pyjwt = jwt.encode(claims, None, algorithm="none")
    by_hand = ".".join(
        base64.urlsafe_b64encode(json.dumps(part, default=str).encode()).decode().rstrip("=")
        for part in (
            {"alg": "none", "typ": "JWT"},
            {**claims, "iat": int(claims["iat"].timestamp()), "exp": 4_000_000_000},
        )
    )

    for token in (made_by_pyjwt, by_hand + ".", by_hand + ".c2lnbmF0dXJl"):
        assert_401(await client.get(ME, headers=bearer(token)), "INVALID_TOKEN")


async def test_token_signed_with_another_key_is_rejected(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await account(app, client)

    token = forge(access_claims(app, user.id), key=OTHER_KEY)

    assert_401(await client.get(ME, headers=bearer(token)), "INVALID_TOKEN")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
async def test_token_signed_with_another_algorithm_is_rejected(
    app: FastAPI, client: httpx.AsyncClient, algorithm: str
) -> None:
    user = await account(app, client)

    token = forge(access_claims(app, user.id), algorithm=algorithm)

    assert_401(await client.get(ME, headers=bearer(token)), "INVALID_TOKEN")


async def test_tampered_payload_is_rejected(app: FastAPI, client: httpx.AsyncClient) -> None:
    victim = await account(app, client)
    attacker = await account(app, client)
    header, payload, signature = attacker.access_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = victim.id
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    response = await client.get(ME, headers=bearer(f"{header}.{forged}.{signature}"))

    assert_401(response, "INVALID_TOKEN")


@pytest.mark.parametrize(
    "override",
    [
        {"aud": "someone-else"},
        {"aud": ["someone-else", "another"]},
        {"iss": "https://evil.example"},
        {"type": "refresh"},
        {"type": "ACCESS"},
        {"type": ["access"]},
        {"sub": "not-a-uuid"},
        # Values made at collection get fixed ids: xdist workers must collect the same names.
        pytest.param({"sub": str(uuid.uuid4())}, id="sub=an-unknown-uuid"),
        {"sub": 12345},
        {"sid": "not-a-uuid"},
        {"ver": "abc"},
        {"ver": 1},
        pytest.param({"iat": datetime.now(UTC) + timedelta(hours=1)}, id="iat=in-an-hour"),
        pytest.param({"nbf": datetime.now(UTC) + timedelta(hours=1)}, id="nbf=in-an-hour"),
    ],
    ids=lambda override: "-".join(f"{k}={v}" for k, v in override.items())[:40],
)
async def test_token_with_a_wrong_claim_is_401_invalid_token(
    app: FastAPI, client: httpx.AsyncClient, override: dict[str, object]
) -> None:
    user = await account(app, client)

    token = forge(access_claims(app, user.id, **override))

    assert_401(await client.get(ME, headers=bearer(token)), "INVALID_TOKEN")


@pytest.mark.parametrize("claim", REQUIRED)
async def test_token_missing_a_required_claim_is_401_invalid_token(
    app: FastAPI, client: httpx.AsyncClient, claim: str
) -> None:
    user = await account(app, client)
    claims = access_claims(app, user.id)
    del claims[claim]

    assert_401(await client.get(ME, headers=bearer(forge(claims))), "INVALID_TOKEN")


async def test_expired_token_is_401_token_expired(app: FastAPI, client: httpx.AsyncClient) -> None:
    user = await account(app, client)
    past = datetime.now(UTC) - timedelta(hours=1)

    token = forge(access_claims(app, user.id, iat=past, exp=past + timedelta(minutes=15)))

    response = await client.get(ME, headers=bearer(token))
    assert_401(response, "TOKEN_EXPIRED")
    assert_401(await client.get(SESSIONS, headers=bearer(token)), "TOKEN_EXPIRED")


async def test_expired_token_with_a_bad_signature_is_invalid_not_expired(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await account(app, client)
    past = datetime.now(UTC) - timedelta(hours=1)

    token = forge(access_claims(app, user.id, iat=past, exp=past), key=OTHER_KEY)

    assert_401(await client.get(ME, headers=bearer(token)), "INVALID_TOKEN")


async def test_token_of_a_deleted_account_stops_working(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await account(app, client)
    deleted = await client.request("DELETE", ME, json={"password": PASSWORD}, headers=user.headers)
    assert deleted.status_code == 204, deleted.text

    assert_401(await client.get(ME, headers=user.headers), "INVALID_TOKEN")
