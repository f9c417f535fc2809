"""Conduit profiles, following and the feed; follows show on /api/v1 too."""

import asyncio

import httpx
from fastapi import FastAPI

from .conduit import (
    ROOT,
    assert_errors,
    assert_valid,
    create_article,
    register,
    token_headers,
)


async def test_profile_shows_following_for_a_signed_in_reader(client: httpx.AsyncClient) -> None:
    author = await register(client)
    reader = await register(client)
    url = f"{ROOT}/profiles/{author['username']}"
    anonymous = await client.get(url)
    assert anonymous.status_code == 200
    assert_valid(anonymous.json(), "ProfileResponse")
    assert anonymous.json() == {
        "profile": {"username": author["username"], "bio": None, "image": None, "following": False}
    }
    headers = token_headers(reader["token"])
    for _ in range(2):  # idempotent; any body is accepted
        followed = await client.post(f"{url}/follow", json={"any": "thing"}, headers=headers)
        assert followed.status_code == 200, followed.text
        assert_valid(followed.json(), "ProfileResponse")
        assert followed.json()["profile"]["following"] is True
    assert (await client.get(url, headers=headers)).json()["profile"]["following"] is True
    core = await client.get(
        f"/api/v1/users/{author['username']}", headers=token_headers(reader["token"], "Bearer")
    )
    assert core.json()["following"] is True
    unfollowed = await client.delete(f"{url}/follow", headers=headers)
    assert unfollowed.status_code == 200
    assert unfollowed.json()["profile"]["following"] is False
    assert (await client.get(url, headers=headers)).json()["profile"]["following"] is False


async def test_profile_and_follow_refusals(client: httpx.AsyncClient) -> None:
    user = await register(client)
    headers = token_headers(user["token"])
    assert_errors(await client.get(f"{ROOT}/profiles/nobody_here"), 404)
    assert_errors(await client.post(f"{ROOT}/profiles/nobody_here/follow", headers=headers), 404)
    assert_errors(await client.post(f"{ROOT}/profiles/{user['username']}/follow"), 401)
    own = await client.post(f"{ROOT}/profiles/{user['username']}/follow", headers=headers)
    assert_errors(own, 422)
    bad = await client.get(f"{ROOT}/profiles/{user['username']}", headers=token_headers("x.y.z"))
    assert_errors(bad, 401)


async def test_twenty_concurrent_follows_make_one_row(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await register(client)
    reader = await register(client)
    url = f"{ROOT}/profiles/{author['username']}/follow"
    headers = token_headers(reader["token"])
    responses = await asyncio.gather(*(client.post(url, headers=headers) for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    followers = await client.get("/api/v1/feed", headers=token_headers(reader["token"], "Bearer"))
    assert followers.status_code == 200
    # One row: unfollowing once leaves none.
    assert (await client.delete(url, headers=headers)).status_code == 200
    profile = await client.get(f"{ROOT}/profiles/{author['username']}", headers=headers)
    assert profile.json()["profile"]["following"] is False


async def test_the_feed_shows_followed_authors_articles(client: httpx.AsyncClient) -> None:
    author = await register(client)
    other = await register(client)
    reader = await register(client)
    headers = token_headers(reader["token"])
    first = await create_article(client, author)
    await create_article(client, other)
    second = await create_article(client, author)
    empty = await client.get(f"{ROOT}/articles/feed", headers=headers)
    assert empty.json() == {"articles": [], "articlesCount": 0}
    await client.post(f"{ROOT}/profiles/{author['username']}/follow", headers=headers)
    feed = await client.get(f"{ROOT}/articles/feed", headers=headers)
    assert feed.status_code == 200
    assert_valid(feed.json(), "MultipleArticlesResponse")
    assert [a["slug"] for a in feed.json()["articles"]] == [second["slug"], first["slug"]]
    assert feed.json()["articlesCount"] == 2
    assert all(a["author"]["following"] is True for a in feed.json()["articles"])
    page = await client.get(f"{ROOT}/articles/feed", params={"offset": 1}, headers=headers)
    assert [a["slug"] for a in page.json()["articles"]] == [first["slug"]]


async def test_the_feed_needs_a_token_and_valid_pages(client: httpx.AsyncClient) -> None:
    reader = await register(client)
    assert_errors(await client.get(f"{ROOT}/articles/feed"), 401)
    bad = await client.get(
        f"{ROOT}/articles/feed", params={"limit": 0}, headers=token_headers(reader["token"])
    )
    assert_errors(bad, 422, "limit")
