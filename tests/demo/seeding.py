"""Helpers for the seed-demo tests: a small data set, and what the database then holds."""

import io
from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy import text

from blogapi.demo.generator import SeedOptions
from blogapi.demo.seed import SeedReport, seed_demo

# Small enough for a test, big enough for threads, tags, drafts and a popular post.
SMALL = SeedOptions(users=20, posts=60, comments=200, tags=15, render_workers=0, images=2)
# The same sizes as `blogapi seed-demo` arguments.
SMALL_ARGS = ["--users", "20", "--posts", "60", "--comments", "200", "--tags", "15"]


@dataclass(frozen=True)
class Snapshot:
    slugs: list[str]
    users: int
    posts: int
    comments: int
    likes: int
    bookmarks: int
    tags: int


async def seed(app: FastAPI, options: SeedOptions = SMALL) -> tuple[SeedReport, str]:
    """Seed the test database of `app`; returns the report and what was printed."""
    out = io.StringIO()
    report = await seed_demo(app.state.settings, options, out)
    return report, out.getvalue()


async def scalar(app: FastAPI, sql: str) -> int:
    async with app.state.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def snapshot(app: FastAPI) -> Snapshot:
    async with app.state.engine.connect() as conn:
        slugs = list((await conn.execute(text("SELECT slug FROM posts ORDER BY slug"))).scalars())
    counts = {
        table: await scalar(app, f"SELECT count(*) FROM {table}")
        for table in ("users", "posts", "comments", "post_likes", "bookmarks", "tags")
    }
    return Snapshot(
        slugs=slugs,
        users=counts["users"],
        posts=counts["posts"],
        comments=counts["comments"],
        likes=counts["post_likes"],
        bookmarks=counts["bookmarks"],
        tags=counts["tags"],
    )


async def posts_with_wrong_counters(app: FastAPI) -> int:
    """Posts whose likes_count, bookmarks_count or comments_count differs from the rows behind
    it: comments_count counts live comments with no hidden comment at or above them (one whose
    path starts with the hidden one's)."""
    return await scalar(
        app,
        """
        SELECT count(*) FROM posts p
        WHERE p.likes_count <> (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id)
           OR p.bookmarks_count <> (SELECT count(*) FROM bookmarks b WHERE b.post_id = p.id)
           OR p.comments_count <> (
                SELECT count(*) FROM comments c
                WHERE c.post_id = p.id AND c.deleted_at IS NULL AND NOT EXISTS (
                    SELECT 1 FROM comments h
                    WHERE h.post_id = p.id AND h.status = 'hidden'
                      AND substr(c.path, 1, length(h.path)) = h.path))
        """,
    )
