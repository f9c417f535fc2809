"""Every rate-limit policy lets its threshold through and refuses the next request with 429."""

from factories import (
    client_for,
    create_post,
    create_user,
    login,
    own_app,
    signed_in,
    unique_name,
)

from .ratelimits import (
    LOGIN,
    OTHER_PEER,
    POSTS,
    REFRESH,
    REGISTER,
    RESEND,
    RESET,
    assert_limited,
    credentials,
    new_user,
)


async def test_register_is_limited_per_ip(database_url: str) -> None:
    async with own_app(database_url, rate_limit_register_ip="3/minute") as (app, client):
        for _ in range(3):
            response = await client.post(REGISTER, json=new_user())
            assert response.status_code == 201, response.text
        refused = new_user()

        assert_limited(await client.post(REGISTER, json=refused), "register-ip", 3, 60)

        async with client_for(app, OTHER_PEER) as other:
            # Another address has its own budget, and the refused request created nothing.
            response = await other.post(REGISTER, json=refused)
            assert response.status_code == 201, response.text


async def test_login_is_limited_to_ten_a_minute_per_ip_at_the_defaults(database_url: str) -> None:
    async with own_app(database_url) as (app, client):
        username = await create_user(app)
        for _ in range(10):
            response = await client.post(LOGIN, json=credentials(username))
            assert response.status_code == 200, response.text

        assert_limited(await client.post(LOGIN, json=credentials(username)), "login-ip", 10, 60)

        async with client_for(app, OTHER_PEER) as other:
            response = await other.post(LOGIN, json=credentials(username))
            assert response.status_code == 200, response.text


async def test_failed_logins_count_against_the_ip_too(database_url: str) -> None:
    async with own_app(database_url, rate_limit_login_ip="3/minute") as (_app, client):
        for _ in range(3):
            # A different unknown account each time: only the address limit applies.
            body = credentials(unique_name("nobody"), "wrong password")
            assert (await client.post(LOGIN, json=body)).status_code == 401

        body = credentials(unique_name("nobody"), "wrong password")
        assert_limited(await client.post(LOGIN, json=body), "login-ip", 3, 60)


async def test_refresh_is_limited_per_ip(database_url: str) -> None:
    async with own_app(database_url, rate_limit_refresh_ip="3/minute") as (app, client):
        account = await login(client, await create_user(app))
        for _ in range(3):
            response = await client.post(REFRESH, json={"refresh_token": "not-a-real-token"})
            assert response.status_code == 401, response.text

        # Past the limit even a valid token waits; the refusal does not spend it.
        body = {"refresh_token": account.refresh_token}
        assert_limited(await client.post(REFRESH, json=body), "refresh-ip", 3, 60)
        async with client_for(app, OTHER_PEER) as other:
            response = await other.post(REFRESH, json=body)
            assert response.status_code == 200, response.text


async def test_writes_are_limited_per_user_not_per_address(database_url: str) -> None:
    async with own_app(database_url, rate_limit_write_user="3/minute") as (app, client):
        writer = await signed_in(app, client)
        neighbour = await signed_in(app, client)  # same address, another account
        for _ in range(3):
            await create_post(client, writer)
        body = {"title": "One too many", "content": "text"}

        assert_limited(
            await client.post(POSTS, json=body, headers=writer.headers), "write-user", 3, 60
        )

        async with client_for(app, OTHER_PEER) as elsewhere:
            # Moving to another address does not reset the account's budget ...
            response = await elsewhere.post(POSTS, json=body, headers=writer.headers)
            assert_limited(response, "write-user", 3, 60)
        # ... and another account behind the same address is not affected.
        await create_post(client, neighbour)
        # Reads are a separate budget.
        assert (await client.get(POSTS, headers=writer.headers)).status_code == 200


async def test_reads_are_limited_per_ip(database_url: str) -> None:
    async with own_app(database_url, rate_limit_read_ip="3/minute") as (app, client):
        reader = await signed_in(app, client)
        for _ in range(3):
            assert (await client.get(POSTS)).status_code == 200

        assert_limited(await client.get(POSTS), "read-ip", 3, 60)
        # Reads count per address: signing in does not buy a fresh budget.
        assert_limited(await client.get(POSTS, headers=reader.headers), "read-ip", 3, 60)
        async with client_for(app, OTHER_PEER) as other:
            assert (await other.get(POSTS)).status_code == 200


async def test_password_reset_requests_are_limited_per_ip(database_url: str) -> None:
    async with own_app(database_url, rate_limit_email_ip="2/minute") as (app, client):
        username = await create_user(app)
        body = {"email": f"{username}@example.com"}
        for _ in range(2):
            assert (await client.post(RESET, json=body)).status_code == 202

        assert_limited(await client.post(RESET, json=body), "email-ip", 2, 60)
        # An unknown address is refused exactly the same way.
        unknown = {"email": f"{unique_name('nobody')}@example.com"}
        assert_limited(await client.post(RESET, json=unknown), "email-ip", 2, 60)


async def test_resending_the_verification_email_is_limited(database_url: str) -> None:
    async with own_app(database_url, rate_limit_email_ip="2/minute") as (app, client):
        account = await signed_in(app, client)
        for _ in range(2):
            response = await client.post(RESEND, headers=account.headers)
            assert response.status_code == 202, response.text

        assert_limited(await client.post(RESEND, headers=account.headers), "email-ip", 2, 60)


async def test_a_refused_request_does_not_reach_the_handler(database_url: str) -> None:
    async with own_app(database_url, rate_limit_write_user="1/minute") as (app, client):
        writer = await signed_in(app, client)
        await create_post(client, writer)
        title = unique_name("Refused ")

        response = await client.post(
            POSTS, json={"title": title, "content": "x"}, headers=writer.headers
        )

        assert_limited(response, "write-user", 1, 60)
        listed = await client.get(POSTS, params={"limit": 100})
        assert title not in [post["title"] for post in listed.json()["data"]]
