"""POST /comments/{id}/hide and /unhide, and who sees hidden comments."""

from typing import Any

import httpx
from factories import Account, assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .threads import add_comment, comment_url, get_thread, moderate, thread_contents, thread_url


async def _thread_with_a_reply(
    app: FastAPI, client: httpx.AsyncClient
) -> tuple[Account, Account, dict[str, Any], dict[str, Any]]:
    """A post, a reader's comment with a reply, another comment: (author, reader, post, comment)."""
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, reader, post["id"], "Rude")
    await add_comment(client, reader, post["id"], "Rude reply", comment["id"])
    await add_comment(client, reader, post["id"], "Polite")
    return author, reader, post, comment


async def test_a_hidden_comment_and_its_replies_show_only_to_moderators(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, post, comment = await _thread_with_a_reply(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    response = await moderate(client, author, comment["id"], "hide")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "hidden"
    assert response.json()["content"] == "Rude"

    for outsider in (None, reader, await signed_in(app, client)):
        assert await thread_contents(client, post["id"], outsider) == ["Polite"]
    assert (await get_thread(client, post["id"], reader))["pagination"]["total"] == 1
    for moderator in (author, editor):
        thread = (await get_thread(client, post["id"], moderator))["data"]
        assert [(c["content"], c["status"]) for c in thread] == [
            ("Rude", "hidden"),
            ("Rude reply", "visible"),
            ("Polite", "visible"),
        ]


async def test_unhide_brings_the_subtree_back(app: FastAPI, client: httpx.AsyncClient) -> None:
    author, reader, post, comment = await _thread_with_a_reply(app, client)
    assert (await moderate(client, author, comment["id"], "hide")).status_code == 200
    response = await moderate(client, author, comment["id"], "unhide")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "visible"
    assert await thread_contents(client, post["id"], reader) == ["Rude", "Rude reply", "Polite"]


async def test_hide_and_unhide_are_idempotent(app: FastAPI, client: httpx.AsyncClient) -> None:
    author, _, _, comment = await _thread_with_a_reply(app, client)
    for action, status in (("hide", "hidden"), ("hide", "hidden"), ("unhide", "visible")) * 2:
        response = await moderate(client, author, comment["id"], action)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    again = await moderate(client, author, comment["id"], "unhide")
    assert again.json()["status"] == "visible"


async def test_an_editor_moderates_any_post(app: FastAPI, client: httpx.AsyncClient) -> None:
    _, reader, post, comment = await _thread_with_a_reply(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    response = await moderate(client, editor, comment["id"], "hide")
    assert response.status_code == 200, response.text
    assert await thread_contents(client, post["id"], reader) == ["Polite"]


async def test_only_the_posts_author_or_an_editor_may_moderate(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    _, reader, post, comment = await _thread_with_a_reply(app, client)
    stranger = await signed_in(app, client)
    for account in (stranger, reader):  # the comment's own author is no moderator either
        for action in ("hide", "unhide"):
            response = await moderate(client, account, comment["id"], action)
            assert_error(response, 403, "FORBIDDEN")
    for action in ("hide", "unhide"):
        anonymous = await client.post(comment_url(comment["id"], action))
        assert_error(anonymous, 401, "AUTHENTICATION_REQUIRED")
    assert await thread_contents(client, post["id"]) == ["Rude", "Rude reply", "Polite"]


async def test_moderating_a_comment_that_does_not_exist_is_404_or_400(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    editor = await signed_in(app, client, role=Role.EDITOR)
    unknown = await moderate(client, editor, "01234567-89ab-7def-8123-456789abcdef", "hide")
    assert_error(unknown, 404, "NOT_FOUND")
    malformed = await moderate(client, editor, "not-a-uuid", "hide")
    assert_error(malformed, 400, "VALIDATION_ERROR", field="comment_id")


async def test_a_deleted_comment_cannot_be_moderated(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, _, comment = await _thread_with_a_reply(app, client)
    deleted = await client.delete(comment_url(comment["id"]), headers=reader.headers)
    assert deleted.status_code == 204
    for action in ("hide", "unhide"):
        assert_error(await moderate(client, author, comment["id"], action), 404, "NOT_FOUND")


async def test_a_hidden_comment_is_out_of_reach_for_readers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, post, comment = await _thread_with_a_reply(app, client)
    assert (await moderate(client, author, comment["id"], "hide")).status_code == 200
    # Its author cannot see it any more, so cannot edit it or reply to it (deleting it stays
    # theirs: test_delete_comment.py).
    edit = await client.patch(
        comment_url(comment["id"]), json={"content": "Sorry"}, headers=reader.headers
    )
    assert_error(edit, 404, "NOT_FOUND")
    reply = await client.post(
        thread_url(post["id"]),
        json={"content": "Reply", "parent_id": comment["id"]},
        headers=reader.headers,
    )
    assert_error(reply, 400, "VALIDATION_ERROR", field="parent_id")
    # A moderator still can reply; the reply sits in the hidden subtree.
    await add_comment(client, author, post["id"], "Please be nice", comment["id"])
    assert await thread_contents(client, post["id"], reader) == ["Polite"]


async def test_hiding_deep_in_a_thread_cuts_only_that_branch(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    chain: list[dict[str, Any]] = []
    for depth in range(7):
        parent_id = chain[-1]["id"] if chain else None
        chain.append(await add_comment(client, reader, post["id"], f"d{depth}", parent_id))
    await add_comment(client, reader, post["id"], "d4-sibling", chain[3]["id"])
    assert (await moderate(client, author, chain[4]["id"], "hide")).status_code == 200
    # Inside the hidden branch only a moderator (or its author) reaches a comment, here to
    # delete d5.
    stranger = await signed_in(app, client)
    deleted = await client.delete(comment_url(chain[5]["id"]), headers=stranger.headers)
    assert_error(deleted, 404, "NOT_FOUND")
    deleted = await client.delete(comment_url(chain[5]["id"]), headers=author.headers)
    assert deleted.status_code == 204, deleted.text

    assert await thread_contents(client, post["id"], reader) == [
        "d0",
        "d1",
        "d2",
        "d3",
        "d4-sibling",
    ]
    assert await thread_contents(client, post["id"], author) == [
        "d0",
        "d1",
        "d2",
        "d3",
        "d4",
        None,
        "d6",
        "d4-sibling",
    ]
