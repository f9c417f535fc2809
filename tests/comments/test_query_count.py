"""Bounded work: the thread costs the same number of statements whatever the page size."""

from typing import Any

import httpx
from factories import Account, create_post, signed_in
from fastapi import FastAPI
from harness import counting_statements

from blogapi.core.config import Role

from .threads import add_comment, comment_url, get_thread, moderate


async def _statements_for(
    app: FastAPI, client: httpx.AsyncClient, ref: str, account: Account | None, limit: int
) -> tuple[int, int]:
    """(statements run, comments returned) for one page of the thread."""
    with counting_statements(app) as statements:
        body = await get_thread(client, ref, account, limit=limit)
    return len(statements), len(body["data"])


async def test_a_page_of_one_and_a_page_of_a_hundred_cost_the_same(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    post_author = await signed_in(app, client)
    commenters = [await signed_in(app, client) for _ in range(4)]
    post = await create_post(client, post_author)
    comments: list[dict[str, Any]] = []
    for i in range(30):
        parent = comments[i // 3]["id"] if i >= 3 and i % 2 else None
        comments.append(await add_comment(client, commenters[i % 4], post["id"], f"#{i}", parent))
    # Some placeholders and a hidden subtree, so every branch of the query is exercised.
    for comment in comments[:2]:
        response = await client.delete(comment_url(comment["id"]), headers=post_author.headers)
        assert response.status_code == 204
    assert (await moderate(client, post_author, comments[2]["id"], "hide")).status_code == 200
    editor = await signed_in(app, client, role=Role.EDITOR)

    for viewer in (None, commenters[0], post_author, editor):
        one, shown_one = await _statements_for(app, client, post["id"], viewer, 1)
        hundred, shown_all = await _statements_for(app, client, post["id"], viewer, 100)
        assert shown_one == 1
        assert shown_all > 20
        assert one == hundred, (viewer, one, hundred)
        # Who is asking (signed in), the post, and the page with its total and authors (and
        # SQLite's BEGIN); nothing per comment.
        assert hundred <= (3 if viewer is None else 4), hundred
    # #0 had no replies and is gone; #1 stays as a placeholder for #3 and #5.
    assert (await get_thread(client, post["id"], post_author))["pagination"]["total"] == 29
    # Readers also miss hidden #2 and its subtree: #7, then #21 and #23 below it.
    assert (await get_thread(client, post["id"]))["pagination"]["total"] == 25
