"""Process lifecycle: waiting for the database at start, and draining at shutdown.

On SIGTERM the process first reports not-ready (GET /health/ready → 503) while it keeps
serving for SHUTDOWN_DELAY_SECONDS, so load balancers stop sending traffic; then uvicorn
stops accepting connections, lets in-flight requests finish (up to SHUTDOWN_DRAIN_SECONDS),
and the lifespan closes the pool and Redis. The exit status is 0. This works the same in
each process of `blogapi serve --workers N`, since every worker runs the lifespan.
"""

import asyncio
import signal
import time
from types import FrameType

import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url

from blogapi.core.config import Settings
from blogapi.core.db import create_engine

_draining = False


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
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
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
