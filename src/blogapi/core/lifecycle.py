"""Process lifecycle: waiting for the database, the app's lifespan (what it opens at start
and closes at stop), and draining at shutdown.

On SIGTERM the process first reports not-ready (GET /health/ready → 503) while it keeps
serving for SHUTDOWN_DELAY_SECONDS, so load balancers stop sending traffic; then uvicorn
stops accepting connections, lets in-flight requests finish (up to SHUTDOWN_DRAIN_SECONDS),
and the lifespan closes the pool and Redis. The exit status is 0. This works the same in
each process of `blogapi serve --workers N`, since every worker runs the lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol

import structlog
import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from blogapi.core.config import Settings
from blogapi.core.db import create_engine, create_read_sessionmaker, create_sessionmaker, ping
from blogapi.core.metrics import POOL
from blogapi.core.observability import instrument_engine, uninstrument_engines

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

_draining = False


class BackgroundTask(Protocol):
    """Runs beside the app; `stop` lets it finish what it holds and waits for it."""

    async def stop(self) -> None: ...


class LoopTask:
    """A loop running beside the app (or in `blogapi worker`) until told to stop."""

    def __init__(self, loop: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
        self.stop_event = asyncio.Event()
        self.task = asyncio.create_task(loop(self.stop_event))

    async def stop(self) -> None:
        """Let the loop finish what it holds, and wait for it."""
        self.stop_event.set()
        await self.task


async def repeat(
    name: str,
    tick: Callable[[], Coroutine[Any, Any, int]],
    stop: asyncio.Event,
    *,
    pause_seconds: float,
    pause_after_work: bool = False,
) -> None:
    """Run `tick` until `stop` is set, pausing `pause_seconds` (or until `stop`) after a tick
    that did nothing (or, with `pause_after_work`, after every tick). A tick that raises is
    logged and counts as idle: the database may be away for a moment."""
    log = structlog.get_logger(f"blogapi.{name}")
    log.info(f"{name}_started")
    while not stop.is_set():
        try:
            done = await tick()
        except Exception:
            log.exception(f"{name}_error")
            done = 0
        if done == 0 or pause_after_work:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause_seconds)
    log.info(f"{name}_stopped")


# Starts a task that runs beside the app (say, the development mail worker), or returns None
# when these settings want none. The domains provide them: core imports no domain.
BackgroundStarter = Callable[[Settings, async_sessionmaker[AsyncSession]], BackgroundTask | None]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def lifespan_for(
    settings: Settings,
    tracer_provider: TracerProvider | None,
    background: Sequence[BackgroundStarter] = (),
) -> Lifespan:
    """What the app opens at start (engine, sessionmakers, pool metrics, Redis, background
    tasks, the SIGTERM handler, the GC freeze) and closes at stop."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        traced = instrument_engine(engine, tracer_provider)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.read_sessionmaker = create_read_sessionmaker(engine)
        read_pool = _pool_reader(engine)
        POOL.read_pool = read_pool
        app.state.redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        started = [start(settings, app.state.sessionmaker) for start in background]
        tasks = [task for task in started if task is not None]
        install_drain_handler(settings.shutdown_delay_seconds)
        if settings.gc_freeze:
            # What start-up built (routes, models, compiled statements: hundreds of thousands
            # of objects) lives as long as the process: out of the cyclic collector's sight,
            # its full collections stop pausing requests (docs/performance.md).
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if settings.gc_freeze:
                gc.unfreeze()
            for task in reversed(tasks):
                await task.stop()
            if traced:
                uninstrument_engines()
            if POOL.read_pool is read_pool:  # another app in this process may own it now
                POOL.read_pool = None
            if app.state.redis is not None:
                await app.state.redis.aclose()
            await engine.dispose()

    return lifespan


def _pool_reader(engine: AsyncEngine) -> Callable[[], tuple[int, int]]:
    """Connections in use and pool size, for the pool gauges (SQLite's pool has neither)."""
    pool = engine.pool

    def read_pool() -> tuple[int, int]:
        checked_out = getattr(pool, "checkedout", lambda: 0)
        size = getattr(pool, "size", lambda: 0)
        return int(checked_out()), int(size())

    return read_pool


def is_draining() -> bool:
    return _draining


def start_draining() -> None:
    global _draining
    _draining = True


def install_drain_handler(delay_seconds: float) -> bool:
    """Under uvicorn, make SIGTERM mark the process draining at once and hand the signal on
    to uvicorn only after `delay_seconds`. Elsewhere (tests, scripts) it does nothing."""
    server = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
    if not isinstance(server, uvicorn.Server):
        return False
    loop = asyncio.get_running_loop()

    def stop_serving() -> None:
        # Not uvicorn's handle_exit: it would re-raise SIGTERM at the end, and the exit
        # status would be -15 instead of 0.
        server.should_exit = True

    def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
        first = not is_draining()
        start_draining()
        if first and delay_seconds > 0:
            loop.call_soon_threadsafe(loop.call_later, delay_seconds, stop_serving)
        else:
            stop_serving()

    signal.signal(signal.SIGTERM, on_sigterm)
    return True


async def _ping(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        await ping(engine)
    finally:
        await engine.dispose()


def wait_for_database(settings: Settings, *, attempts: int, first_delay: float = 0.5) -> None:
    """Try the database a few times with growing pauses; give up with one clear line."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            asyncio.run(asyncio.wait_for(_ping(settings), timeout=10))
            return
        except Exception as error:  # whatever the driver raises, the message says it
            if attempt == attempts:
                where = make_url(settings.database_url).render_as_string(hide_password=True)
                raise SystemExit(
                    f"error: DATABASE_URL {where} does not answer after {attempts} attempts "
                    f"({type(error).__name__}: {error})"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 8)
