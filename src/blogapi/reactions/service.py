"""Likes and bookmarks as rows: idempotent adds and removes that say whether they changed
anything (the post's counters are the posts domain's: posts.service.react and unreact)."""

import uuid

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import insert_or_ignore, utcnow
from blogapi.reactions.models import Bookmark, PostLike, Reaction

TABLES: dict[Reaction, type[PostLike] | type[Bookmark]] = {
    Reaction.LIKE: PostLike,
    Reaction.BOOKMARK: Bookmark,
}


async def add(
    session: AsyncSession, reaction: Reaction, user_id: uuid.UUID, post_id: uuid.UUID
) -> bool:
    """True when this call added the row. ON CONFLICT DO NOTHING: of twenty racing likes by
    one user, one row, and one True (posts.service moves the counter on it)."""
    row = {"user_id": user_id, "post_id": post_id, "created_at": utcnow()}
    return bool(await insert_or_ignore(session, TABLES[reaction], [row]))


async def remove(
    session: AsyncSession, reaction: Reaction, user_id: uuid.UUID, post_id: uuid.UUID
) -> bool:
    """True when this call removed the row."""
    table = TABLES[reaction]
    result = await session.execute(
        delete(table).where(table.user_id == user_id, table.post_id == post_id)
    )
    return bool(getattr(result, "rowcount", 0))
