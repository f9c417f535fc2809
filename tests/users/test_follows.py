"""Following: PUT|DELETE /users/{ref}/follow, `following` on profiles, GET /feed."""

import asyncio

import httpx
from factories import USERS, assert_error, create_post, signed_in
from fastapi import FastAPI
from sqlalchemy import func, select

from blogapi.users.models import Follow

FEED = "/api/v1/feed"


async def follows_rows(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Follow)) or 0)


async def test_follow_and_unfollow_are_idempotent_and_show_on_the_profile(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader = await signed_in(app, client)
    author = await signed_in(app, client)
    url = f"{USERS}/{author.username}/follow"
    for _ in range(2):
        response = await client.put(url, headers=reader.headers)
        assert response.status_code == 204, response.text
        assert response.content == b""
    profile = await client.get(f"{USERS}/{author.id}", headers=reader.headers)
    assert profile.json()["following"] is True
    assert (await client.get(f"{USERS}/{author.id}")).json()["following"] is None
    mirror = await client.get(f"{USERS}/{reader.id}", headers=author.headers)
    assert mirror.json()["following"] is False
    for _ in range(2):
        assert (await client.delete(url, headers=reader.headers)).status_code == 204
    profile = await client.get(f"{USERS}/{author.id}", headers=reader.headers)
    assert profile.json()["following"] is False
    assert await follows_rows(app) == 0


async def test_following_yourself_is_a_400(app: FastAPI, client: httpx.AsyncClient) -> None:
    reader = await signed_in(app, client)
    for method in ("PUT", "DELETE"):
        response = await client.request(
            method, f"{USERS}/{reader.username}/follow", headers=reader.headers
        )
        assert_error(response, 400, "VALIDATION_ERROR", field="user")
    assert await follows_rows(app) == 0


async def test_following_an_unknown_account_is_a_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader = await signed_in(app, client)
    response = await client.put(f"{USERS}/nobody_here/follow", headers=reader.headers)
    assert_error(response, 404, "NOT_FOUND")
    assert await follows_rows(app) == 0


async def test_following_needs_a_sign_in(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    response = await client.put(f"{USERS}/{author.username}/follow")
    assert_error(response, 401, "AUTHENTICATION_REQUIRED")


async def test_twenty_concurrent_follows_make_one_row(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader = await signed_in(app, client)
    author = await signed_in(app, client)
    url = f"{USERS}/{author.username}/follow"
    responses = await asyncio.gather(*(client.put(url, headers=reader.headers) for _ in range(20)))
    assert [r.status_code for r in responses] == [204] * 20
    assert await follows_rows(app) == 1


async def test_the_feed_lists_followed_authors_public_posts_newest_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader = await signed_in(app, client)
    followed = await signed_in(app, client)
    other = await signed_in(app, client)
    first = await create_post(client, followed)
    await create_post(client, followed, status="draft")
    await create_post(client, other)
    second = await create_post(client, followed)
    assert (await client.get(FEED, headers=reader.headers)).json()["data"] == []
    await client.put(f"{USERS}/{followed.id}/follow", headers=reader.headers)

    body = (await client.get(FEED, headers=reader.headers)).json()

    assert [p["id"] for p in body["data"]] == [second["id"], first["id"]]
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 2, "total_pages": 1}
    paged = await client.get(FEED, params={"limit": 1, "page": 2}, headers=reader.headers)
    assert [p["id"] for p in paged.json()["data"]] == [first["id"]]


async def test_the_feed_needs_a_sign_in_and_valid_pages(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader = await signed_in(app, client)
    assert_error(await client.get(FEED), 401, "AUTHENTICATION_REQUIRED")
    response = await client.get(FEED, params={"limit": 0}, headers=reader.headers)
    assert_error(response, 400, "VALIDATION_ERROR", field="limit")


async def test_a_deleted_account_can_no_longer_be_followed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader = await signed_in(app, client)
    author = await signed_in(app, client)
    await client.put(f"{USERS}/{author.id}/follow", headers=reader.headers)
    response = await client.request(
        "DELETE", f"{USERS}/me", json={"password": author.password}, headers=author.headers
    )
    assert response.status_code == 204
    # The account is anonymised, not removed: it simply cannot be seen or followed again.
    assert_error(
        await client.put(f"{USERS}/{author.id}/follow", headers=reader.headers), 404, "NOT_FOUND"
    )
