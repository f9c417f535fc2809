"""Every comment gets a unique integer `number`, in the order written (RealWorld's ids)."""

import asyncio
import uuid

import httpx
from factories import POSTS, create_post, signed_in
from fastapi import FastAPI

from blogapi.comments import queries


async def test_comments_are_numbered_in_the_order_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/comments"
    ids = []
    for text in ("one", "two", "three"):
        response = await client.post(url, json={"content": text}, headers=author.headers)
        assert response.status_code == 201, response.text
        ids.append(uuid.UUID(response.json()["id"]))
    async with app.state.sessionmaker() as session:
        numbers = await queries.numbers(session, ids)
        assert [numbers[i] for i in ids] == sorted(numbers.values())
        assert len(set(numbers.values())) == 3
        assert all(n > 0 for n in numbers.values())
        assert await queries.id_by_number(session, numbers[ids[1]]) == ids[1]
        assert await queries.id_by_number(session, max(numbers.values()) + 1) is None
        assert await queries.numbers(session, []) == {}


async def test_concurrent_comments_never_share_a_number(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    authors = [await signed_in(app, client) for _ in range(5)]
    post = await create_post(client, authors[0])
    url = f"{POSTS}/{post['id']}/comments"
    responses = await asyncio.gather(
        *(client.post(url, json={"content": "hi"}, headers=a.headers) for a in authors * 2)
    )
    assert [r.status_code for r in responses] == [201] * 10
    ids = [uuid.UUID(r.json()["id"]) for r in responses]
    async with app.state.sessionmaker() as session:
        numbers = await queries.numbers(session, ids)
    assert len(set(numbers.values())) == 10
