"""Tags: attach them to posts, count published posts per tag, rename and merge."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import TextMatcher, insert_or_ignore, new_id, utcnow
from blogapi.core.errors import NotFound
from blogapi.core.pagination import PageParams
from blogapi.posts.models import Post, PostStatus
from blogapi.tags.models import PostTag, Tag


async def set_post_tags(session: AsyncSession, post_id: uuid.UUID, slugs: Sequence[str]) -> None:
    """Make `slugs` the post's tags, creating the ones that do not exist yet (race-safe)."""
    await session.execute(delete(PostTag).where(PostTag.post_id == post_id))
    if not slugs:
        return
    now = utcnow()
    await insert_or_ignore(
        session, Tag, [{"id": new_id(), "slug": slug, "created_at": now} for slug in slugs]
    )
    tag_ids = await session.scalars(select(Tag.id).where(Tag.slug.in_(slugs)))
    await insert_or_ignore(
        session, PostTag, [{"post_id": post_id, "tag_id": tag_id} for tag_id in tag_ids]
    )


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


def _published_now() -> list[ColumnElement[bool]]:
    return [
        Post.status == PostStatus.PUBLISHED.value,
        Post.published_at <= utcnow(),
        Post.deleted_at.is_(None),
    ]


def _counted() -> Select[Tag, int]:
    """Tags with the number of their published, due, not deleted posts."""
    return (
        select(Tag, func.count(Post.id))
        .join(PostTag, PostTag.tag_id == Tag.id)
        .join(Post, Post.id == PostTag.post_id)
        .where(*_published_now())
        .group_by(Tag.id)
    )


async def list_tags(session: AsyncSession, params: PageParams) -> tuple[list[tuple[Tag, int]], int]:
    """Tags that have published posts, the most used first."""
    counted = _counted()
    total = await session.scalar(select(func.count()).select_from(counted.subquery()))
    rows = await session.execute(
        counted.order_by(func.count(Post.id).desc(), Tag.slug)
        .offset(params.offset)
        .limit(params.limit)
    )
    return [(row[0], row[1]) for row in rows], total or 0


async def get_tag(session: AsyncSession, slug: str) -> tuple[Tag, int]:
    tag = await session.scalar(select(Tag).where(Tag.slug == slug.lower()))
    if tag is None:
        raise NotFound("Tag not found")
    count = await session.scalar(
        select(func.count(Post.id))
        .select_from(PostTag)
        .join(Post, Post.id == PostTag.post_id)
        .where(PostTag.tag_id == tag.id, *_published_now())
    )
    return tag, count or 0


async def rename(session: AsyncSession, tag: Tag, new_slug: str) -> Tag:
    """Rename a tag; when the new name is another tag's, merge this one into it."""
    if new_slug == tag.slug:
        return tag
    target = await session.scalar(select(Tag).where(Tag.slug == new_slug))
    if target is None:
        tag.slug = new_slug
        await session.flush()
        return tag
    # Posts that already carry the target keep one link; the others move over.
    already = select(PostTag.post_id).where(PostTag.tag_id == target.id)
    await session.execute(
        update(PostTag)
        .where(PostTag.tag_id == tag.id, PostTag.post_id.not_in(already))
        .values(tag_id=target.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(PostTag).where(PostTag.tag_id == tag.id))
    await session.execute(delete(Tag).where(Tag.id == tag.id))
    await session.flush()
    return target


async def suggest(session: AsyncSession, matching: TextMatcher, limit: int) -> list[str]:
    """Tags (with published posts) whose names match, for autocomplete."""
    condition, order = matching(Tag.__table__.c.slug)
    used = select(PostTag.tag_id).join(Post, Post.id == PostTag.post_id).where(*_published_now())
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
