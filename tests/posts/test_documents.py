"""Hot reads answer plain documents serialised by orjson: the bytes must be exactly those
the declared response models would write (field order, UUIDs, `Z` timestamps, nulls)."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from factories import ME, POSTS, create_post, signed_in
from fastapi import FastAPI
from media.pictures import picture

from blogapi.comments.schemas import CommentOut
from blogapi.core import media_urls
from blogapi.core.pagination import Page
from blogapi.core.responses import dump
from blogapi.posts.schemas import PostOut, PostSummary


def model_bytes(
    model: type[PostOut] | type[Page[PostSummary]] | type[Page[CommentOut]], content: bytes
) -> bytes:
    return model.model_validate_json(content).model_dump_json().encode()


async def test_lists_and_posts_are_byte_for_byte_what_their_models_write(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    tags = ["Zeta", "C++", "alpha", "Ünïcödé"]
    post = await create_post(client, author, title="Documents", tags=tags)
    await create_post(client, author, summary="No tags here")
    like = await client.put(f"{POSTS}/{post['slug']}/like", headers=reader.headers)
    assert like.status_code == 204
    for headers in ({}, reader.headers, author.headers):
        listed = await client.get(POSTS, headers=headers)
        assert listed.status_code == 200
        assert listed.content == model_bytes(Page[PostSummary], listed.content)
        read = await client.get(f"{POSTS}/{post['slug']}", headers=headers)
        assert read.status_code == 200
        assert read.content == model_bytes(PostOut, read.content)
    signed = (await client.get(f"{POSTS}/{post['slug']}", headers=reader.headers)).json()
    assert signed["liked"] is True
    assert signed["bookmarked"] is False
    assert signed["tags"] == [
        {"slug": "alpha", "name": "alpha"},
        {"slug": "c-plus-plus", "name": "C++"},
        {"slug": "unicode", "name": "Ünïcödé"},
        {"slug": "zeta", "name": "Zeta"},
    ]
    assert signed["published_at"].endswith("Z")


@pytest.mark.parametrize("microsecond", [0, 1, 123456])
def test_dump_writes_timestamps_as_the_models_do(microsecond: int) -> None:
    stamp = datetime(2026, 1, 2, 3, 4, 5, microsecond, tzinfo=UTC)
    author = {"id": uuid.UUID(int=7), "username": "ada", "display_name": None, "avatar_url": None}
    document = {
        "id": uuid.UUID(int=1),
        "slug": "s",
        "title": "t",
        "summary": "",
        "status": "published",
        "published_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        "author": author,
        "tags": [],
        "likes_count": 0,
        "comments_count": 0,
        "bookmarks_count": 0,
        "views_count": 0,
        "reading_time_minutes": 1,
        "cover_media_id": None,
        "cover_url": None,
        "liked": None,
        "bookmarked": None,
    }
    assert dump(document) == dump(PostSummary.model_validate(document))


def test_dump_refuses_what_it_cannot_write_faithfully() -> None:
    with pytest.raises(TypeError, match="not JSON serial"):
        dump({"value": object()})


async def test_comment_threads_are_byte_for_byte_what_their_models_write(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    thread = f"{POSTS}/{post['slug']}/comments"
    parent = await client.post(thread, json={"content": "Parent"}, headers=reader.headers)
    reply = {"content": "Reply", "parent_id": parent.json()["id"]}
    assert (await client.post(thread, json=reply, headers=author.headers)).status_code == 201
    deleted = await client.delete(f"/api/v1/comments/{parent.json()['id']}", headers=reader.headers)
    assert deleted.status_code == 204
    for headers in ({}, author.headers):
        response = await client.get(thread, headers=headers)
        assert response.status_code == 200
        assert response.content == model_bytes(Page[CommentOut], response.content)
        placeholder, answer = response.json()["data"]
        assert placeholder["is_deleted"] is True
        assert placeholder["author"] is None
        assert placeholder["content"] is None
        assert answer["author"]["username"] == author.username


async def test_documents_build_our_media_urls_as_the_models_do(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Documents make stored `/media/` forms absolute themselves; the models would too (on the
    app's base), so a document that forgot one would differ here."""
    author = await signed_in(app, client)
    files = {"file": ("p.png", picture("PNG", (400, 300)), "image/png")}
    avatar = await client.put(f"{ME}/avatar", files=files, headers=author.headers)
    assert avatar.status_code == 200, avatar.text
    image = await client.post("/api/v1/media", files=files, headers=author.headers)
    assert image.status_code == 201, image.text
    cover = image.json()
    post = await create_post(
        client, author, content=f"![p]({cover['url']})", cover_media_id=cover["id"]
    )
    thread = f"{POSTS}/{post['slug']}/comments"
    assert (await client.post(thread, json={"content": "Hi"}, headers=author.headers)).is_success
    base = media_urls.MediaUrls.of(app.state.settings).base
    with media_urls.bound(media_urls.MediaUrls.of(app.state.settings)):
        for path, model in (
            (POSTS, Page[PostSummary]),
            (f"{POSTS}/{post['slug']}", PostOut),
            (thread, Page[CommentOut]),
        ):
            response = await client.get(path)
            assert response.status_code == 200
            assert response.content == model_bytes(model, response.content)
            assert base in response.text
            assert '"/media/' not in response.text
