"""PATCH /comments/{id} (and its PUT alias): only the comment's author changes its text."""

from typing import Any

import httpx
import pytest
from factories import POSTS, assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .threads import add_comment, comment_url, get_thread, thread_contents


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_the_author_edits_a_comment(
    app: FastAPI, client: httpx.AsyncClient, method: str
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, author, post["id"], "Frist")
    response = await client.request(
        method, comment_url(comment["id"]), json={"content": "First!"}, headers=author.headers
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["content"] == "First!"
    assert edited["created_at"] == comment["created_at"]
    assert edited["updated_at"] >= comment["updated_at"]
    unchanged = ("id", "post_id", "parent_id", "depth", "author", "status", "is_deleted")
    assert {k: edited[k] for k in unchanged} == {k: comment[k] for k in unchanged}
    assert (await get_thread(client, post["id"]))["data"] == [edited]


async def test_nobody_else_edits_a_comment(app: FastAPI, client: httpx.AsyncClient) -> None:
    post_author = await signed_in(app, client)
    commenter = await signed_in(app, client)
    post = await create_post(client, post_author)
    comment = await add_comment(client, commenter, post["id"], "Mine")
    others = [
        await signed_in(app, client),
        post_author,  # moderates the thread, but does not put words in anyone's mouth
        await signed_in(app, client, role=Role.EDITOR),
        await signed_in(app, client, role=Role.ADMIN),
    ]
    for other in others:
        response = await client.patch(
            comment_url(comment["id"]), json={"content": "Theirs"}, headers=other.headers
        )
        assert_error(response, 403, "FORBIDDEN")
    anonymous = await client.patch(comment_url(comment["id"]), json={"content": "Theirs"})
    assert_error(anonymous, 401, "AUTHENTICATION_REQUIRED")
    assert await thread_contents(client, post["id"]) == ["Mine"]


async def test_editing_a_comment_that_is_not_there_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    unknown = await client.patch(
        comment_url("01234567-89ab-7def-8123-456789abcdef"),
        json={"content": "x"},
        headers=author.headers,
    )
    assert_error(unknown, 404, "NOT_FOUND")
    malformed = await client.patch(
        comment_url("not-a-uuid"), json={"content": "x"}, headers=author.headers
    )
    assert_error(malformed, 400, "VALIDATION_ERROR", field="comment_id")

    parent = await add_comment(client, author, post["id"], "Parent")
    await add_comment(client, author, post["id"], "Reply", parent["id"])
    deleted = await client.delete(comment_url(parent["id"]), headers=author.headers)
    assert deleted.status_code == 204
    edit_deleted = await client.patch(
        comment_url(parent["id"]), json={"content": "Back"}, headers=author.headers
    )
    assert_error(edit_deleted, 404, "NOT_FOUND")
    assert await thread_contents(client, post["id"]) == [None, "Reply"]


async def test_a_comment_on_a_post_gone_from_sight_cannot_be_edited(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    commenter = await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, commenter, post["id"])
    moved = await client.patch(
        f"{POSTS}/{post['id']}", json={"status": "draft"}, headers=author.headers
    )
    assert moved.status_code == 200, moved.text
    response = await client.patch(
        comment_url(comment["id"]), json={"content": "x"}, headers=commenter.headers
    )
    assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": "ok", "status": "hidden"}, "status"),
        ({"content": "ok", "author_id": "01234567-89ab-7def-8123-456789abcdef"}, "author_id"),
        ({"content": "ok", "parent_id": None}, "parent_id"),
        ({"content": ""}, "content"),
        ({"content": "x" * 10_001}, "content"),
        ({}, "content"),
        ({"content": "nul\x00byte"}, "content"),
    ],
    ids=["status", "author_id", "parent_id", "empty", "too-long", "missing", "nul-byte"],
)
async def test_an_edit_that_is_not_just_valid_content_is_refused(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, author, post["id"], "Original")
    response = await client.patch(comment_url(comment["id"]), json=body, headers=author.headers)
    assert_error(response, 400, "VALIDATION_ERROR", field=field)
    assert (await get_thread(client, post["id"]))["data"] == [comment]
