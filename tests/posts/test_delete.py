"""Soft delete: the post disappears for everyone, everywhere, and its slug stays reserved."""

import uuid

import httpx
from factories import POSTS, create_post, list_posts, own_posts, read_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

BOOKMARKS = "/api/v1/users/me/bookmarks"


async def tag_count(client: httpx.AsyncClient, slug: str) -> int:
    response = await client.get(f"/api/v1/tags/{slug}")
    assert response.status_code == 200, response.text
    count: int = response.json()["post_count"]
    return count


async def test_a_deleted_post_disappears_for_everyone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    kept = await create_post(client, author, title="Kept", tags=["topic"])
    post = await create_post(client, author, title="Doomed", tags=["topic"])
    for action in ("bookmark", "like"):
        response = await client.put(f"{POSTS}/{post['id']}/{action}", headers=reader.headers)
        assert response.status_code == 204
    assert await tag_count(client, "topic") == 2

    response = await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)
    assert response.status_code == 204
    assert response.content == b""

    for viewer in (None, reader, author, editor):
        for ref in (post["id"], "doomed"):
            assert (await read_post(client, ref, viewer)).status_code == 404
        assert [p["id"] for p in await list_posts(client, viewer)] == [kept["id"]]
        assert [p["id"] for p in await list_posts(client, viewer, tag="topic")] == [kept["id"]]
    assert [p["id"] for p in await own_posts(client, author)] == [kept["id"]]
    assert post["id"] not in [p["id"] for p in await own_posts(client, editor)]
    bookmarks = await client.get(BOOKMARKS, headers=reader.headers)
    assert bookmarks.json()["data"] == []
    assert bookmarks.json()["pagination"]["total"] == 0
    assert await tag_count(client, "topic") == 1
    tags = (await client.get("/api/v1/tags")).json()["data"]
    assert [(t["slug"], t["post_count"]) for t in tags] == [("topic", 1)]


async def test_a_deleted_post_is_not_listed_under_status_published_either(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    kept = await create_post(client, author)
    post = await create_post(client, author)
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)).status_code == 204
    for viewer in (None, author, editor):
        listed = await list_posts(client, viewer, status="published")
        assert [p["id"] for p in listed] == [kept["id"]], viewer and viewer.username


async def test_a_deleted_posts_slug_stays_reserved(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Reserved")
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)).status_code == 204
    response = await client.post(
        POSTS, json={"title": "New", "content": "x", "slug": "reserved"}, headers=author.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLUG_TAKEN"
    # A post with the same title gets the next free slug instead.
    assert (await create_post(client, author, title="Reserved"))["slug"] == "reserved-2"


async def test_an_editor_may_delete_any_post(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, status="pending_review")
    response = await client.delete(f"{POSTS}/{post['slug']}", headers=editor.headers)
    assert response.status_code == 204
    assert (await read_post(client, post["id"], author)).status_code == 404


async def test_a_stranger_cannot_delete_a_published_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.delete(f"{POSTS}/{post['id']}", headers=stranger.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert (await read_post(client, post["id"])).status_code == 200


async def test_a_stranger_deleting_a_draft_gets_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    response = await client.delete(f"{POSTS}/{post['slug']}", headers=stranger.headers)
    assert response.status_code == 404
    assert (await read_post(client, post["id"], author)).status_code == 200


async def test_anonymous_delete_is_401(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.delete(f"{POSTS}/{post['id']}")
    assert response.status_code == 401
    assert (await read_post(client, post["id"])).status_code == 200


async def test_deleting_twice_or_an_unknown_post_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)).status_code == 204
    again = await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)
    assert again.status_code == 404
    unknown = await client.delete(f"{POSTS}/{uuid.uuid4()}", headers=author.headers)
    assert unknown.status_code == 404


async def test_a_deleted_post_cannot_be_edited_liked_or_bookmarked(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)
    edit = await client.patch(f"{POSTS}/{post['id']}", json={"title": "x"}, headers=author.headers)
    assert edit.status_code == 404
    for action in ("like", "bookmark"):
        for method in ("PUT", "DELETE"):
            response = await client.request(
                method, f"{POSTS}/{post['id']}/{action}", headers=reader.headers
            )
            assert response.status_code == 404, (method, action)
    revisions = await client.get(f"{POSTS}/{post['id']}/revisions", headers=author.headers)
    assert revisions.status_code == 404
