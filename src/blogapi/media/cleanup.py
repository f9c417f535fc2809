"""The worker's media chore: files of soft-deleted media are removed after a grace period
(MEDIA_PURGE_AFTER_SECONDS, so pages and caches that still name them have time to move on),
then their rows."""

import asyncio
import contextlib

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core.config import Settings
from blogapi.media import queries, service
from blogapi.media.storage import Storage

log = structlog.get_logger("blogapi.media")


async def purge_deleted(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    *,
    older_than_seconds: float,
    batch: int = 50,
) -> int:
    """Remove the files, then the rows, of one batch of deleted media; returns how many."""
    async with sessionmaker() as session:
        doomed = await queries.deleted_batch(
            session, older_than_seconds=older_than_seconds, limit=batch
        )
        work = [(media.id, service.keys_of(media)) for media in doomed]
    for media_id, keys in work:
        # Files first: a crash in between leaves a row to retry, never an orphaned file.
        await storage.delete(keys)
        async with sessionmaker() as session, session.begin():
            await service.forget(session, media_id)
        log.info("media_purged", media_id=str(media_id), files=len(keys))
    return len(work)


async def run_purge(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    settings: Settings,
    stop: asyncio.Event,
) -> None:
    """Purge until `stop` is set, polling every WORKER_POLL_SECONDS when there is nothing."""
    while not stop.is_set():
        try:
            purged = await purge_deleted(
                sessionmaker, storage, older_than_seconds=settings.media_purge_after_seconds
            )
        except Exception:  # storage or database away for a moment: wait and go on
            log.exception("media_purge_error")
            purged = 0
        if purged == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.worker_poll_seconds)
