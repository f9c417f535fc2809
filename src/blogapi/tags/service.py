"""Tags: attach them to posts, rename and merge."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import insert_or_ignore, new_id, utcnow
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
