"""Status moves over HTTP: the allowed ones work, the rest are 409, the wrong role gets 403."""

import httpx
import pytest
from factories import POSTS, Account, create_post, read_post, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


async def move(
    client: httpx.AsyncClient, account: Account, ref: str, status: str
) -> httpx.Response:
    return await client.patch(f"{POSTS}/{ref}", json={"status": status}, headers=account.headers)


async def test_an_author_makes_every_move_that_is_open_to_owners(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    for target in ("published", "archived", "draft", "published", "draft", "pending_review"):
        post = await set_post(client, author, post["id"], status=target)
        assert post["status"] == target


async def test_an_editor_approves_a_post_under_review(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, contributor, status="pending_review")
    published = await set_post(client, editor, post["id"], status="published")
    assert published["status"] == "published"
    assert published["published_at"] is not None
    assert (await read_post(client, post["slug"])).status_code == 200


async def test_an_editor_sends_a_post_under_review_back_to_draft(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, contributor, status="pending_review")
    assert (await set_post(client, editor, post["id"], status="draft"))["status"] == "draft"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "archived"),
        ("pending_review", "archived"),
        ("published", "pending_review"),
        ("archived", "pending_review"),
        ("archived", "published"),
    ],
)
async def test_a_move_outside_the_table_is_409_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, start: str, target: str
) -> None:
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, editor, status="published" if start == "archived" else start)
    if start == "archived":
        post = await set_post(client, editor, post["id"], status="archived")
    response = await client.patch(
        f"{POSTS}/{post['id']}", json={"status": target, "title": "Changed"}, headers=editor.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATUS_TRANSITION"
    assert (await read_post(client, post["id"], editor)).json() == post


async def test_a_contributor_publishing_their_draft_is_403_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    post = await create_post(client, contributor, title="Eager")
    response = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"status": "published", "content": "new"},
        headers=contributor.headers,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert (await read_post(client, post["id"], contributor)).json() == post
    revisions = await client.get(f"{POSTS}/{post['id']}/revisions", headers=contributor.headers)
    assert revisions.json() == []


async def test_an_author_cannot_approve_their_own_post_under_review(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="pending_review")
    response = await move(client, author, post["id"], "published")
    assert response.status_code == 403
    assert (await read_post(client, post["id"], author)).json()["status"] == "pending_review"


async def test_a_contributor_may_submit_archive_and_redraft_their_own_posts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, contributor)
    assert (await set_post(client, contributor, post["id"], status="pending_review"))["status"]
    await set_post(client, editor, post["id"], status="published")
    assert (await set_post(client, contributor, post["id"], status="archived"))["status"] == (
        "archived"
    )
    assert (await set_post(client, contributor, post["id"], status="draft"))["status"] == "draft"


async def test_another_author_cannot_move_a_post_they_do_not_own(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author)
    for target in ("archived", "draft"):
        response = await move(client, stranger, post["id"], target)
        assert response.status_code == 403, target
    assert (await read_post(client, post["id"])).json()["status"] == "published"


async def test_a_stranger_moving_a_draft_gets_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    response = await move(client, stranger, post["id"], "pending_review")
    assert response.status_code == 404
    assert (await read_post(client, post["id"], author)).json()["status"] == "draft"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
async def test_editors_make_every_allowed_move_on_someone_elses_post(
    app: FastAPI, client: httpx.AsyncClient, role: Role
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=role)
    post = await create_post(client, contributor)
    path = ["pending_review", "draft", "published", "draft", "pending_review", "published"]
    path += ["archived", "draft"]
    for target in path:
        post = await set_post(client, editor, post["id"], status=target)
        assert post["status"] == target


async def test_an_unknown_status_value_is_400(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    for value in ("deleted", "Published", "", 3):
        response = await client.patch(
            f"{POSTS}/{post['id']}", json={"status": value}, headers=author.headers
        )
        assert response.status_code == 400, value
        assert response.json()["error"]["details"][0]["field"] == "status"
    assert (await read_post(client, post["id"], author)).json() == post


async def test_setting_the_same_status_is_not_a_move(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    post = await create_post(client, contributor)
    assert (await set_post(client, contributor, post["id"], status="draft"))["status"] == "draft"
