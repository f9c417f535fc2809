"""Reading preview links: a post's live ones, one of them, and what a token opens."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.responses import Document
from blogapi.posts import queries as posts_queries
from blogapi.previews import tokens
from blogapi.previews.errors import PreviewNotFound
from blogapi.previews.models import PreviewLink


def live(now: datetime) -> ColumnElement[bool]:
    """A link works until it is revoked or expires."""
    return and_(PreviewLink.revoked_at.is_(None), PreviewLink.expires_at > now)


async def live_links(session: AsyncSession, post_id: uuid.UUID, now: datetime) -> list[PreviewLink]:
    """The post's live links, newest first."""
    statement = (
        select(PreviewLink)
        .where(PreviewLink.post_id == post_id, live(now))
        .order_by(PreviewLink.created_at.desc(), PreviewLink.id.desc())
    )
    return list(await session.scalars(statement))


async def count_live(session: AsyncSession, post_id: uuid.UUID, now: datetime) -> int:
    statement = select(func.count()).where(PreviewLink.post_id == post_id, live(now))
    return int(await session.scalar(statement) or 0)


async def live_link(
    session: AsyncSession, post_id: uuid.UUID, link_id: uuid.UUID, now: datetime
) -> PreviewLink | None:
    """One of the post's live links (another post's, or a dead one, is None)."""
    statement = select(PreviewLink).where(
        PreviewLink.id == link_id, PreviewLink.post_id == post_id, live(now)
    )
    return await session.scalar(statement)


@dataclass(frozen=True, slots=True)
class Preview:
    document: Document  # the post as an anonymous PostOut, whatever its status
    public: bool  # published and due: the post's own address serves it now
    expires_at: datetime


async def read_preview(session: AsyncSession, token: str, now: datetime) -> Preview:
    """What a token opens, else PreviewNotFound, the same for every reason: malformed or
    unknown, expired, revoked, or its post deleted."""
    if not tokens.well_formed(token):
        raise PreviewNotFound()
    statement = select(PreviewLink.post_id, PreviewLink.expires_at).where(
        PreviewLink.token_hash == tokens.hashed(token), live(now)
    )
    link = (await session.execute(statement)).first()
    if link is None:
        raise PreviewNotFound()
    found = await posts_queries.document_by_id(session, link.post_id)
    if found is None:  # deleted
        raise PreviewNotFound()
    document, public = found
    return Preview(document=document, public=public, expires_at=link.expires_at)
