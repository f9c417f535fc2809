"""Reading tags: lists with post counts, one tag, autocomplete, and the SQL that post reads
use for tags (a post's tags, posts carrying given tags)."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import TextMatcher
from blogapi.core.errors import NotFound
from blogapi.core.pagination import PageParams
from blogapi.tags.models import PostTag, Tag
from blogapi.tags.naming import name_key
from blogapi.tags.rendering import ENTRY_SEPARATOR


def tag_id_named(ref: ColumnElement[str]) -> ColumnElement[uuid.UUID | None]:
    """The id of the tag `ref` (a folded slug or name) names: the tag with that slug, else
    the one with that name. Each lookup is one probe of a unique index."""
    by_slug = select(Tag.id).where(Tag.slug == ref).scalar_subquery()
    by_name = select(Tag.id).where(Tag.name_key == ref).scalar_subquery()
    return func.coalesce(by_slug, by_name)


def posts_with_tag(number: int) -> Select[uuid.UUID]:
    """The ids of posts carrying the tag bound to `tag_<number>`: see `tag_values`."""
    named = tag_id_named(bindparam(f"tag_{number}", type_=Tag.slug.type))
    return select(PostTag.post_id).where(PostTag.tag_id == named)


# A tag's feed: its links, with their posts' place in the public feed (tags/models.py). An
# alias of its own, so that the per-post subqueries on `post_tags` never correlate to it.
FEED = PostTag.__table__.alias("tag_feed")


def feed_range(number: int, now: ColumnElement[datetime]) -> ColumnElement[bool]:
    """The links in FEED of the tag bound to `tag_<number>` whose posts are public at `now`
    (published, not deleted, and due): one range of `ix_post_tags_public_feed`."""
    named = tag_id_named(bindparam(f"tag_{number}", type_=Tag.slug.type))
    return and_(FEED.c.tag_id == named, FEED.c.post_published_at <= now)


def feed_newest_first() -> list[ColumnElement[Any]]:
    """FEED's order, newest first: the public feed's (published_at, created_at, id)."""
    return [
        FEED.c.post_published_at.desc(),
        FEED.c.post_created_at.desc(),
        FEED.c.post_id.desc(),
    ]


def tag_values(refs: Sequence[str]) -> dict[str, Any]:
    """The values that `posts_with_tag(n)`, for each n below their number, bind: one per
    distinct tag named (slugs and names folded as `name_key` folds them)."""
    keys = dict.fromkeys(name_key(ref) for ref in refs)
    return {f"tag_{number}": key for number, key in enumerate(keys)}


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


async def find_tag(session: AsyncSession, ref: str) -> Tag | None:
    """The tag with the slug `ref`, else the one named `ref` in any case."""
    return await session.scalar(
        select(Tag).where(Tag.id == tag_id_named(bindparam("ref"))), {"ref": name_key(ref)}
    )


async def get_tag(session: AsyncSession, ref: str, counted_posts: PostIds) -> tuple[Tag, int]:
    """A tag by slug or name and how many of `counted_posts` carry it; else 404."""
    tag = await find_tag(session, ref)
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
) -> list[tuple[str, str]]:
    """(name, slug) of tags (of some of `counted_posts`) whose names match, for autocomplete."""
    condition, order = matching(Tag.__table__.c.name_key)
    used = select(PostTag.tag_id).where(PostTag.post_id.in_(counted_posts))
    rows = await session.execute(
        select(Tag.name, Tag.slug).where(condition, Tag.id.in_(used)).order_by(*order).limit(limit)
    )
    return [(name, slug) for name, slug in rows]


def tags_column(post_id: ColumnElement[uuid.UUID]) -> ColumnElement[str | None]:
    """A correlated subquery: the post's tags in one string, `rendering.post_tags` reads it
    (a slug has no space, and no name holds the separator, a control character)."""
    return (
        select(func.aggregate_strings(Tag.slug + " " + Tag.name, ENTRY_SEPARATOR))
        .select_from(PostTag)
        .join(Tag, Tag.id == PostTag.tag_id)
        .where(PostTag.post_id == post_id)
        .scalar_subquery()
    )


async def tag_ids_of(session: AsyncSession, post_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """The ids of the post's tags (a change of them is a change of the post's events)."""
    rows = await session.scalars(select(PostTag.tag_id).where(PostTag.post_id == post_id))
    return frozenset(rows)
