"""Media rules: upload (once per identical file), quota, soft delete, avatars, and whether an
image may be a post's cover."""

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import Any, BinaryIO

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.config import Role, Settings
from blogapi.core.db import connection_released, new_id, utcnow
from blogapi.core.errors import (
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from blogapi.media import images, queries
from blogapi.media.models import Media, MediaPurpose
from blogapi.media.storage import Storage, StorageUnavailable, public_url
from blogapi.media.uploads import UploadedFile
from blogapi.users.models import User

log = structlog.get_logger("blogapi.media")

Processor = Callable[[BinaryIO, int], images.ProcessedImage]
# A decoded image is held whole in memory (up to MEDIA_MAX_PIXELS x 4 bytes): a process
# decodes two at a time, whatever the number of concurrent uploads.
_decoding = asyncio.Semaphore(2)


def quota_exceeded(settings: Settings) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"This upload would pass your storage quota ({settings.media_quota_mb} MiB)",
        code="QUOTA_EXCEEDED",
    )


def _refusal(error: images.ImageRefused) -> UnsupportedMediaType | ValidationFailed:
    if error.unsupported:
        return UnsupportedMediaType(error.message)
    return ValidationFailed.on_field("file", error.message)


async def _duplicate(
    session: AsyncSession, uploader_id: uuid.UUID, purpose: MediaPurpose, sha256: str
) -> Media | None:
    return await session.scalar(
        select(Media).where(
            Media.uploader_id == uploader_id,
            Media.purpose == purpose.value,
            Media.sha256 == sha256,
            Media.deleted_at.is_(None),
        )
    )


def keys_of(media: Media) -> list[str]:
    return [media.storage_key, *(v["key"] for v in media.meta.get("variants", []))]


async def store_files(
    storage: Storage, settings: Settings, media_id: uuid.UUID, processed: images.ProcessedImage
) -> tuple[str, list[dict[str, Any]]]:
    """Put every file; on a failure, remove those already put. Returns (main key, variants)."""
    stored: list[str] = []
    variants: list[dict[str, Any]] = []
    try:
        for file in processed.files:
            key = f"{media_id.hex}/{file.name}.{file.extension}"
            await storage.put(key, file.data, file.content_type)
            stored.append(key)
            if file is not processed.main:
                variants.append(
                    {
                        "name": file.name,
                        "width": file.width,
                        "height": file.height,
                        "size": len(file.data),
                        "key": key,
                        "url": public_url(settings, key),
                    }
                )
    except BaseException as error:
        with contextlib.suppress(Exception):
            await storage.delete(stored)
        if isinstance(error, StorageUnavailable):
            log.error("media_storage_unavailable", error=str(error))
            raise ServiceUnavailable("The media storage is not available; try again") from None
        raise
    return stored[0], variants


async def _create(
    session: AsyncSession,
    storage: Storage,
    settings: Settings,
    uploader: User,
    upload: UploadedFile,
    *,
    purpose: MediaPurpose,
    process: Processor,
    alt: str | None = None,
) -> tuple[Media, bool]:
    """The media for these bytes: an existing one (False) or a new one, stored (True)."""
    existing = await _duplicate(session, uploader.id, purpose, upload.sha256)
    if existing is not None:
        return existing, False
    try:
        # Decoding and re-encoding take a while: hold no connection (nor SQLite's write lock).
        async with connection_released(session), _decoding:
            processed = await asyncio.to_thread(process, upload.file, settings.media_max_pixels)
    except images.ImageRefused as error:
        raise _refusal(error) from None
    if (
        await queries.used_bytes(session, uploader.id) + processed.stored_bytes
        > settings.media_quota_bytes
    ):
        raise quota_exceeded(settings)
    media_id = new_id()
    key, variants = await store_files(storage, settings, media_id, processed)
    media = Media(
        id=media_id,
        uploader_id=uploader.id,
        purpose=purpose.value,
        storage_key=key,
        url=public_url(settings, key),
        content_type=processed.main.content_type,
        size=len(processed.main.data),
        stored_bytes=processed.stored_bytes,
        sha256=upload.sha256,
        width=processed.main.width,
        height=processed.main.height,
        meta={
            "variants": variants,
            "animated": processed.animated,
            "source_format": processed.source_format,
        },
        alt=alt,
    )
    try:
        async with session.begin_nested():
            session.add(media)
            await session.flush()
    except IntegrityError:  # the same file, uploaded twice at once: keep the first
        await storage.delete(keys_of(media))
        existing = await _duplicate(session, uploader.id, purpose, upload.sha256)
        if existing is None:
            raise
        return existing, False
    return media, True


