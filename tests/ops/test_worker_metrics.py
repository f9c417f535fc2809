"""`blogapi worker` serves its own /metrics when WORKER_METRICS_PORT is set: what only the
worker counts (webhook attempts, publish lag, views flushed); nothing listens without it."""

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest
from harness import TEST_SECRET
from processes import free_port

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

BLOGAPI = Path(sys.executable).parent / "blogapi"


async def _worker(database_url: str, cwd: Path, **env: str) -> asyncio.subprocess.Process:
    environment = {
        **os.environ,
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "MAIL_DIR": str(cwd / "mail"),
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return await asyncio.create_subprocess_exec(
        str(BLOGAPI), "worker", env=environment, cwd=cwd, stderr=asyncio.subprocess.PIPE
    )


async def _scrape(port: int, within: float = 30) -> httpx.Response:
    async with httpx.AsyncClient() as client, asyncio.timeout(within):
        while True:
            try:
                return await client.get(f"http://127.0.0.1:{port}/metrics")
            except httpx.TransportError:
                await asyncio.sleep(0.1)


async def _stop(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    return stderr


async def test_the_worker_serves_its_metrics_on_the_port_set(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    process = await _worker(database_url, tmp_path, WORKER_METRICS_PORT=str(port))
    try:
        response = await _scrape(port)
    finally:
        stderr = await _stop(process)

    assert process.returncode == 0, stderr.decode()
    assert response.status_code == 200
    for name in ("publish_lag_seconds", "posts_announced_total", "webhook"):
        assert name in response.text, name


async def test_without_the_setting_the_worker_listens_nowhere(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    process = await _worker(database_url, tmp_path)
    try:
        await asyncio.sleep(3)  # long enough to have started a server, had it one
        assert process.returncode is None
        with pytest.raises(httpx.ConnectError):
            async with httpx.AsyncClient() as client:
                await client.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        await _stop(process)


async def test_a_port_out_of_range_stops_the_worker_with_a_clear_error(
    database_url: str, tmp_path: Path
) -> None:
    process = await _worker(database_url, tmp_path, WORKER_METRICS_PORT="70000")
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode != 0
    assert b"WORKER_METRICS_PORT" in stderr.upper()
