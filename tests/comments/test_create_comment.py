"""POST /posts/{ref}/comments: what a new comment stores and returns, and what is refused."""

import re
from typing import Any

import httpx
import pytest
from factories import (
    assert_error,
    create_post,
    signed_in,
)
from fastapi import FastAPI

from .threads import add_comment, comments_count, get_thread, thread_url

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
COMMENT_FIELDS = {
    "id",
    "post_id",
    "parent_id",
    "depth",
    "content",
    "author",
    "status",
    "is_deleted",
    "created_at",
    "updated_at",
}


async def test_a_reader_comments_on_a_published_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.post(
        thread_url(post["slug"]), json={"content": "Nice post!"}, headers=reader.headers
    )
    assert response.status_code == 201, response.text
    comment = response.json()
    assert set(comment) == COMMENT_FIELDS
    assert comment["post_id"] == post["id"]
    assert comment["parent_id"] is None
    assert comment["depth"] == 0
    assert comment["content"] == "Nice post!"
    assert comment["author"] == {
        "id": reader.id,
        "username": reader.username,
        "display_name": None,
        "avatar_url": None,
    }
    assert comment["status"] == "visible"
    assert comment["is_deleted"] is False
    assert ISO_Z.fullmatch(comment["created_at"])
    assert ISO_Z.fullmatch(comment["updated_at"])
    assert (await get_thread(client, post["id"]))["data"] == [comment]


async def test_a_reply_nests_one_level_below_its_parent(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    parent = await add_comment(client, author, post["id"], "Parent")
    reply = await add_comment(client, author, post["id"], "Reply", parent_id=parent["id"])
    assert reply["parent_id"] == parent["id"]
    assert reply["depth"] == 1


async def test_replies_nest_to_depth_eight_and_no_deeper(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    parent_id = None
    for depth in range(9):
        comment = await add_comment(client, author, post["id"], f"d{depth}", parent_id)
        assert comment["depth"] == depth
        parent_id = comment["id"]
    response = await client.post(
        thread_url(post["id"]),
        json={"content": "too deep", "parent_id": parent_id},
        headers=author.headers,
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="parent_id")
    assert await comments_count(client, post, author) == 9
    assert (await get_thread(client, post["id"]))["pagination"]["total"] == 9


async def test_a_parent_from_another_post_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post, other = await create_post(client, author), await create_post(client, author)
    elsewhere = await add_comment(client, author, other["id"])
    response = await client.post(
        thread_url(post["id"]),
        json={"content": "Reply", "parent_id": elsewhere["id"]},
        headers=author.headers,
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="parent_id")
    assert (await get_thread(client, post["id"]))["data"] == []
    assert await comments_count(client, post, author) == 0


async def test_a_reply_to_a_deleted_comment_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    parent = await add_comment(client, author, post["id"])
    deleted = await client.delete(f"/api/v1/comments/{parent['id']}", headers=author.headers)
    assert deleted.status_code == 204
    response = await client.post(
        thread_url(post["id"]),
        json={"content": "Reply", "parent_id": parent["id"]},
        headers=author.headers,
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="parent_id")
    assert (await get_thread(client, post["id"]))["data"] == []


@pytest.mark.parametrize(
    "parent_id",
    ["not-a-uuid", "", 42, ["x"], "01234567-89ab-7def-8123-456789abcdef"],
    ids=["text", "empty", "number", "list", "unknown-uuid"],
)
async def test_a_parent_id_that_names_no_comment_is_refused(
    app: FastAPI, client: httpx.AsyncClient, parent_id: object
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.post(
        thread_url(post["id"]),
        json={"content": "Reply", "parent_id": parent_id},
        headers=author.headers,
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="parent_id")
    assert await comments_count(client, post, author) == 0


@pytest.mark.parametrize(
    "extra",
    [
        {"author_id": "01234567-89ab-7def-8123-456789abcdef"},
        {"status": "hidden"},
        {"depth": 3},
        {"post_id": "01234567-89ab-7def-8123-456789abcdef"},
        {"is_deleted": True},
    ],
    ids=["author_id", "status", "depth", "post_id", "is_deleted"],
)
async def test_unknown_fields_are_refused_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient, extra: dict[str, Any]
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.post(
        thread_url(post["id"]), json={"content": "Hi", **extra}, headers=author.headers
    )
    [name] = extra
    error = assert_error(response, 400, "VALIDATION_ERROR", field=name)
    assert error["details"][0]["message"] == "Unknown field"
    assert (await get_thread(client, post["id"]))["pagination"]["total"] == 0
    assert await comments_count(client, post, author) == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"content": ""},
        {"content": "   \n\t"},
        {"content": "x" * 10_001},
        {"content": None},
        {"content": "nul\x00byte"},
    ],
    ids=["missing", "empty", "blank", "too-long", "null", "nul-byte"],
)
async def test_content_must_be_1_to_10000_characters(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.post(thread_url(post["id"]), json=body, headers=author.headers)
    assert_error(response, 400, "VALIDATION_ERROR", field="content")
    assert await comments_count(client, post, author) == 0


async def test_content_of_exactly_10000_characters_is_kept_whole(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    content = "é" * 10_000
    assert (await add_comment(client, author, post["id"], content))["content"] == content


async def test_malformed_or_non_json_bodies_are_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    url = thread_url(post["id"])
    malformed = await client.post(
        url, content=b'{"content": ', headers={**author.headers, "content-type": "application/json"}
    )
    assert_error(malformed, 400, "VALIDATION_ERROR")
    text = await client.post(
        url, content=b"content=hi", headers={**author.headers, "content-type": "text/plain"}
    )
    assert_error(text, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert await comments_count(client, post, author) == 0
