"""Reading media: an account's uploads and the bytes they use, one upload, the responsive
attributes of our images in a post, and deleted files for the worker."""

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import utcnow
from blogapi.core.pagination import PageParams, rows_page
from blogapi.media.models import Media, MediaPurpose
from blogapi.media.schemas import ResponsiveImage


async def used_bytes(session: AsyncSession, uploader_id: uuid.UUID) -> int:
    used = await session.scalar(
        select(func.coalesce(func.sum(Media.stored_bytes), 0)).where(
            Media.uploader_id == uploader_id, Media.deleted_at.is_(None)
        )
    )
    return int(used or 0)


async def list_media(
    session: AsyncSession, uploader_id: uuid.UUID, params: PageParams
) -> tuple[Sequence[Media], int]:
    conditions = [
        Media.uploader_id == uploader_id,
        Media.purpose == MediaPurpose.UPLOAD.value,
        Media.deleted_at.is_(None),
    ]
    newest_first = [Media.created_at.desc(), Media.id.desc()]
    return await rows_page(session, Media, conditions, newest_first, params)


async def get_upload(session: AsyncSession, media_id: uuid.UUID) -> Media | None:
    """An uploaded image that is not deleted (avatars are reached through their user)."""
    return await session.scalar(
        select(Media).where(
            Media.id == media_id,
            Media.purpose == MediaPurpose.UPLOAD.value,
            Media.deleted_at.is_(None),
        )
    )


async def responsive_images(
    session: AsyncSession, urls: Sequence[str]
) -> dict[str, ResponsiveImage]:
    """For the URLs that are our (not deleted) images: size and srcset for an <img>."""
    if not urls:
        return {}
    rows = await session.scalars(
        select(Media).where(Media.url.in_(set(urls)), Media.deleted_at.is_(None))
    )
    found = {}
    for media in rows:
        candidates = [(v["url"], v["width"]) for v in media.meta.get("variants", [])]
        candidates.append((media.url, media.width))
        found[media.url] = ResponsiveImage(
            width=media.width,
            height=media.height,
            srcset=", ".join(f"{url} {width}w" for url, width in candidates),
            sizes=f"(max-width: {media.width}px) 100vw, {media.width}px",
        )
    return found


async def deleted_batch(
    session: AsyncSession, *, older_than_seconds: float, limit: int
) -> Sequence[Media]:
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    rows = await session.scalars(
        select(Media)
        .where(Media.deleted_at.is_not(None), Media.deleted_at <= cutoff)
        .order_by(Media.deleted_at)
        .limit(limit)
    )
    return rows.all()
