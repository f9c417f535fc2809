"""The default demo set read back: counters, accounts, bookmarks, search and covers, and a
second seeding refused. Seeded once per engine for the module (conftest.py): every test here
leaves the data as it found it."""

import asyncio
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from blogapi import cli
from blogapi.core.media_urls import MediaUrls
from blogapi.demo.covers import COVER_EVERY
from blogapi.demo.generator import DEMO_PASSWORD, KNOWN_ACCOUNTS
from blogapi.demo.seed import DatabaseNotEmpty, SeedReport
from blogapi.media.models import Media
from blogapi.posts.models import Post, PostStatus

from .seeding import SMALL, SMALL_ARGS, posts_with_wrong_counters, scalar, seed, snapshot

LOGIN = "/api/v1/auth/login"
HIDDEN_REPLIES = """
    SELECT count(*) FROM comments c JOIN comments h
      ON h.post_id = c.post_id AND h.status = 'hidden' AND h.id = c.parent_id
"""


async def test_counters_equal_the_real_counts(app: FastAPI, seeded: tuple[SeedReport, str]) -> None:
    assert await posts_with_wrong_counters(app) == 0
    # Some comments are hidden or deleted, so the counters are not just the row counts.
    assert await scalar(app, "SELECT sum(comments_count) FROM posts") < 200
    assert await scalar(app, "SELECT sum(likes_count) FROM posts") == await scalar(
        app, "SELECT count(*) FROM post_likes"
    )
    assert await scalar(app, "SELECT sum(bookmarks_count) FROM posts") == await scalar(
        app, "SELECT count(*) FROM bookmarks"
    )
    # The set has replies under hidden comments, which the count leaves out with them.
    assert await scalar(app, HIDDEN_REPLIES) > 0


async def test_comment_counts_are_what_anonymous_readers_see(
    reader: httpx.AsyncClient, seeded: tuple[SeedReport, str]
) -> None:
    listed = (await reader.get("/api/v1/posts", params={"limit": 100})).json()["data"]
    assert listed
    for post in listed:
        thread = await reader.get(f"/api/v1/posts/{post['id']}/comments", params={"limit": 100})
        with_content = [c for c in thread.json()["data"] if not c["is_deleted"]]
        assert thread.json()["pagination"]["total"] <= 100
        assert post["comments_count"] == len(with_content), post["slug"]


async def test_demo_accounts_sign_in_with_the_printed_password(
    reader: httpx.AsyncClient, seeded: tuple[SeedReport, str]
) -> None:
    _, printed = seeded
    assert DEMO_PASSWORD in printed
    for username, role, _ in KNOWN_ACCOUNTS:
        assert username in printed
        response = await reader.post(
            LOGIN, json={"email": f"{username}@example.com", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        assert response.json()["user"]["role"] == role.value

    wrong = await reader.post(
        LOGIN, json={"email": "demo_reader@example.com", "password": "not the password"}
    )
    assert wrong.status_code == 401


async def test_the_reader_has_likes_and_bookmarks(reader: httpx.AsyncClient) -> None:
    login = await reader.post(
        LOGIN, json={"email": "demo_reader@example.com", "password": DEMO_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    bookmarks = await reader.get("/api/v1/users/me/bookmarks", headers=headers)
    assert bookmarks.status_code == 200
    assert bookmarks.json()["pagination"]["total"] > 0
    assert all(post["bookmarked"] for post in bookmarks.json()["data"])


async def test_search_finds_seeded_posts(reader: httpx.AsyncClient) -> None:
    listed = await reader.get("/api/v1/posts", params={"limit": 5})
    assert listed.status_code == 200
    posts = listed.json()["data"]
    assert len(posts) == 5
    for post in posts:
        found = await reader.get("/api/v1/search", params={"q": post["title"], "limit": 100})
        assert found.status_code == 200, found.text
        assert post["slug"] in [hit["slug"] for hit in found.json()["data"]], post["title"]


async def test_search_leaves_out_drafts(app: FastAPI, reader: httpx.AsyncClient) -> None:
    async with app.state.sessionmaker() as session:
        draft = await session.scalar(select(Post).where(Post.status == PostStatus.DRAFT).limit(1))
    assert draft is not None
    found = await reader.get("/api/v1/search", params={"q": f'"{draft.title}"', "limit": 100})
    assert found.status_code == 200
    assert draft.slug not in [hit["slug"] for hit in found.json()["data"]]


async def test_covers_are_stored_and_shown_on_published_posts(
    app: FastAPI, reader: httpx.AsyncClient
) -> None:
    async with app.state.sessionmaker() as session:
        media = list(await session.scalars(select(Media)))
    assert len(media) == SMALL.images == 2
    root = Path(app.state.settings.media_dir)
    for item in media:
        assert (root / item.storage_key).is_file()
        assert item.meta["variants"], "WebP variants are made as for an upload"
        assert all((root / v["key"]).is_file() for v in item.meta["variants"])
    published = await scalar(
        app, f"SELECT count(*) FROM posts WHERE status = '{PostStatus.PUBLISHED.value}'"
    )
    assert await scalar(app, "SELECT count(*) FROM post_covers") == -(-published // COVER_EVERY)
    assert (
        await scalar(
            app,
            "SELECT count(*) FROM post_covers pc JOIN posts p ON p.id = pc.post_id "
            "WHERE p.status <> 'published'",
        )
        == 0
    )

    listed = (await reader.get("/api/v1/posts", params={"limit": 100})).json()["data"]
    with_cover = [post for post in listed if post["cover_url"]]
    assert with_cover, "some public posts show a cover"
    urls = MediaUrls.of(app.state.settings)  # built when read, on the app's address
    assert {post["cover_url"] for post in with_cover} <= {
        urls.of_key(item.storage_key) for item in media
    }


async def test_a_database_with_the_set_is_refused(
    app: FastAPI, seeded: tuple[SeedReport, str]
) -> None:
    before = await snapshot(app)
    with pytest.raises(DatabaseNotEmpty, match="--append"):
        await seed(app)
    assert await snapshot(app) == before


async def test_the_command_exits_2_on_a_database_with_posts(
    app: FastAPI,
    seeded: tuple[SeedReport, str],
    cli_database: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = await snapshot(app)
    with pytest.raises(SystemExit) as excinfo:
        # In a thread: the command runs its own event loop, as it does from a shell.
        await asyncio.to_thread(cli.main, ["seed-demo", *SMALL_ARGS])
    assert excinfo.value.code == 2
    error = capsys.readouterr().err
    assert "already has 60 posts" in error
    assert "--append" in error
    assert await snapshot(app) == before
