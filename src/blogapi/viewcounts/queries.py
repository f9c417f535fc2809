"""Reads of view counts: the post a beacon names, the popular list, a post's daily series."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import utcnow
from blogapi.posts import access as posts_access
from blogapi.posts import queries as posts_queries
from blogapi.posts.models import Post
from blogapi.posts.schemas import PostSummary
from blogapi.tags import queries as tags_queries
from blogapi.viewcounts.models import PostViewDaily


@dataclass(frozen=True, slots=True)
class Target:
    """A published post a beacon may count: public from `published_at` on."""

    post_id: uuid.UUID
    author_id: uuid.UUID
    published_at: datetime

    def is_public(self, now: datetime) -> bool:
        return self.published_at <= now


async def find_target(session: AsyncSession, ref: str) -> Target | None:
    """The published, not deleted post `ref` names (id or slug), else None."""
    values = posts_access.ref_values(ref)
    if values is None:
        return None
    statement = select(Post.id, Post.author_id, Post.published_at).where(
        posts_access.ref_condition("ref_id" in values), posts_access.published()
    )
    row = (await session.execute(statement, values)).first()
    if row is None or row.published_at is None:
        return None
    return Target(row.id, row.author_id, row.published_at)


@dataclass(frozen=True, slots=True)
class Ranked:
    summary: PostSummary
    views: int
    uniques: int


async def popular(session: AsyncSession, since: date, tag: str | None, limit: int) -> list[Ranked]:
    """Public posts by their readers over the days from `since` on (the sum of each day's
    uniques), then views; two statements whatever the limit."""
    uniques = func.sum(PostViewDaily.uniques).label("uniques")
    views = func.sum(PostViewDaily.views).label("views")
    statement = (
        select(PostViewDaily.post_id, uniques, views)
        .join(Post, Post.id == PostViewDaily.post_id)
        .where(PostViewDaily.day >= since, posts_access.public(utcnow()))
        .group_by(PostViewDaily.post_id)
        .order_by(uniques.desc(), views.desc(), PostViewDaily.post_id)
        .limit(limit)
    )
    values = {}
    if tag is not None:
        statement = statement.where(Post.id.in_(tags_queries.posts_with_tag(0)))
        values = tags_queries.tag_values([tag])
    rows = (await session.execute(statement, values)).all()
    summaries = await posts_queries.summaries_by_id(session, [row.post_id for row in rows], None)
    by_id = {summary.id: summary for summary in summaries}
    return [
        Ranked(by_id[row.post_id], int(row.views), int(row.uniques))
        for row in rows
        if row.post_id in by_id
    ]


async def daily(
    session: AsyncSession, post_id: uuid.UUID, start: date, end: date
) -> dict[date, tuple[int, int]]:
    """(views, uniques) of each day from `start` to `end` that has any."""
    statement = select(PostViewDaily.day, PostViewDaily.views, PostViewDaily.uniques).where(
        PostViewDaily.post_id == post_id, PostViewDaily.day.between(start, end)
    )
    rows = await session.execute(statement)
    return {row.day: (row.views, row.uniques) for row in rows}
