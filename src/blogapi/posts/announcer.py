"""The announcer loop of `blogapi worker` (and, in development, of the app itself): every
SCHEDULER_INTERVAL_SECONDS it announces the posts that came due (announcements.py).

No timers in memory: a restart catches up at its first tick, a reschedule is an UPDATE of
`published_at`, and any number of workers may run it together.
"""

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core import media_urls
from blogapi.core.config import Environment, Settings
from blogapi.core.db import WRITE_INTENT
from blogapi.core.lifecycle import LoopTask, repeat
from blogapi.posts import announcements

log = structlog.get_logger("blogapi.announcer")


async def announce_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    batch: int = announcements.BATCH,
) -> int:
    """One tick: batches of due posts until none is left; returns how many were announced."""
    total = 0
    with media_urls.bound(media_urls.MediaUrls.of(settings)):  # absolute URLs in events
        while True:
            async with sessionmaker() as session, session.begin():
                # SQLite: take the write lock at BEGIN, as a request that writes does.
                await session.connection(execution_options={WRITE_INTENT: True})
                count = await announcements.announce_due(session, batch=batch)
            total += count
            if count < batch:
                return total


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, stop: asyncio.Event
) -> None:
    """Announce due posts every SCHEDULER_INTERVAL_SECONDS until `stop` is set."""

    async def tick() -> int:
        announced = await announce_once(sessionmaker, settings)
        if announced:
            log.info("posts_announced", count=announced)
        return announced

    await repeat(
        "announcer",
        tick,
        stop,
        pause_seconds=settings.scheduler_interval_seconds,
        pause_after_work=True,
    )


def start_dev_announcer(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> LoopTask | None:
    """In development (`make run`) the app announces too, as it delivers mail; elsewhere
    `blogapi worker` does."""
    if settings.environment is not Environment.DEVELOPMENT:
        return None
    return LoopTask(lambda stop: run(sessionmaker, settings, stop))
