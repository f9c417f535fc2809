"""Who may edit a post, and edits that are refused without writing anything."""

import httpx
import pytest
from factories import POSTS, create_post, read_post, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


async def test_the_author_edits_their_post(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Mine", tags=["a"])
    changed = await set_post(client, author, post["id"], title="Still mine", tags=["b", "c"])
    assert changed["title"] == "Still mine"
    assert [tag["slug"] for tag in changed["tags"]] == ["b", "c"]
    assert changed["updated_at"] >= post["updated_at"]


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
async def test_editors_edit_anyones_post_including_drafts(
    app: FastAPI, client: httpx.AsyncClient, role: Role
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=role)
    for status in ("published", "draft"):
        post = await create_post(client, author, status=status)
        changed = await set_post(client, editor, post["slug"], content="Fixed *typo*")
        assert changed["content_html"] == "<p>Fixed <em>typo</em></p>\n"
        assert changed["author"]["id"] == author.id


async def test_editing_someone_elses_published_post_is_403_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    for role in (Role.AUTHOR, Role.CONTRIBUTOR):
        stranger = await signed_in(app, client, role=role)
        post = await create_post(client, author)
        for method in ("PATCH", "PUT"):
            response = await client.request(
                method,
                f"{POSTS}/{post['id']}",
                json={"title": "Hijacked", "tags": ["spam"]},
                headers=stranger.headers,
            )
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "FORBIDDEN"
        assert (await read_post(client, post["id"], author)).json() == post


async def test_someone_elses_draft_by_slug_is_404_to_read_and_to_edit(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author, title="Hidden Draft", status="draft")
    assert (await read_post(client, "hidden-draft", stranger)).status_code == 404
    response = await client.patch(
        f"{POSTS}/hidden-draft", json={"title": "Found"}, headers=stranger.headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert (await read_post(client, "hidden-draft", author)).json() == post


async def test_anonymous_edit_is_401_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.patch(f"{POSTS}/{post['id']}", json={"title": "Anon"})
    assert response.status_code == 401
    bad_token = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"title": "Anon"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert bad_token.status_code == 401
    assert (await read_post(client, post["id"], author)).json() == post


@pytest.mark.parametrize(
    "extra",
    [
        {"author_id": "0190c0c0-0000-7000-8000-000000000000"},
        {"likes_count": 99},
        {"comments_count": 3},
        {"version": 1},
        {"reading_time_minutes": 1},
        {"content_html": "<b>x</b>"},
        {"deleted_at": "2020-01-01T00:00:00Z"},
    ],
)
async def test_unknown_fields_in_an_edit_are_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, extra: dict[str, object]
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.patch(
        f"{POSTS}/{post['id']}", json={"title": "Changed", **extra}, headers=author.headers
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] == next(iter(extra))
    assert (await read_post(client, post["id"], author)).json() == post


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "x" * 256},
        {"content": ""},
        {"summary": "s" * 501},
        {"slug": "Bad Slug"},
        {"tags": ["x" * 31]},
        {"tags": [f"t{n}" for n in range(11)]},
        {"published_at": "2030-01-01T00:00:00"},
        {"title": ["list"]},
    ],
)
async def test_invalid_edits_are_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, changes: dict[str, object]
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, tags=["keep"])
    response = await client.patch(f"{POSTS}/{post['id']}", json=changes, headers=author.headers)
    assert response.status_code == 400, response.text
    assert (await read_post(client, post["id"], author)).json() == post


async def test_an_empty_edit_changes_nothing_visible(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    same = await set_post(client, author, post["id"])
    for name in ("title", "content", "content_html", "summary", "tags", "status", "slug"):
        assert same[name] == post[name]
