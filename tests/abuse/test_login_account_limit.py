"""Failed sign-ins on one account name slow down (429) without telling whether it exists."""

import asyncio

import httpx
from factories import client_for, create_user, own_app, unique_name

from .ratelimits import LOGIN, TOKEN, assert_limited, credentials, without_request_id

# The address limit is raised out of the way: these tests are about the account limit.
ACCOUNT_LIMIT = {"rate_limit_login_ip": "1000/minute"}
WRONG = "not the password at all"


async def _fail_until_limited(client: httpx.AsyncClient, email: str) -> list[httpx.Response]:
    """Six wrong passwords for `email`: five 401s and then the 429."""
    return [await client.post(LOGIN, json={"email": email, "password": WRONG}) for _ in range(6)]


async def test_five_failures_lock_the_account_name_for_the_window(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)

        responses = await _fail_until_limited(client, f"{username}@example.com")

        assert [r.status_code for r in responses[:5]] == [401] * 5
        assert_limited(responses[5], "login-account", 5, 60)
        # Now even the right password waits, from any address: the name is what is limited.
        async with client_for(app, "198.51.100.99") as other:
            response = await other.post(LOGIN, json=credentials(username))
        assert_limited(response, "login-account", 5, 60)


async def test_an_unknown_email_is_limited_exactly_like_a_known_one(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        known = f"{await create_user(app)}@example.com"
        unknown = f"{unique_name('nobody')}@example.com"

        for_known = await _fail_until_limited(client, known)
        for_unknown = await _fail_until_limited(client, unknown)

    assert [r.status_code for r in for_known] == [r.status_code for r in for_unknown]
    assert [r.status_code for r in for_known] == [401] * 5 + [429]
    for a, b in zip(for_known, for_unknown, strict=True):
        assert without_request_id(a) == without_request_id(b)
        assert set(a.headers) == set(b.headers)
        for header in ("ratelimit-policy", "www-authenticate"):
            assert a.headers.get(header) == b.headers.get(header)
        # Retry-After counts whole seconds, so the two may straddle a second boundary.
        assert abs(int(a.headers.get("retry-after", 0)) - int(b.headers.get("retry-after", 0))) <= 1


async def test_other_accounts_are_not_affected(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        victim = await create_user(app)
        bystander = await create_user(app)
        await _fail_until_limited(client, f"{victim}@example.com")

        response = await client.post(LOGIN, json=credentials(bystander))

    assert response.status_code == 200, response.text


async def test_successful_sign_ins_do_not_use_up_the_account_budget(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        for _ in range(8):
            response = await client.post(LOGIN, json=credentials(username))
            assert response.status_code == 200, response.text


async def test_the_account_name_is_matched_case_insensitively(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        spellings = [f"{username}@example.com", f"{username.upper()}@EXAMPLE.COM"]
        for n in range(5):
            body = {"email": f" {spellings[n % 2]} ", "password": WRONG}
            assert (await client.post(LOGIN, json=body)).status_code == 401

        response = await client.post(LOGIN, json=credentials(username))

    assert_limited(response, "login-account", 5, 60)


async def test_the_oauth2_form_shares_the_account_budget(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        email = f"{username}@example.com"
        for _ in range(5):
            response = await client.post(TOKEN, data={"username": email, "password": WRONG})
            assert response.status_code == 401, response.text

        form = await client.post(TOKEN, data={"username": email, "password": "x" * 9})
        json = await client.post(LOGIN, json=credentials(username))

    assert_limited(form, "login-account", 5, 60)
    assert_limited(json, "login-account", 5, 60)


async def test_concurrent_guesses_cannot_outrun_the_account_limit(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        email = f"{await create_user(app)}@example.com"
        guesses = [
            client.post(LOGIN, json={"email": email, "password": f"guess number {n}"})
            for n in range(20)
        ]

        statuses = [response.status_code for response in await asyncio.gather(*guesses)]

    # At most five passwords may be tried per window, however the guesses are timed.
    assert statuses.count(401) <= 5, statuses
    assert statuses.count(429) >= 15, statuses
