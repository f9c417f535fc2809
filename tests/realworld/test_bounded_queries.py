"""A page of articles or comments costs the same statements whatever its size: the core's
list, then the authors' profiles and the reader's follows, one statement each."""

import httpx
from fastapi import FastAPI
from harness import counting_statements

from .conduit import ROOT, create_article, register, token_headers


async def _count(app: FastAPI, client: httpx.AsyncClient, url: str, token: str) -> int:
    with counting_statements(app) as statements:
        response = await client.get(url, headers=token_headers(token))
        assert response.status_code == 200, response.text
    return len(statements)


async def test_article_and_comment_lists_cost_a_fixed_number_of_statements(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    authors = [await register(client) for _ in range(3)]
    reader = await register(client)
    first = await create_article(client, authors[0])
    comments = f"{ROOT}/articles/{first['slug']}/comments"
    await client.post(
        comments, json={"comment": {"body": "One"}}, headers=token_headers(authors[1]["token"])
    )
    small = await _count(app, client, f"{ROOT}/articles", reader["token"])
    small_thread = await _count(app, client, comments, reader["token"])
    for author in authors:
        await create_article(client, author)
        await client.post(
            comments, json={"comment": {"body": "More"}}, headers=token_headers(author["token"])
        )
    await client.post(
        f"{ROOT}/profiles/{authors[2]['username']}/follow", headers=token_headers(reader["token"])
    )
    assert await _count(app, client, f"{ROOT}/articles", reader["token"]) == small
    assert await _count(app, client, comments, reader["token"]) == small_thread
