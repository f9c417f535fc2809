"""Titles take up to 255 characters, as the specification says (they took 200)."""

import httpx
from factories import POSTS, assert_error, create_post, own_posts, read_post, set_post, signed_in
from fastapi import FastAPI

LONGEST = "T" * 254 + "é"  # 255 characters, one of them outside ASCII


async def test_a_255_character_title_is_kept_and_kept_in_revisions(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title=LONGEST)
    assert post["title"] == LONGEST
    assert (await read_post(client, post["id"])).json()["title"] == LONGEST
    edited = await set_post(client, author, post["id"], title="R" * 255)
    assert edited["title"] == "R" * 255
    revision = await client.get(f"{POSTS}/{post['id']}/revisions/1", headers=author.headers)
    assert revision.status_code == 200, revision.text
    assert revision.json()["title"] == LONGEST


async def test_a_256_character_title_is_400_on_create_and_on_edit_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    refused = await client.post(
        POSTS, json={"title": LONGEST + "x", "content": "x"}, headers=author.headers
    )
    assert_error(refused, 400, "VALIDATION_ERROR", field="title")
    assert await own_posts(client, author) == []
    post = await create_post(client, author, title="Short")
    edit = {"title": LONGEST + "x"}
    refused = await client.patch(f"{POSTS}/{post['id']}", json=edit, headers=author.headers)
    assert_error(refused, 400, "VALIDATION_ERROR", field="title")
    assert (await read_post(client, post["id"])).json()["title"] == "Short"
    revisions = await client.get(f"{POSTS}/{post['id']}/revisions", headers=author.headers)
    assert revisions.json() == []
