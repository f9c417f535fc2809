"""Reading media: an account's uploads and the bytes they use, one upload, the responsive
attributes of our images in a post, and deleted files for the worker."""

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import utcnow
from blogapi.core.media_urls import stored_form
from blogapi.core.pagination import PageParams, rows_page
from blogapi.media.models import Media, MediaPurpose
from blogapi.media.schemas import ResponsiveImage
from blogapi.media.storage import key_in_url


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
    """For the URLs that name a file of our (not deleted) images, on any address: the stored
    form of that file, and size and srcset for an <img>."""
    keys = {url: key for url in urls if (key := key_in_url(url)) is not None}
    if not keys:
        return {}
    # A key's folder is its media's id.
    ids = {uuid.UUID(hex=key.split("/", 1)[0]) for key in keys.values()}
    rows = await session.scalars(select(Media).where(Media.id.in_(ids), Media.deleted_at.is_(None)))
    by_id = {media.id: media for media in rows}
    found = {}
    for url, key in keys.items():
        media = by_id.get(uuid.UUID(hex=key.split("/", 1)[0]))
        if media is None:
            continue
        files = [(v["key"], v["width"], v["height"]) for v in media.meta.get("variants", [])]
        files.append((media.storage_key, media.width, media.height))
        shown = next((file for file in files if file[0] == key), None)
        if shown is None:  # a name this media never had
            continue
        _, width, height = shown
        found[url] = ResponsiveImage(
            src=stored_form(key),
            width=width,
            height=height,
            srcset=", ".join(f"{stored_form(k)} {w}w" for k, w, _ in files),
            sizes=f"(max-width: {width}px) 100vw, {width}px",
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
