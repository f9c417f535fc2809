"""The post's comments_count: visible, non-deleted comments, moved with every change."""

import httpx
from factories import assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .threads import add_comment, comment_url, comments_count, moderate, thread_url


async def test_the_count_follows_create_hide_unhide_and_delete(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    assert await comments_count(client, post, author) == 0

    first = await add_comment(client, reader, post["id"])
    assert await comments_count(client, post, author) == 1
    reply = await add_comment(client, reader, post["id"], parent_id=first["id"])
    assert await comments_count(client, post, author) == 2

    steps = [
        ("hide", 1),
        ("hide", 1),  # already hidden: nothing changed, nothing counted
        ("unhide", 2),
        ("unhide", 2),
    ]
    for action, expected in steps:
        assert (await moderate(client, author, first["id"], action)).status_code == 200
        assert await comments_count(client, post, author) == expected, action

    assert (
        await client.delete(comment_url(reply["id"]), headers=reader.headers)
    ).status_code == 204
    assert await comments_count(client, post, author) == 1
    assert (
        await client.delete(comment_url(first["id"]), headers=author.headers)
    ).status_code == 204
    assert await comments_count(client, post, author) == 0


async def test_hiding_a_parent_uncounts_only_the_parent(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    parent = await add_comment(client, author, post["id"])
    for _ in range(3):
        await add_comment(client, author, post["id"], parent_id=parent["id"])
    assert (await moderate(client, author, parent["id"], "hide")).status_code == 200
    assert await comments_count(client, post, author) == 3


async def test_deleting_a_hidden_comment_leaves_the_count_alone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author)
    hidden = await add_comment(client, author, post["id"])
    await add_comment(client, author, post["id"])
    assert (await moderate(client, editor, hidden["id"], "hide")).status_code == 200
    assert await comments_count(client, post, author) == 1
    assert (
        await client.delete(comment_url(hidden["id"]), headers=editor.headers)
    ).status_code == 204
    assert await comments_count(client, post, author) == 1


async def test_refused_requests_leave_the_count_alone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, author, post["id"])

    refused = [
        await client.post(thread_url(post["id"]), json={"content": ""}, headers=author.headers),
        await client.post(thread_url(post["id"]), json={"content": "anonymous"}),
        await moderate(client, stranger, comment["id"], "hide"),
        await client.delete(comment_url(comment["id"]), headers=stranger.headers),
    ]
    assert [r.status_code for r in refused] == [400, 401, 403, 403]
    assert await comments_count(client, post, author) == 1
    assert (
        await client.delete(comment_url(comment["id"]), headers=author.headers)
    ).status_code == 204
    assert_error(
        await client.delete(comment_url(comment["id"]), headers=author.headers), 404, "NOT_FOUND"
    )
    assert await comments_count(client, post, author) == 0
