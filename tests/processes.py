"""Start real `blogapi` processes for tests that cross process boundaries."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
from alembic import command
from sqlalchemy.engine import make_url

from blogapi.cli import alembic_config

TEST_SECRET = "cluster-test-secret-key-that-is-long-enough-for-hs256"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], cwd: Path, **env: str) -> subprocess.Popen[bytes]:
    """`python -m blogapi <args>` in production mode, with `env` on top."""
    environment = {
        **os.environ,
        "ENVIRONMENT": "production",
        # What production requires besides the key: the hosts served, and who may scrape.
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "METRICS_PUBLIC": "true",
        "SECRET_KEY": TEST_SECRET,
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.Popen(  # noqa: S603 (our own console script)
        [sys.executable, "-m", "blogapi", *args],
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def output(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None or process.stdout is None:
        return ""
    return process.stdout.read().decode(errors="replace")


async def wait_until_serving(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient(base_url=base_url) as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, output(process)
            try:
                if (await client.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{base_url} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def admin_execute(url: str, *statements: str) -> None:
    parsed = make_url(url)
    admin = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database="postgres"
    )
    try:
        for statement in statements:
            await admin.execute(statement)
    finally:
        await admin.close()


async def backends_gone(url: str, database: str, pid: int | None = None) -> None:
    """Wait until the server has no session left on `database` (or none with that `pid`):
    terminated ones have exited and closed their sockets."""
    parsed = make_url(url)
    admin = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database="postgres"
    )
    try:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
        query += " AND pid = $2" if pid is not None else " AND $2::int IS NULL"
        async with asyncio.timeout(10):
            while await admin.fetchval(query, database, pid):  # noqa: ASYNC110 (polls the server)
                await asyncio.sleep(0.01)
    finally:
        await admin.close()


def create_throwaway_database(server_url: str, name: str) -> str:
    """A fresh, migrated PostgreSQL database on the test server; returns its URL."""
    asyncio.run(
        admin_execute(
            server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"
        )
    )
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    return url


def drop_throwaway_database(server_url: str, name: str) -> None:
    asyncio.run(
        admin_execute(
            server_url,
            f"ALTER DATABASE {name} ALLOW_CONNECTIONS true",
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
        )
    )
