"""Media rules: upload (once per identical file), quota, soft delete, avatars, and whether an
image may be a post's cover."""

import asyncio
import contextlib
import math
import uuid
from collections import deque
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
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from blogapi.core.media_urls import stored_form
from blogapi.media import images, queries
from blogapi.media.errors import QuotaExceeded
from blogapi.media.models import Media, MediaPurpose
from blogapi.media.storage import Storage, StorageUnavailable
from blogapi.media.uploads import UploadedFile
from blogapi.users.models import User

log = structlog.get_logger("blogapi.media")

Opener = Callable[[BinaryIO, int], images.PendingImage]


class PixelBudget:
    """The pixels this process decodes at once, all uploads together: a decoded image is held
    whole in memory, so concurrent uploads must not each bring their own.

    Uploads are let in in arrival order, so small images never starve a big one. An image
    costing more than the whole budget (possible only when MEDIA_DECODE_BUDGET_PIXELS is set
    below MEDIA_MAX_PIXELS) waits until nothing else decodes, then runs alone."""

    def __init__(self, pixels: int) -> None:
        self.pixels = pixels
        self.in_use = 0
        self._queue: deque[tuple[int, asyncio.Future[None]]] = deque()

    async def acquire(self, cost: int, wait: float) -> int:
        """Wait up to `wait` seconds for room; returns what to `release`. TimeoutError past it."""
        share = min(cost, self.pixels)
        if not self._queue and self.in_use + share <= self.pixels:
            self.in_use += share
            return share
        turn = asyncio.get_running_loop().create_future()
        entry = (share, turn)
        self._queue.append(entry)
        try:
            async with asyncio.timeout(wait):
                await turn
        except BaseException:
            if turn.done() and not turn.cancelled():  # let in just as the wait ended
                self.release(share)
            else:
                turn.cancel()
                with contextlib.suppress(ValueError):  # `_admit` may have dropped it
                    self._queue.remove(entry)
                self._admit()  # it may have held back smaller ones behind it
            raise
        return share

    def release(self, share: int) -> None:
        self.in_use -= share
        self._admit()

    def _admit(self) -> None:
        while self._queue:
            share, turn = self._queue[0]
            if turn.done():  # cancelled: its waiter is on its way out
                self._queue.popleft()
                continue
            if self.in_use + share > self.pixels:
                return
            self._queue.popleft()
            self.in_use += share
            turn.set_result(None)


# One budget per process (the settings of every app in it share a size).
_budgets: dict[int, PixelBudget] = {}


def decode_budget(settings: Settings) -> PixelBudget:
    size = settings.media_decode_budget_pixels
    return _budgets.setdefault(size, PixelBudget(size))


def _decoding_busy(settings: Settings) -> ServiceUnavailable:
    retry = max(1, math.ceil(settings.media_decode_wait_seconds))
    return ServiceUnavailable(
        "Too many images are being processed right now; try again shortly",
        headers={"Retry-After": str(retry)},
    )


async def _processed(
    settings: Settings, upload: UploadedFile, open_image: Opener
) -> images.ProcessedImage:
    """The header read, room made in the budget for its cost, then decoded and encoded."""
    budget = decode_budget(settings)
    try:
        pending = await asyncio.to_thread(open_image, upload.file, settings.media_max_pixels)
    except images.ImageRefused as error:
        raise _refusal(error) from None
    try:
        share = await budget.acquire(pending.cost, settings.media_decode_wait_seconds)
    except TimeoutError:
        pending.close()
        log.warning("media_decode_busy", cost=pending.cost, in_use=budget.in_use)
        raise _decoding_busy(settings) from None
    except BaseException:
        pending.close()
        raise
    work = asyncio.ensure_future(asyncio.to_thread(pending.process))
    # The budget is given back when the thread ends, even if this request is cancelled first:
    # until then the pixels are still in memory.
    work.add_done_callback(lambda done: _finished(budget, share, done))
    try:
        return await asyncio.shield(work)
    except images.ImageRefused as error:
        raise _refusal(error) from None


def _finished(budget: PixelBudget, share: int, work: asyncio.Future[Any]) -> None:
    budget.release(share)
    if not work.cancelled():
        work.exception()  # retrieved, so a cancelled request leaves no "never retrieved" log


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
    storage: Storage, media_id: uuid.UUID, processed: images.ProcessedImage
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
    open_image: Opener,
    alt: str | None = None,
) -> tuple[Media, bool]:
    """The media for these bytes: an existing one (False) or a new one, stored (True)."""
    existing = await _duplicate(session, uploader.id, purpose, upload.sha256)
    if existing is not None:
        return existing, False
    # Decoding and re-encoding take a while: hold no connection (nor SQLite's write lock).
    async with connection_released(session):
        processed = await _processed(settings, upload, open_image)
    if (
        await queries.used_bytes(session, uploader.id) + processed.stored_bytes
        > settings.media_quota_bytes
    ):
        raise QuotaExceeded(
            f"This upload would pass your storage quota ({settings.media_quota_mb} MiB)"
        )
    media_id = new_id()
    key, variants = await store_files(storage, media_id, processed)
    media = Media(
        id=media_id,
        uploader_id=uploader.id,
        purpose=purpose.value,
        storage_key=key,
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
        open_image=images.open_upload,
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
        open_image=images.open_avatar,
    )
    await _drop_avatars(session, user, keep=avatar.id)
    # A reference to our file, made absolute when read (core/media_urls.py).
    user.avatar_url = stored_form(avatar.storage_key)
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
