"""DELETE /comments/{id}: who may, and what the thread shows afterwards."""

import httpx
import pytest
from factories import assert_error, create_post, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .threads import add_comment, comment_url, get_thread, moderate, thread_contents


@pytest.mark.parametrize("hidden", [False, True], ids=["shown", "hidden"])
async def test_the_comments_author_the_posts_author_and_an_editor_may_delete(
    app: FastAPI, client: httpx.AsyncClient, hidden: bool
) -> None:
    post_author = await signed_in(app, client)
    commenter = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, post_author)
    for deleter in (commenter, post_author, editor):
        comment = await add_comment(client, commenter, post["id"], "Bye")
        reply = await add_comment(client, commenter, post["id"], "Bye again", comment["id"])
        if hidden:  # out of the readers' sight, it and its reply: still theirs to remove
            assert (await moderate(client, post_author, comment["id"], "hide")).status_code == 200
        for removed in (reply, comment):
            response = await client.delete(comment_url(removed["id"]), headers=deleter.headers)
            assert response.status_code == 204, response.text
            assert response.content == b""
        assert await thread_contents(client, post["id"], post_author) == []


async def test_nobody_else_may_delete(app: FastAPI, client: httpx.AsyncClient) -> None:
    post_author = await signed_in(app, client)
    commenter = await signed_in(app, client)
    post = await create_post(client, post_author)
    comment = await add_comment(client, commenter, post["id"], "Stays")
    # Another commenter on the same post, and the author of a reply, are strangers here.
    stranger = await signed_in(app, client)
    await add_comment(client, stranger, post["id"], "Reply", comment["id"])
    response = await client.delete(comment_url(comment["id"]), headers=stranger.headers)
    assert_error(response, 403, "FORBIDDEN")
    assert_error(await client.delete(comment_url(comment["id"])), 401, "AUTHENTICATION_REQUIRED")
    assert await thread_contents(client, post["id"]) == ["Stays", "Reply"]


async def test_deleting_what_is_not_there_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, author, post["id"])
    assert (
        await client.delete(comment_url(comment["id"]), headers=author.headers)
    ).status_code == 204
    again = await client.delete(comment_url(comment["id"]), headers=author.headers)
    assert_error(again, 404, "NOT_FOUND")
    unknown = await client.delete(
        comment_url("01234567-89ab-7def-8123-456789abcdef"), headers=author.headers
    )
    assert_error(unknown, 404, "NOT_FOUND")
    malformed = await client.delete(comment_url("1234"), headers=author.headers)
    assert_error(malformed, 400, "VALIDATION_ERROR", field="comment_id")


async def test_a_deleted_comment_with_replies_stays_as_a_placeholder(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    replier = await signed_in(app, client)
    post = await create_post(client, author)
    parent = await add_comment(client, author, post["id"], "Parent")
    reply = await add_comment(client, replier, post["id"], "Reply", parent["id"])
    assert (
        await client.delete(comment_url(parent["id"]), headers=author.headers)
    ).status_code == 204

    body = await get_thread(client, post["id"])
    placeholder, shown_reply = body["data"]
    assert placeholder["id"] == parent["id"]
    assert placeholder["content"] is None
    assert placeholder["author"] is None
    assert placeholder["is_deleted"] is True
    assert placeholder["depth"] == 0
    assert shown_reply == reply
    assert body["pagination"]["total"] == 2


async def test_a_placeholder_goes_once_its_last_live_reply_goes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    a = await add_comment(client, author, post["id"], "A")
    b = await add_comment(client, author, post["id"], "B", a["id"])
    c = await add_comment(client, author, post["id"], "C", b["id"])
    await add_comment(client, author, post["id"], "Other")
    for comment in (a, b):
        assert (
            await client.delete(comment_url(comment["id"]), headers=author.headers)
        ).status_code == 204
    # A live grandchild holds up both deleted ancestors.
    assert await thread_contents(client, post["id"]) == [None, None, "C", "Other"]
    assert (await client.delete(comment_url(c["id"]), headers=author.headers)).status_code == 204
    assert await thread_contents(client, post["id"]) == ["Other"]


async def test_a_placeholder_whose_replies_are_hidden_shows_only_to_moderators(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    parent = await add_comment(client, reader, post["id"], "Parent")
    reply = await add_comment(client, reader, post["id"], "Spam", parent["id"])
    assert (await moderate(client, author, reply["id"], "hide")).status_code == 200
    assert (
        await client.delete(comment_url(parent["id"]), headers=reader.headers)
    ).status_code == 204

    assert await thread_contents(client, post["id"], reader) == []
    assert (await get_thread(client, post["id"]))["pagination"]["total"] == 0
    assert await thread_contents(client, post["id"], author) == [None, "Spam"]


async def test_others_cannot_find_a_hidden_comment_to_delete(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    commenter = await signed_in(app, client)
    replier = await signed_in(app, client)
    post = await create_post(client, author)
    hidden = await add_comment(client, commenter, post["id"], "Rude")
    reply = await add_comment(client, replier, post["id"], "Agreed", hidden["id"])
    assert (await moderate(client, author, hidden["id"], "hide")).status_code == 200
    # The author of a reply below it, and a stranger: it is not there for them (404, not 403).
    for outsider in (replier, await signed_in(app, client)):
        response = await client.delete(comment_url(hidden["id"]), headers=outsider.headers)
        assert_error(response, 404, "NOT_FOUND")
    assert_error(await client.delete(comment_url(hidden["id"])), 401, "AUTHENTICATION_REQUIRED")
    # Nor may the reply's author delete someone else's comment below the hidden one.
    other = await add_comment(client, author, post["id"], "Moderator's note", reply["id"])
    response = await client.delete(comment_url(other["id"]), headers=replier.headers)
    assert_error(response, 404, "NOT_FOUND")
    assert await thread_contents(client, post["id"], author) == [
        "Rude",
        "Agreed",
        "Moderator's note",
    ]


async def test_the_author_of_a_hidden_comment_still_needs_to_see_the_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    commenter = await signed_in(app, client)
    post = await create_post(client, author)
    hidden = await add_comment(client, commenter, post["id"], "Rude")
    assert (await moderate(client, author, hidden["id"], "hide")).status_code == 200
    await set_post(client, author, post["id"], status="draft")
    response = await client.delete(comment_url(hidden["id"]), headers=commenter.headers)
    assert_error(response, 404, "NOT_FOUND")
    # Editing stays the moderators' call while it is hidden.
    await set_post(client, author, post["id"], status="published")
    edit = await client.patch(
        comment_url(hidden["id"]), json={"content": "Sorry"}, headers=commenter.headers
    )
    assert_error(edit, 404, "NOT_FOUND")
    assert await thread_contents(client, post["id"], author) == ["Rude"]