async def upload_media(
    session: AsyncSession,
    storage: Storage,
    settings: Settings,
    uploader: User,
    upload: UploadedFile,
    alt: str | None,
) -> tuple[Media, bool]:
    """Store an image (re-encoded, with variants); identical bytes return the earlier one."""
    return await _create(
        session,
        storage,
        settings,
        uploader,
        upload,
        purpose=MediaPurpose.UPLOAD,
        process=images.process_upload,
        alt=alt,
    )


def may_manage(media: Media, user: User) -> bool:
    return media.uploader_id == user.id or user.has_role(Role.ADMIN)


async def delete_media(session: AsyncSession, media: Media) -> None:
    """Soft delete: gone from the API at once; the worker removes the files later."""
    media.deleted_at = utcnow()
    await session.flush()


async def delete_media_of(session: AsyncSession, uploader_id: uuid.UUID) -> None:
    """Every image of an account that goes (uploads and avatars); the worker removes files."""
    await session.execute(
        update(Media)
        .where(Media.uploader_id == uploader_id, Media.deleted_at.is_(None))
        .values(deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# Avatars -----------------------------------------------------------------------------------


async def _drop_avatars(session: AsyncSession, user: User, keep: uuid.UUID | None = None) -> None:
    avatars = await session.scalars(
        select(Media).where(
            Media.uploader_id == user.id,
            Media.purpose == MediaPurpose.AVATAR.value,
            Media.deleted_at.is_(None),
        )
    )
    now = utcnow()
    for avatar in avatars:
        if avatar.id != keep:
            avatar.deleted_at = now


async def set_avatar(
    session: AsyncSession, storage: Storage, settings: Settings, user: User, upload: UploadedFile
) -> User:
    """A square crop of the image becomes the avatar; the previous one is deleted."""
    avatar, _ = await _create(
        session,
        storage,
        settings,
        user,
        upload,
        purpose=MediaPurpose.AVATAR,
        process=images.process_avatar,
    )
    await _drop_avatars(session, user, keep=avatar.id)
    user.avatar_url = avatar.url
    user.updated_at = utcnow()
    await session.flush()
    return user


async def remove_avatar(session: AsyncSession, user: User) -> None:
    await _drop_avatars(session, user)
    user.avatar_url = None
    user.updated_at = utcnow()
    await session.flush()


# What posts ask ----------------------------------------------------------------------------


async def check_cover(
    session: AsyncSession, media_id: uuid.UUID, *, author_id: uuid.UUID, actor: User
) -> None:
    """A cover must be an existing image of the post's author (any image, for an admin)."""
    media = await queries.get_upload(session, media_id)
    if media is None or not (media.uploader_id == author_id or actor.has_role(Role.ADMIN)):
        raise ValidationFailed.on_field("cover_media_id", "No such image among the author's media")


# The worker --------------------------------------------------------------------------------


async def forget(session: AsyncSession, media_id: uuid.UUID) -> None:
    """Remove the row of a media whose files are gone (covers pointing at it go too)."""
    media = await session.get(Media, media_id)
    if media is not None:
        await session.delete(media)
        await session.flush()


def not_found() -> NotFound:
    return NotFound("Media not found")
