"""Likes and bookmarks as rows: idempotent adds and removes that say whether they changed
anything (the post's counters are the posts domain's: posts.service.like and unlike)."""

import uuid

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import insert_or_ignore, utcnow
from blogapi.reactions.models import Bookmark, PostLike


async def add_like(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> bool:
    """True when this call added the like. ON CONFLICT DO NOTHING: of twenty racing likes by
    one user, one row, and one True (posts.service moves the counter on it)."""
    row = {"user_id": user_id, "post_id": post_id, "created_at": utcnow()}
    return bool(await insert_or_ignore(session, PostLike, [row]))


async def remove_like(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> bool:
    """True when this call removed the like."""
    result = await session.execute(
        delete(PostLike).where(PostLike.user_id == user_id, PostLike.post_id == post_id)
    )
    return bool(getattr(result, "rowcount", 0))


async def bookmark(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    row = {"user_id": user_id, "post_id": post_id, "created_at": utcnow()}
    await insert_or_ignore(session, Bookmark, [row])


async def unbookmark(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    await session.execute(
        delete(Bookmark).where(Bookmark.user_id == user_id, Bookmark.post_id == post_id)
    )
