"""`blogapi seed-demo`: a deterministic data set whose counters, accounts and index work."""

import dataclasses

import httpx
from fastapi import FastAPI
from harness import empty_tables
from sqlalchemy import select

from blogapi.comments.models import MAX_DEPTH, PATH_SEGMENT, Comment
from blogapi.posts.models import Post, PostStatus

from .seeding import SMALL, seed, snapshot

LOGIN = "/api/v1/auth/login"


async def bodies(app: FastAPI) -> dict[str, str]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(select(Post.slug, Post.content))
        return {row.slug: row.content for row in rows}


async def test_the_same_seed_gives_the_same_slugs_and_counts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # Rendered in two worker processes once and in this process once: the same data.
    await seed(app, dataclasses.replace(SMALL, render_workers=2))
    first = await snapshot(app)
    first_bodies = await bodies(app)
    await empty_tables(app)

    await seed(app, SMALL)
    second = await snapshot(app)
    second_bodies = await bodies(app)

    assert first == second
    assert first_bodies == second_bodies
    assert (first.users, first.posts, first.comments, first.tags) == (20, 60, 200, 15)
    assert len(set(first.slugs)) == first.posts
    assert first.likes > 0
    assert first.bookmarks > 0


async def test_another_seed_gives_other_posts(app: FastAPI, client: httpx.AsyncClient) -> None:
    await seed(app, SMALL)
    first = await snapshot(app)
    await empty_tables(app)
    await seed(app, dataclasses.replace(SMALL, seed=7))
    assert (await snapshot(app)).slugs != first.slugs


async def test_the_data_set_has_every_kind_of_post(app: FastAPI, client: httpx.AsyncClient) -> None:
    await seed(app, dataclasses.replace(SMALL, posts=200))
    async with app.state.sessionmaker() as session:
        posts = list(await session.scalars(select(Post)))
    statuses = {post.status for post in posts}
    assert {PostStatus.PUBLISHED, PostStatus.DRAFT, PostStatus.PENDING_REVIEW} <= statuses
    published = [post for post in posts if post.status == PostStatus.PUBLISHED]
    assert any(post.published_at and post.published_at > post.created_at for post in published)
    assert any(post.deleted_at is not None for post in posts)
    for post in posts:
        words = len(post.content_text.split())
        assert 150 <= words <= 2_100, (post.slug, words)
        assert post.content_html.startswith("<")
        assert post.summary
        assert post.reading_time_minutes >= 1
    assert any("<pre>" in post.content_html for post in posts)
    assert any("<h2>" in post.content_html for post in posts)
    assert any('rel="nofollow noopener ugc"' in post.content_html for post in posts)


async def test_comments_form_threads_by_materialised_path(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await seed(app, dataclasses.replace(SMALL, comments=1_000))
    async with app.state.sessionmaker() as session:
        comments = {c.id: c for c in await session.scalars(select(Comment))}
    assert len(comments) == 1_000
    for comment in comments.values():
        assert 0 <= comment.depth <= MAX_DEPTH
        assert len(comment.path) == PATH_SEGMENT * (comment.depth + 1)
        assert comment.path.endswith(comment.id.hex)
        if comment.parent_id is None:
            assert comment.depth == 0
        else:
            parent = comments[comment.parent_id]
            assert parent.post_id == comment.post_id
            assert comment.path == parent.path + comment.id.hex
            assert comment.created_at >= parent.created_at
    assert max(c.depth for c in comments.values()) >= 3
    per_post: dict[object, int] = {}
    for comment in comments.values():
        per_post[comment.post_id] = per_post.get(comment.post_id, 0) + 1
    assert max(per_post.values()) >= 100  # a popular post has a long thread
