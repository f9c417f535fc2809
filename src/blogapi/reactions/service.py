"""Likes and bookmarks: idempotent toggles whose counters move in the same transaction."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import insert_or_ignore, utcnow
from blogapi.posts import service as posts_service
from blogapi.reactions.models import Bookmark, PostLike


async def like(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    # ON CONFLICT DO NOTHING: of twenty racing likes by one user, one row and one increment.
    row = {"user_id": user_id, "post_id": post_id, "created_at": utcnow()}
    if await insert_or_ignore(session, PostLike, [row]):
        await posts_service.adjust_counts(session, post_id, likes=1)


async def unlike(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    result = await session.execute(
        delete(PostLike).where(PostLike.user_id == user_id, PostLike.post_id == post_id)
    )
    if getattr(result, "rowcount", 0):
        await posts_service.adjust_counts(session, post_id, likes=-1)


async def bookmark(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    row = {"user_id": user_id, "post_id": post_id, "created_at": utcnow()}
    await insert_or_ignore(session, Bookmark, [row])


async def unbookmark(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    await session.execute(
        delete(Bookmark).where(Bookmark.user_id == user_id, Bookmark.post_id == post_id)
    )


UserId = uuid.UUID | ColumnElement[uuid.UUID]


def liked_column(user_id: UserId, post_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    return exists().where(PostLike.user_id == user_id, PostLike.post_id == post_id)


def bookmarked_column(user_id: UserId, post_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    return exists().where(Bookmark.user_id == user_id, Bookmark.post_id == post_id)


def bookmarked_at(user_id: uuid.UUID, post_id: ColumnElement[uuid.UUID]) -> ColumnElement[datetime]:
    return (
        select(Bookmark.created_at)
        .where(Bookmark.user_id == user_id, Bookmark.post_id == post_id)
        .scalar_subquery()
    )
