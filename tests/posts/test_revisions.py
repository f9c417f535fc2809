"""Revisions: each change of title, summary or content keeps the version it replaced."""

import asyncio
import uuid

import httpx
from factories import POSTS, create_post, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


async def test_each_change_of_title_summary_or_content_keeps_the_previous_version(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="V1", content="one", summary="s1")
    await set_post(client, author, post["id"], title="V2")
    await set_post(client, author, post["id"], summary="s2")
    await set_post(client, author, post["id"], content="three")
    response = await client.get(f"{POSTS}/{post['id']}/revisions", headers=author.headers)
    assert response.status_code == 200
    listing = response.json()
    assert [r["number"] for r in listing] == [3, 2, 1]
    assert [r["title"] for r in listing] == ["V2", "V2", "V1"]
    assert all(r["editor"]["username"] == author.username for r in listing)
    assert all(r["created_at"].endswith("Z") for r in listing)
    assert "content" not in listing[0]
    expected = {1: ("V1", "s1", "one"), 2: ("V2", "s1", "one"), 3: ("V2", "s2", "one")}
    for number, (title, summary, content) in expected.items():
        one = await client.get(f"{POSTS}/{post['slug']}/revisions/{number}", headers=author.headers)
        assert one.status_code == 200
        body = one.json()
        assert (body["number"], body["title"], body["summary"], body["content"]) == (
            number,
            title,
            summary,
            content,
        )


async def test_changes_to_tags_status_or_slug_keep_no_revision(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Same", content="same")
    await set_post(client, author, post["id"], tags=["x"], slug="moved-slug")
    await set_post(client, author, post["id"], status="archived")
    # Sending the current values is not a change either.
    await set_post(client, author, post["id"], title="Same", content="same")
    response = await client.get(f"{POSTS}/{post['id']}/revisions", headers=author.headers)
    assert response.json() == []


async def test_an_editors_change_is_attributed_to_the_editor(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, title="Original")
    await set_post(client, editor, post["id"], title="Edited")
    for viewer in (author, editor):
        listing = (
            await client.get(f"{POSTS}/{post['id']}/revisions", headers=viewer.headers)
        ).json()
        assert [(r["title"], r["editor"]["username"]) for r in listing] == [
            ("Original", editor.username)
        ]


async def test_a_stranger_reading_revisions_of_a_published_post_gets_403(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author, title="Public")
    await set_post(client, author, post["id"], title="Public 2")
    for path in ("revisions", "revisions/1"):
        response = await client.get(f"{POSTS}/{post['id']}/{path}", headers=stranger.headers)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "FORBIDDEN"


async def test_anonymous_readers_cannot_list_revisions(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await set_post(client, author, post["id"], title="Again")
    for path in ("revisions", "revisions/1"):
        response = await client.get(f"{POSTS}/{post['id']}/{path}")
        assert response.status_code == 401, path


async def test_revisions_of_someone_elses_draft_are_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    await set_post(client, author, post["id"], title="Draft 2")
    for path in ("revisions", "revisions/1"):
        response = await client.get(f"{POSTS}/{post['id']}/{path}", headers=stranger.headers)
        assert response.status_code == 404, path


async def test_an_unknown_revision_number_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await set_post(client, author, post["id"], title="Once")
    response = await client.get(f"{POSTS}/{post['id']}/revisions/2", headers=author.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    other = await create_post(client, author)
    # Revision 1 exists, but of another post.
    response = await client.get(f"{POSTS}/{other['id']}/revisions/1", headers=author.headers)
    assert response.status_code == 404


async def test_a_malformed_revision_number_is_400(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    for number in ("0", "-1", "abc", "1.5", "99999999999999999999"):
        response = await client.get(
            f"{POSTS}/{post['id']}/revisions/{number}", headers=author.headers
        )
        assert response.status_code == 400, number


async def test_revisions_of_an_unknown_post_are_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    response = await client.get(f"{POSTS}/{uuid.uuid4()}/revisions", headers=author.headers)
    assert response.status_code == 404


async def test_racing_edits_without_if_match_both_keep_a_revision(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, title="Start")
    url = f"{POSTS}/{post['id']}"
    responses = await asyncio.gather(
        client.patch(url, json={"title": "By author"}, headers=author.headers),
        client.patch(url, json={"title": "By editor"}, headers=editor.headers),
    )
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    listing = (await client.get(f"{url}/revisions", headers=author.headers)).json()
    assert [r["number"] for r in listing] == [2, 1]
    assert listing[1]["title"] == "Start"
