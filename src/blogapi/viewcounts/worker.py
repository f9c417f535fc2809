"""Flushing counted views to the database every VIEW_FLUSH_SECONDS.

With Redis, `blogapi worker` flushes (and in development the app too, as it delivers mail).
Without Redis each app process flushes its own memory on that interval and once more at
shutdown: a process killed without one loses up to an interval of its views (docs/api.md).
"""

import asyncio
import contextlib
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core.config import Environment, Settings
from blogapi.viewcounts.counter import ViewCounts
from blogapi.viewcounts.service import flush
from blogapi.viewcounts.tally import RedisTally, Tally

log = structlog.get_logger("blogapi.viewcounts")


async def run_flusher(
    sessionmaker: async_sessionmaker[AsyncSession],
    tally: Tally,
    interval: float,
    stop: asyncio.Event,
) -> None:
    """Flush every `interval` until `stop` is set, then once more."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        try:
            await flush(sessionmaker, tally)
        except Exception:  # the database or Redis may be away a moment: the counts wait
            log.exception("views_flush_failed")
        if stop.is_set():
            return


async def run_view_flusher(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, stop: asyncio.Event
) -> None:
    """`blogapi worker`'s part: flush the views counted in Redis (without Redis, the app
    processes flush their own and there is nothing here to do)."""
    if not settings.redis_url:
        return
    redis = Redis.from_url(settings.redis_url)
    try:
        await run_flusher(sessionmaker, RedisTally(redis), settings.view_flush_seconds, stop)
    finally:
        await redis.aclose()


@dataclass
class ViewFlusher:
    """The app's side of view counting: its flush loop when it has one, and the Redis client
    its beacons use, both ended at shutdown."""

    views: ViewCounts
    task: asyncio.Task[None] | None
    stop_event: asyncio.Event

    async def stop(self) -> None:
        self.stop_event.set()
        if self.task is not None:
            await self.task
        if self.views.redis is not None:
            await self.views.redis.aclose()


@dataclass(frozen=True)
class ViewFlusherStarter:
    """A background starter (core/lifecycle.py) bound to the app's counter."""

    views: ViewCounts

    def __call__(
        self, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> ViewFlusher:
        self.views.open()
        stop_event = asyncio.Event()
        in_process = not settings.redis_url or settings.environment is Environment.DEVELOPMENT
        task = None
        if in_process:
            task = asyncio.create_task(
                run_flusher(sessionmaker, self.views.tally, settings.view_flush_seconds, stop_event)
            )
        return ViewFlusher(self.views, task, stop_event)
