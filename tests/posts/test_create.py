"""POST /posts: what a new post stores and returns, and the requests it refuses."""

import re
from typing import Any

import httpx
from factories import POSTS, create_post, own_posts, read_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .xss_corpus import CORPUS, LINK_REL, problems

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


async def test_an_author_creates_a_published_post_with_everything_rendered(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    content = "# Hello\n\nSome **bold** text and a [link](https://example.com).\n\n" + (
        "word " * 500
    )
    response = await client.post(
        POSTS,
        json={"title": "Hello World", "content": content, "tags": ["Python", "Web Dev"]},
        headers=author.headers,
    )
    assert response.status_code == 201, response.text
    assert response.headers["etag"].startswith('"')
    post = response.json()
    assert post["slug"] == "hello-world"
    assert post["status"] == "published"
    assert ISO_Z.fullmatch(post["published_at"])
    assert ISO_Z.fullmatch(post["created_at"])
    assert post["author"] == {
        "id": author.id,
        "username": author.username,
        "display_name": None,
        "avatar_url": None,
    }
    assert post["tags"] == [
        {"slug": "python", "name": "Python"},
        {"slug": "web-dev", "name": "Web Dev"},
    ]
    assert post["content"] == content
    assert "<h1>Hello</h1>" in post["content_html"]
    assert "<strong>bold</strong>" in post["content_html"]
    assert f'rel="{LINK_REL}"' in post["content_html"]
    # 500 + 8 words at 230 a minute.
    assert post["reading_time_minutes"] == 3
    assert post["likes_count"] == 0
    assert post["comments_count"] == 0
    assert post["liked"] is False
    assert post["bookmarked"] is False
    # Stored, not computed per request: an anonymous read returns the same rendering.
    again = (await read_post(client, post["slug"])).json()
    for name in ("content_html", "reading_time_minutes", "summary", "tags", "published_at"):
        assert again[name] == post[name]
    assert again["liked"] is None
    assert again["bookmarked"] is None


async def test_a_missing_summary_is_taken_from_the_plain_text(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    content = "## Intro\n\n" + " ".join(f"**w{n}**" for n in range(80))
    post = await create_post(client, author, content=content)
    summary: str = post["summary"]
    plain = "Intro " + " ".join(f"w{n}" for n in range(80))
    assert summary.endswith("…")
    head = summary.removesuffix("…")
    assert plain.startswith(head)
    assert plain[len(head)] == " "
    assert len(head) <= 200
    assert "*" not in summary
    assert "#" not in summary


async def test_a_given_summary_is_kept_as_written(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, summary="My own words.", content="x " * 400)
    assert post["summary"] == "My own words."
    assert post["reading_time_minutes"] == 2


async def test_a_short_post_reads_in_one_minute(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="Tiny.")
    assert post["reading_time_minutes"] == 1
    assert post["summary"] == "Tiny."


async def test_hostile_content_is_stored_sanitised(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    for source in CORPUS:
        post = await create_post(client, author, content=source)
        assert problems(post["content_html"]) == [], (source, post["content_html"])
        assert post["content"] == source
        stored = (await read_post(client, post["id"])).json()
        assert stored["content_html"] == post["content_html"]


async def test_a_contributor_without_a_status_gets_a_draft(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    post = await create_post(client, contributor)
    assert post["status"] == "draft"
    assert post["published_at"] is None


async def test_a_contributor_may_submit_for_review(app: FastAPI, client: httpx.AsyncClient) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    post = await create_post(client, contributor, status="pending_review")
    assert post["status"] == "pending_review"


async def test_a_contributor_creating_a_published_post_is_forbidden_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    for extra in ({}, {"published_at": "2030-01-01T00:00:00Z"}):
        response = await client.post(
            POSTS,
            json={"title": "Sneaky", "content": "x", "status": "published", **extra},
            headers=contributor.headers,
        )
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "FORBIDDEN"
    assert await own_posts(client, contributor) == []
    # The slug was never taken.
    assert (await create_post(client, contributor, title="Sneaky"))["slug"] == "sneaky"


async def test_a_post_cannot_start_archived(app: FastAPI, client: httpx.AsyncClient) -> None:
    editor = await signed_in(app, client, role=Role.EDITOR)
    response = await client.post(
        POSTS, json={"title": "Old", "content": "x", "status": "archived"}, headers=editor.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATUS_TRANSITION"
    assert await own_posts(client, editor) == []


async def test_anonymous_create_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(POSTS, json={"title": "Hi", "content": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


async def test_mass_assignment_fields_are_refused_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    other = await signed_in(app, client)
    extras: list[dict[str, Any]] = [
        {"author_id": other.id},
        {"likes_count": 1000},
        {"comments_count": 5},
        {"version": 7},
        {"id": "0190c0c0-0000-7000-8000-000000000000"},
        {"content_html": "<script>alert(1)</script>"},
        {"deleted_at": None},
    ]
    for extra in extras:
        response = await client.post(
            POSTS, json={"title": "Mass", "content": "x", **extra}, headers=author.headers
        )
        assert response.status_code == 400, (extra, response.text)
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["details"][0]["field"] == next(iter(extra))
    assert await own_posts(client, author) == []
    assert await own_posts(client, other) == []


async def test_invalid_bodies_are_400(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    bodies: list[Any] = [
        {"content": "no title"},
        {"title": "no content"},
        {"title": "", "content": "x"},
        {"title": "x" * 256, "content": "x"},
        {"title": "t", "content": ""},
        {"title": "t", "content": "x", "summary": "s" * 501},
        {"title": "t", "content": "x", "status": "live"},
        {"title": "t", "content": "x", "status": "PUBLISHED"},
        {"title": "t", "content": "x", "published_at": "2030-01-01T00:00:00"},
        {"title": "t", "content": "x", "published_at": "tomorrow"},
        {"title": "t", "content": "x", "slug": "Not A Slug"},
        {"title": "t", "content": "x", "slug": "a" * 101},
        {"title": "t", "content": "x", "tags": "python"},
        {"title": 5, "content": "x"},
        {"title": "t\u0000", "content": "x"},
        [],
    ]
    for body in bodies:
        response = await client.post(POSTS, json=body, headers=author.headers)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    malformed = await client.post(
        POSTS,
        content=b'{"title": "t",',
        headers={**author.headers, "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    assert await own_posts(client, author) == []


async def test_a_published_at_outside_the_calendar_in_utc_is_400_not_500(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    # Valid ISO dates whose UTC equivalent falls before year 1 or after year 9999.
    for value in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        body = {"title": "t", "content": "x", "published_at": value}
        response = await client.post(POSTS, json=body, headers=author.headers)
        assert response.status_code == 400, (value, response.text)
        edit = await client.patch(
            f"{POSTS}/{post['id']}", json={"published_at": value}, headers=author.headers
        )
        assert edit.status_code == 400, (value, edit.text)
    assert [p["id"] for p in await own_posts(client, author)] == [post["id"]]


async def test_a_blank_title_or_content_is_400_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    for body in ({"title": "   ", "content": "x"}, {"title": "t", "content": " \n\t "}):
        response = await client.post(POSTS, json=body, headers=author.headers)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert await own_posts(client, author) == []
