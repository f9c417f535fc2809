"""The post's comments_count: what an anonymous reader sees with its content, moved with every
change (every order of hides, unhides and deletes: test_count_matches_thread.py)."""

from typing import Any

import httpx
from factories import Account, assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .threads import add_comment, comment_url, comments_count, get_thread, moderate, thread_url


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
        ("hide", 0),  # the reply goes out of sight with it
        ("hide", 0),  # already hidden: nothing changed, nothing counted
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


async def _chain(
    app: FastAPI, client: httpx.AsyncClient, length: int
) -> tuple[Account, dict[str, Any], list[dict[str, Any]]]:
    """A new author's post with `length` comments, each replying to the one before."""
    author = await signed_in(app, client)
    post = await create_post(client, author)
    chain: list[dict[str, Any]] = []
    for _ in range(length):
        parent_id = chain[-1]["id"] if chain else None
        chain.append(await add_comment(client, author, post["id"], parent_id=parent_id))
    return author, post, chain


async def test_hiding_a_parent_uncounts_its_replies_too(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, [parent, _] = await _chain(app, client, 2)
    for _ in range(2):
        await add_comment(client, author, post["id"], parent_id=parent["id"])
    await add_comment(client, author, post["id"], "Elsewhere")
    assert (await moderate(client, author, parent["id"], "hide")).status_code == 200
    assert await comments_count(client, post, author) == 1
    assert len((await get_thread(client, post["id"]))["data"]) == 1


async def test_a_reply_under_a_hidden_comment_counts_once_it_shows(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, [parent, child] = await _chain(app, client, 2)
    assert (await moderate(client, author, parent["id"], "hide")).status_code == 200
    # A moderator may reply inside the hidden subtree; readers see none of it.
    await add_comment(client, author, post["id"], parent_id=child["id"])
    assert await comments_count(client, post, author) == 0
    assert (await moderate(client, author, parent["id"], "unhide")).status_code == 200
    assert await comments_count(client, post, author) == 3


async def test_unhiding_a_parent_leaves_a_hidden_reply_uncounted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, [parent, child, _] = await _chain(app, client, 3)
    for target, action in ((child, "hide"), (parent, "hide"), (parent, "unhide")):
        assert (await moderate(client, author, target["id"], action)).status_code == 200
    assert await comments_count(client, post, author) == 1


async def test_a_placeholder_is_not_counted_and_its_shown_replies_are(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, [parent, _] = await _chain(app, client, 2)
    assert (
        await client.delete(comment_url(parent["id"]), headers=author.headers)
    ).status_code == 204
    thread = await get_thread(client, post["id"])
    assert [c["is_deleted"] for c in thread["data"]] == [True, False]
    assert await comments_count(client, post, author) == 1


async def test_deleting_a_hidden_comment_leaves_the_count_alone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author)
    hidden = await add_comment(client, author, post["id"])
    reply = await add_comment(client, author, post["id"], parent_id=hidden["id"])
    await add_comment(client, author, post["id"])
    assert (await moderate(client, editor, hidden["id"], "hide")).status_code == 200
    assert await comments_count(client, post, author) == 1
    for comment in (reply, hidden):  # inside the hidden subtree, then its top
        assert (
            await client.delete(comment_url(comment["id"]), headers=editor.headers)
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
