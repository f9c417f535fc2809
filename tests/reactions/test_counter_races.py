"""Counters under concurrency: likes_count and bookmarks_count always equal the rows there are.

Each race runs for likes and for bookmarks: the same toggles (PUT and DELETE
/posts/{ref}/like or /bookmark), the same counter rule, another table."""

import asyncio
from dataclasses import dataclass

import httpx
import pytest
from factories import POSTS, Account, create_post, read_post, signed_in
from fastapi import FastAPI


@dataclass(frozen=True)
class Kind:
    path: str  # /posts/{id}/<path>
    counter: str  # the post's field that counts them
    flag: str  # the reader's own field


KINDS = [Kind("like", "likes_count", "liked"), Kind("bookmark", "bookmarks_count", "bookmarked")]
kinds = pytest.mark.parametrize("kind", KINDS, ids=[k.path for k in KINDS])


async def counted(client: httpx.AsyncClient, post_id: str, kind: Kind) -> int:
    count: int = (await read_post(client, post_id)).json()[kind.counter]
    return count


async def flagged_by(
    client: httpx.AsyncClient, post_id: str, readers: list[Account], kind: Kind
) -> int:
    """How many of `readers` have one on the post (read from each reader's own flag)."""
    flags = [(await read_post(client, post_id, reader)).json()[kind.flag] for reader in readers]
    assert all(flag in (True, False) for flag in flags)
    return sum(flags)


@kinds
async def test_fifty_readers_at_once_count_fifty(
    app: FastAPI, client: httpx.AsyncClient, kind: Kind
) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(50)]
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/{kind.path}"
    responses = await asyncio.gather(*(client.put(url, headers=r.headers) for r in readers))
    assert [r.status_code for r in responses] == [204] * 50, {r.text for r in responses}
    assert await counted(client, post["id"], kind) == 50
    assert await flagged_by(client, post["id"], readers, kind) == 50


@kinds
async def test_one_reader_twenty_times_at_once_counts_one(
    app: FastAPI, client: httpx.AsyncClient, kind: Kind
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/{kind.path}"
    responses = await asyncio.gather(*(client.put(url, headers=reader.headers) for _ in range(20)))
    assert [r.status_code for r in responses] == [204] * 20, {r.text for r in responses}
    assert await counted(client, post["id"], kind) == 1
    assert await flagged_by(client, post["id"], [reader], kind) == 1


@kinds
async def test_fifty_racing_puts_and_deletes_leave_the_count_equal_to_the_rows(
    app: FastAPI, client: httpx.AsyncClient, kind: Kind
) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(25)]
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/{kind.path}"
    # Every other reader has one already, so deletes have something to remove.
    for reader in readers[::2]:
        await client.put(url, headers=reader.headers)
    calls = []
    for index, reader in enumerate(readers):
        put, delete = (
            client.put(url, headers=reader.headers),
            client.delete(url, headers=reader.headers),
        )
        calls += [put, delete] if index % 3 else [delete, put]
    responses = await asyncio.gather(*calls)
    assert [r.status_code for r in responses] == [204] * 50, {r.text for r in responses}
    count = await counted(client, post["id"], kind)
    assert 0 <= count <= len(readers)
    assert count == await flagged_by(client, post["id"], readers, kind)


@kinds
async def test_racing_deletes_of_one_never_go_below_zero(
    app: FastAPI, client: httpx.AsyncClient, kind: Kind
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/{kind.path}"
    await client.put(url, headers=reader.headers)
    responses = await asyncio.gather(
        *(client.delete(url, headers=reader.headers) for _ in range(10))
    )
    assert [r.status_code for r in responses] == [204] * 10, {r.text for r in responses}
    assert await counted(client, post["id"], kind) == 0
    assert await flagged_by(client, post["id"], [reader], kind) == 0


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
    assert listed["data"][0]["bookmarks_count"] == 1
