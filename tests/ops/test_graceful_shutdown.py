"""SIGTERM: readiness fails at once, the request in flight completes, the process exits 0."""

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from processes import free_port, start, stop, wait_until_serving


async def _slow_body(chunks: list[bytes], pause: float) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(pause)


async def test_sigterm_drains_in_flight_requests_and_exits_zero(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(
        ["serve", "--port", str(port)],
        tmp_path,
        DATABASE_URL=database_url,
        RATE_LIMITS_ENABLED="false",
        SHUTDOWN_DELAY_SECONDS="1.5",
    )
    try:
        await wait_until_serving(base, process)
        body = b'{"email": "nobody@example.com", "password": "not the password"}'
        chunks = [body[:10], body[10:30], body[30:]]
        async with (
            httpx.AsyncClient(base_url=base, timeout=20) as slow,
            httpx.AsyncClient(base_url=base, timeout=5) as probe,
        ):
            assert (await probe.get("/health/ready")).status_code == 200
            in_flight = asyncio.create_task(
                slow.post(
                    "/api/v1/auth/login",
                    content=_slow_body(chunks, 0.8),
                    headers={"content-type": "application/json"},
                )
            )
            await asyncio.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            ready = await probe.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["checks"] == {"shutdown": "draining"}
            response = await in_flight
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "INVALID_CREDENTIALS"
        assert process.wait(timeout=20) == 0
    finally:
        stop(process)
