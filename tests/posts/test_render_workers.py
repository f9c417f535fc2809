"""A server starts its render workers with the app and stops them with it; test apps do not."""

import asyncio
import os
from pathlib import Path

from asgi_lifespan import LifespanManager
from harness import make_settings

from blogapi.main import create_app
from blogapi.posts import render_workers


def _idle_pids() -> list[int]:
    return [worker._pid for worker in render_workers._POOL._idle]


def _alive(pid: int) -> bool:
    # A killed child stays a zombie until reaped: count it as gone. It may also vanish
    # between the two looks.
    try:
        os.kill(pid, 0)
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except (ProcessLookupError, FileNotFoundError):
        return False


async def test_a_server_warms_its_workers_and_stops_them(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/unused.db"
    app = create_app(make_settings(url, environment="development", smtp_host="127.0.0.1"))
    async with LifespanManager(app, startup_timeout=60):
        for _ in range(300):  # the fork server's first import takes seconds
            if len(_idle_pids()) == render_workers.RENDER_PROCESSES:
                break
            await asyncio.sleep(0.1)
        pids = _idle_pids()
        assert len(pids) == render_workers.RENDER_PROCESSES
        assert all(_alive(pid) for pid in pids)

    assert _idle_pids() == []
    for _ in range(50):
        if not any(_alive(pid) for pid in pids):
            break
        await asyncio.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


async def test_test_apps_start_no_workers(database_url: str) -> None:
    before = _idle_pids()
    app = create_app(make_settings(database_url))
    async with LifespanManager(app):
        await asyncio.sleep(0.2)
        assert _idle_pids() == before
