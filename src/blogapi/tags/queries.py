"""Reading tags: lists with post counts, one tag, autocomplete, and the SQL that post reads
use for tags (a post's slugs, posts carrying given tags)."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import TextMatcher
from blogapi.core.errors import NotFound
from blogapi.core.pagination import PageParams
from blogapi.tags.models import PostTag, Tag


def posts_with_all_tags(many: bool) -> Select[uuid.UUID]:
    """The ids of posts carrying the tag bound to `tag`, or (`many`) every one of the
    distinct tags bound to `tags`, `tag_count` of them: see `tag_values`."""
    if not many:  # the common case: a plain semi-join, no grouping
        return (
            select(PostTag.post_id)
            .join(Tag, Tag.id == PostTag.tag_id)
            .where(Tag.slug == bindparam("tag"))
        )
    return (
        select(PostTag.post_id)
        .join(Tag, Tag.id == PostTag.tag_id)
        .where(Tag.slug.in_(bindparam("tags", expanding=True)))
        .group_by(PostTag.post_id)
        .having(func.count(PostTag.tag_id) == bindparam("tag_count"))
    )


def tag_values(slugs: Sequence[str]) -> dict[str, Any]:
    """The values `posts_with_all_tags(many=len(set(slugs)) > 1)` binds."""
    wanted = sorted(set(slugs))
    if len(wanted) == 1:
        return {"tag": wanted[0]}
    return {"tags": wanted, "tag_count": len(wanted)}


# The posts a tag counts are the public ones; which those are is the posts domain's rule,
# which sits above this one: the callers pass them in (`posts.access.public_post_ids()`).
PostIds = Select[uuid.UUID]


def _counted(counted_posts: PostIds) -> Select[Tag, int]:
    """Tags with the number of their posts among `counted_posts`."""
    return (
        select(Tag, func.count(PostTag.post_id))
        .join(PostTag, PostTag.tag_id == Tag.id)
        .where(PostTag.post_id.in_(counted_posts))
        .group_by(Tag.id)
    )


async def list_tags(
    session: AsyncSession, params: PageParams, counted_posts: PostIds
) -> tuple[list[tuple[Tag, int]], int]:
    """Tags that have some of `counted_posts`, the most used first."""
    counted = _counted(counted_posts)
    total = await session.scalar(select(func.count()).select_from(counted.subquery()))
    rows = await session.execute(
        counted.order_by(func.count(PostTag.post_id).desc(), Tag.slug)
        .offset(params.offset)
        .limit(params.limit)
    )
    return [(row[0], row[1]) for row in rows], total or 0


async def get_tag(session: AsyncSession, slug: str, counted_posts: PostIds) -> tuple[Tag, int]:
    """A tag by slug and how many of `counted_posts` carry it; else 404."""
    tag = await session.scalar(select(Tag).where(Tag.slug == slug.lower()))
    if tag is None:
        raise NotFound("Tag not found")
    count = await session.scalar(
        select(func.count())
        .select_from(PostTag)
        .where(PostTag.tag_id == tag.id, PostTag.post_id.in_(counted_posts))
    )
    return tag, count or 0


async def suggest(
    session: AsyncSession, matching: TextMatcher, limit: int, counted_posts: PostIds
) -> list[str]:
    """Tags (of some of `counted_posts`) whose names match, for autocomplete."""
    condition, order = matching(Tag.__table__.c.slug)
    used = select(PostTag.tag_id).where(PostTag.post_id.in_(counted_posts))
    rows = await session.scalars(
        select(Tag.slug).where(condition, Tag.id.in_(used)).order_by(*order).limit(limit)
    )
    return list(rows)


def slugs_column(post_id: ColumnElement[uuid.UUID]) -> ColumnElement[str | None]:
    """A correlated subquery: the post's tag slugs joined by commas (slugs have none)."""
    return (
        select(func.aggregate_strings(Tag.slug, ","))
        .select_from(PostTag)
        .join(Tag, Tag.id == PostTag.tag_id)
        .where(PostTag.post_id == post_id)
        .scalar_subquery()
    )
