"""Markdown rendered in worker processes, never on the event loop, each render within a time
limit: an image inside an image's text is parsed again at every level of nesting (up to
markdown-it's limit of 20), so 160 KB of nested `![` takes seconds, and a thread would hold the
GIL all that while. A render past its limit has its process killed; the next render starts
another. A server starts its workers with the app (`start_render_workers`), so no post waits
for the fork server's first import (seconds); elsewhere they start on the first render."""

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from multiprocessing.context import BaseContext

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core.config import Environment, Settings
from blogapi.media.schemas import ResponsiveImage
from blogapi.posts.markdown import Rendered, render_document

# Worker processes per API process: a slow render leaves the other free.
RENDER_PROCESSES = 2


class RenderTimeout(Exception):
    """The document was not rendered within its time limit."""


@lru_cache(maxsize=1)
def _context() -> BaseContext:
    # Workers fork from a small server process that imported this module and the main one
    # once (not from this process, with its threads and sockets), so a replaced worker is
    # ready in milliseconds. As with any multiprocessing, a script that starts the app must
    # guard its start with `if __name__ == "__main__":`.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__])
    return context


def _worker_ready() -> int:
    # Ctrl-C reaches the whole process group: the API process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return os.getpid()


class _Worker:
    """A process that renders one document at a time, and can be killed."""

    def __init__(self, executor: ProcessPoolExecutor, pid: int) -> None:
        self._executor, self._pid = executor, pid

    @classmethod
    async def start(cls) -> "_Worker":
        # Starting a process blocks (the first one waits for the fork server to import the
        # app), so it happens in a thread, and before the render whose time limit it would eat.
        return await asyncio.to_thread(cls._started)

    @classmethod
    def _started(cls) -> "_Worker":
        executor = ProcessPoolExecutor(max_workers=1, mp_context=_context())
        return cls(executor, executor.submit(_worker_ready).result())

    async def render(
        self, source: str, images: Mapping[str, ResponsiveImage] | None, limit_seconds: float
    ) -> Rendered:
        future = self._executor.submit(render_document, source, images)
        return await asyncio.wait_for(asyncio.wrap_future(future), limit_seconds)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # it may have died on its own
            os.kill(self._pid, signal.SIGKILL)
        self._executor.shutdown(wait=False, cancel_futures=True)


class _RenderPool:
    """Up to RENDER_PROCESSES workers, started when first needed, each rendering one document
    at a time: a render starts as soon as it has a worker, so its clock measures it alone."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._idle: list[_Worker] = []
        self._turns: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _turn(self) -> asyncio.Semaphore:
        # A semaphore belongs to the event loop it first waited on: one per loop.
        loop = asyncio.get_running_loop()
        if self._turns is None or self._loop is not loop:
            self._turns, self._loop = asyncio.Semaphore(self._size), loop
        return self._turns

    async def render(
        self, source: str, images: Mapping[str, ResponsiveImage] | None, limit_seconds: float
    ) -> Rendered:
        async with self._turn():
            worker = self._idle.pop() if self._idle else await _Worker.start()
            try:
                rendered = await worker.render(source, images, limit_seconds)
            except TimeoutError:
                worker.kill()
                raise RenderTimeout from None
            except BaseException:
                # Cancelled, or the process died: it may still be busy, so it goes too.
                worker.kill()
                raise
            self._idle.append(worker)
            return rendered

    async def warm(self) -> None:
        """Start every worker now, ahead of the first render."""
        while len(self._idle) < self._size:
            self._idle.append(await _Worker.start())

    def close(self) -> None:
        """Stop the idle workers (a busy one is killed when its render ends or times out)."""
        while self._idle:
            self._idle.pop().kill()


_POOL = _RenderPool(RENDER_PROCESSES)


async def render_off_loop(
    source: str, images: Mapping[str, ResponsiveImage] | None = None, *, limit_seconds: float
) -> Rendered:
    """`render_document` in a worker process; RenderTimeout when it takes longer than
    `limit_seconds` (waiting for a free worker does not count)."""
    return await _POOL.render(source, images, limit_seconds)


class _Warmup:
    """The workers' start, running beside the app; `stop` ends it and the workers."""

    def __init__(self, task: asyncio.Task[None]) -> None:
        self._task = task

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        _POOL.close()


def start_render_workers(
    settings: Settings, _sessionmaker: async_sessionmaker[AsyncSession]
) -> _Warmup | None:
    """A server starts its render workers with the app; the hundreds of test apps do not."""
    if settings.environment is Environment.TEST:
        return None
    return _Warmup(asyncio.create_task(_POOL.warm()))
