"""Counters under concurrency: likes_count always equals the likes that exist."""

import asyncio

import httpx
from factories import POSTS, Account, create_post, read_post, signed_in
from fastapi import FastAPI


async def likes_count(client: httpx.AsyncClient, post_id: str) -> int:
    count: int = (await read_post(client, post_id)).json()["likes_count"]
    return count


async def liked_by(client: httpx.AsyncClient, post_id: str, readers: list[Account]) -> int:
    """How many of `readers` have a like on the post (read from each reader's own flag)."""
    flags = [(await read_post(client, post_id, reader)).json()["liked"] for reader in readers]
    assert all(flag in (True, False) for flag in flags)
    return sum(flags)


async def test_fifty_readers_liking_at_once_count_fifty(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(50)]
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/like"
    responses = await asyncio.gather(*(client.put(url, headers=r.headers) for r in readers))
    assert [r.status_code for r in responses] == [204] * 50, {r.text for r in responses}
    assert await likes_count(client, post["id"]) == 50
    assert await liked_by(client, post["id"], readers) == 50


async def test_one_reader_liking_twenty_times_at_once_counts_one(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/like"
    responses = await asyncio.gather(*(client.put(url, headers=reader.headers) for _ in range(20)))
    assert [r.status_code for r in responses] == [204] * 20, {r.text for r in responses}
    assert await likes_count(client, post["id"]) == 1
    assert await liked_by(client, post["id"], [reader]) == 1


async def test_racing_likes_and_unlikes_leave_the_count_equal_to_the_likes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(10)]
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/like"
    # Half the readers already like it, so unlikes have something to remove.
    for reader in readers[::2]:
        await client.put(url, headers=reader.headers)
    calls = []
    for reader in readers:
        calls += [
            client.put(url, headers=reader.headers),
            client.delete(url, headers=reader.headers),
        ]
    responses = await asyncio.gather(*calls)
    assert [r.status_code for r in responses] == [204] * 20, {r.text for r in responses}
    count = await likes_count(client, post["id"])
    assert 0 <= count <= len(readers)
    assert count == await liked_by(client, post["id"], readers)


async def test_racing_unlikes_of_one_like_never_go_below_zero(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/like"
    await client.put(url, headers=reader.headers)
    responses = await asyncio.gather(
        *(client.delete(url, headers=reader.headers) for _ in range(10))
    )
    assert [r.status_code for r in responses] == [204] * 10, {r.text for r in responses}
    assert await likes_count(client, post["id"]) == 0
    assert await liked_by(client, post["id"], [reader]) == 0


async def test_racing_bookmarks_by_one_reader_keep_one_bookmark(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/bookmark"
    responses = await asyncio.gather(*(client.put(url, headers=reader.headers) for _ in range(10)))
    assert [r.status_code for r in responses] == [204] * 10, {r.text for r in responses}
    listed = (await client.get("/api/v1/users/me/bookmarks", headers=reader.headers)).json()
    assert [p["id"] for p in listed["data"]] == [post["id"]]
