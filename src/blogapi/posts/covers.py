"""A post's cover image: chosen from the author's media, shown as cover_media_id/cover_url
(built when read from the media's key: rendering.py)."""

import uuid
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.media import service as media_service
from blogapi.media.models import Media
from blogapi.posts import access
from blogapi.posts.models import Post, PostCover
from blogapi.users.models import User


async def set_cover(
    session: AsyncSession, post: Post, media_id: uuid.UUID | None, actor: User
) -> None:
    """Point the post at an image of its author (any image, for an admin), or at none."""
    if media_id is not None:
        await media_service.check_cover(session, media_id, author_id=post.author_id, actor=actor)
    await session.execute(delete(PostCover).where(PostCover.post_id == post.id))
    if media_id is not None:
        session.add(PostCover(post_id=post.id, media_id=media_id))
    await session.flush()


async def used_by_published_post(session: AsyncSession, media_id: uuid.UUID) -> bool:
    """Whether a published post, scheduled ones included, shows the image as its cover."""
    used = await session.scalar(
        select(
            exists()
            .where(PostCover.media_id == media_id, PostCover.post_id == Post.id)
            .where(access.published())
        )
    )
    return bool(used)


async def drop_media(session: AsyncSession, media_id: uuid.UUID) -> None:
    """A deleted image is no post's cover any more."""
    await session.execute(delete(PostCover).where(PostCover.media_id == media_id))


def _cover_key(post_id: ColumnElement[uuid.UUID]) -> ScalarSelect[str]:
    """The storage key of the post's cover, while its media is not deleted."""
    return (
        select(Media.storage_key)
        .join(PostCover, PostCover.media_id == Media.id)
        .where(PostCover.post_id == post_id, Media.deleted_at.is_(None))
        .scalar_subquery()
    )


def cover_columns(post_id: ColumnElement[uuid.UUID]) -> list[ColumnElement[Any]]:
    """cover_media_id and cover_key, as correlated subqueries (a primary-key lookup each)."""
    media_id = select(PostCover.media_id).where(PostCover.post_id == post_id).scalar_subquery()
    # One level deep, joined: a subquery nested in another would not correlate to `posts`
    # and would match every post's cover.
    return [
        media_id.label("cover_media_id"),
        _cover_key(post_id).label("cover_key"),
    ]
