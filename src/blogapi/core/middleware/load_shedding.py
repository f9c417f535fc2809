"""503 SERVICE_UNAVAILABLE with `Retry-After` when the process has more requests than it can
serve: at most MAX_CONCURRENT_REQUESTS run at once, up to MAX_QUEUED_REQUESTS more wait for a
turn (first come, first served) for at most QUEUE_TIMEOUT_SECONDS, and any other is refused at
once (MAX_CONCURRENT_REQUESTS=0 leaves the layer out: main.py). Without it every request is
let in, all share the CPU and the connection pool, and under a load above capacity each gets
slower until clients time out.

- **Order:** FIFO (asyncio.Semaphore hands a freed slot to the oldest waiter, and gets the
  hand-off right when a waiter is cancelled or times out as the slot arrives). The queue bound
  keeps the wait short in the first place: a full queue drains in MAX_QUEUED_REQUESTS divided
  by the throughput, and the timeout caps it when throughput collapses (a slow database).
- **Slot:** held until the app returns, so a streamed body holds it to its last chunk; an
  exception or a cancellation (the client went away) gives it back.
- **Exempt:** the probes and the scrape (`/health`, `/health/ready`, `/metrics`): a busy
  process is alive and ready, and its metrics matter most then.
- **Cost:** the refusal touches no database and no account; it is counted
  (`requests_shed_total`) and logged at WARNING at most once a second, with how many since
  the last line, never once per request.
"""

import asyncio
import time

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from blogapi.core.errors import error_response
from blogapi.core.metrics import REQUESTS_SHED
from blogapi.core.middleware.layer import Layer

EXEMPT_PATHS = frozenset({"/health", "/health/ready", "/metrics"})
RETRY_AFTER_SECONDS = "1"
LOG_EVERY_SECONDS = 1.0
SHED = {reason: REQUESTS_SHED.labels(reason) for reason in ("queue_full", "queue_timeout")}

log = structlog.get_logger("blogapi.load")


class LoadSheddingMiddleware(Layer):
    def __init__(
        self, app: ASGIApp, *, max_concurrent: int, max_queued: int, queue_timeout: float
    ) -> None:
        super().__init__(app)
        self.slots = asyncio.Semaphore(max_concurrent)
        self.max_queued = max_queued
        self.queue_timeout = queue_timeout
        self.queued = 0
        self.shed_unlogged = 0
        self.logged_at = float("-inf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        reason = await self._admit()
        if reason is not None:
            self._count(reason)
            response = error_response(
                503,
                "SERVICE_UNAVAILABLE",
                "The server is overloaded; retry shortly",
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            )
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()

    async def _admit(self) -> str | None:
        """Take a slot, waiting in the queue if none is free: None once it holds one, else
        why the request is refused."""
        if not self.slots.locked():
            await self.slots.acquire()  # a free slot: returns without waiting
            return None
        if self.queued >= self.max_queued:
            return "queue_full"
        self.queued += 1
        try:
            async with asyncio.timeout(self.queue_timeout):
                await self.slots.acquire()
        except TimeoutError:
            return "queue_timeout"
        finally:
            self.queued -= 1
        return None

    def _count(self, reason: str) -> None:
        SHED[reason].inc()
        self.shed_unlogged += 1
        now = time.monotonic()
        if now - self.logged_at >= LOG_EVERY_SECONDS:
            log.warning(
                "requests_shed",
                shed=self.shed_unlogged,
                reason=reason,
                queued=self.queued,
                max_queued=self.max_queued,
            )
            self.shed_unlogged = 0
            self.logged_at = now
