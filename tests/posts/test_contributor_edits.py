"""A contributor edits drafts and posts sent back, never one that is published or scheduled."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from factories import POSTS, assert_error, create_post, read_post, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


async def _published_by_an_editor(
    app: FastAPI, client: httpx.AsyncClient, published_at: datetime | None = None
) -> tuple[object, object, dict[str, object]]:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, contributor, title="Fresh from review")
    await set_post(client, contributor, post["id"], status="pending_review")
    fields: dict[str, object] = {"status": "published"}
    if published_at is not None:
        fields["published_at"] = published_at.isoformat()
    await set_post(client, editor, post["id"], **fields)
    return contributor, editor, post


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_a_contributor_cannot_edit_their_post_once_published(
    app: FastAPI, client: httpx.AsyncClient, method: str
) -> None:
    contributor, _, post = await _published_by_an_editor(app, client)

    response = await client.request(
        method, f"{POSTS}/{post['id']}", json={"title": "Spam now"}, headers=contributor.headers
    )

    assert_error(response, 403, "FORBIDDEN")
    assert (await read_post(client, str(post["id"]))).json()["title"] == "Fresh from review"


async def test_a_contributor_cannot_edit_their_scheduled_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    later = datetime.now(UTC) + timedelta(days=2)
    contributor, _, post = await _published_by_an_editor(app, client, published_at=later)

    response = await client.patch(
        f"{POSTS}/{post['id']}", json={"content": "Different"}, headers=contributor.headers
    )

    assert_error(response, 403, "FORBIDDEN")
    mine = await client.get(f"{POSTS}/{post['id']}", headers=contributor.headers)
    assert mine.json()["content"] == post["content"]


async def test_a_contributor_edits_a_draft_and_a_post_sent_back(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, contributor, title="Draft")
    assert (await set_post(client, contributor, post["id"], title="Draft 2"))["title"] == "Draft 2"
    await set_post(client, contributor, post["id"], status="pending_review")

    await set_post(client, editor, post["id"], status="draft")  # sent back
    changed = await set_post(client, contributor, post["id"], title="Draft 3")

    assert changed["title"] == "Draft 3"
    assert changed["status"] == "draft"


async def test_the_editor_and_an_author_still_edit_published_posts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    _, editor, post = await _published_by_an_editor(app, client)
    author = await signed_in(app, client)
    own = await create_post(client, author, title="Live")

    assert (await set_post(client, editor, str(post["id"]), title="Fixed"))["title"] == "Fixed"
    assert (await set_post(client, author, own["id"], title="Live, edited"))["status"] == (
        "published"
    )
