"""Headless Chromium (Debian's, driven by Playwright) and the app served on a real port.

Without Chromium the browser tests are skipped, unless CI=true requires them (.ci/run
installs it). Each browser starts with a new, empty profile and no network of its own
beyond 127.0.0.1.
"""

import asyncio
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import uvicorn
from harness import IN_CI
from playwright.async_api import BrowserContext, async_playwright

from blogapi.core.config import Settings
from blogapi.main import create_app

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's Chromium; skip without it, fail without it in CI."""
    path = shutil.which("chromium")
    if path is None:
        message = "Chromium is not installed (apt-get install chromium; .ci/run does it in CI)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@asynccontextmanager
async def chromium() -> AsyncIterator[BrowserContext]:
    """A fresh Chromium with an empty profile of its own, closed afterwards."""
    executable = chromium_path()
    with tempfile.TemporaryDirectory(prefix="blogapi-chromium-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield context
            finally:
                await context.close()


@asynccontextmanager
async def served(settings: Settings, port: int) -> AsyncIterator[str]:
    """The app on 127.0.0.1:`port` (uvicorn in a thread of its own); yields its base URL."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="served-app", daemon=True)
    thread.start()
    try:
        async with asyncio.timeout(20):
            while not server.started:
                assert thread.is_alive(), "the server did not start"
                await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 20)
