"""`blogapi serve --workers 2` comes up on a busy machine: two processes burn both cores while
it starts with PYTHONDONTWRITEBYTECODE=1 (as in the image), on SQLite. uvicorn kills a worker
that has not answered its health ping in time (its default: 5 s; ours:
cli.WORKER_HEALTHCHECK_SECONDS), and a worker compiling its imports (no bytecode compiled at
install) or importing SDKs it does not use could miss it: it is then replaced by another that
may miss it too (docs/performance.md, "Start-up and sign-in"). And when a worker does die,
the supervisor says so in the log."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from processes import TEST_SECRET, free_port

BLOGAPI = str(Path(sys.executable).parent / "blogapi")  # the console script, as deployed
BURN = "while True: pass"
STARTED = re.compile(r"Started server process \[(\d+)\]")


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ENVIRONMENT": "production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "METRICS_PUBLIC": "true",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'blog.db'}",
        "MEDIA_DIR": str(tmp_path / "media"),
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """End the process and everything it started (workers, their render servers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever outlived its parent
    process.wait()


def _workers(server: int) -> set[int]:
    """The pids of the server's worker processes now (uvicorn spawns them)."""
    found = set()
    for task in Path(f"/proc/{server}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"spawn_main" in command:
                found.add(int(child))
    return found


def _watch(
    server: subprocess.Popen[bytes], seconds: float, base: str | None, seen: set[int]
) -> bool:
    """Note every worker seen for `seconds`; with `base`, stop once GET /health answers 200."""
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline and server.poll() is None:
            seen |= _workers(server.pid)
            if base is not None:
                try:
                    if client.get(f"{base}/health").status_code == 200:
                        return True
                except httpx.TransportError:
                    pass
            time.sleep(0.2)
    return base is None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _migrated(tmp_path: Path) -> dict[str, str]:
    env = _environment(tmp_path)
    migrated = subprocess.run(  # noqa: S603 (our own console script)
        [BLOGAPI, "migrate"], env=env, cwd=tmp_path, capture_output=True, timeout=120, check=False
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    return env


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 (our own console script)
            [BLOGAPI, "serve", "--workers", "2", "--port", str(port)],
            env=env,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: the workers' helpers end with it
        )


def test_two_workers_start_while_both_cores_are_busy(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    burners: list[subprocess.Popen[bytes]] = []
    server: subprocess.Popen[bytes] | None = None
    try:
        burners = [
            subprocess.Popen([sys.executable, "-c", BURN])  # noqa: S603 (this interpreter)
            for _ in range(2)
        ]
        server = _serve(env, port, log)
        seen: set[int] = set()
        healthy = _watch(server, 30, f"http://127.0.0.1:{port}", seen)
        assert healthy, log.read_text(errors="replace")[-4000:]
        # Both workers start and keep answering their pings (one every 0.5 s):
        # uvicorn replaced none (it would kill it and spawn another: a third pid).
        _watch(server, 8, None, seen)
        text = log.read_text(errors="replace")
        assert len(seen) == 2, (seen, text[-4000:])
        assert {int(pid) for pid in STARTED.findall(text)} == seen
        assert all(_alive(pid) for pid in seen)
        assert server.poll() is None
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        if server is not None:
            _stop_group(server)


def test_a_worker_that_dies_is_replaced_and_the_log_says_so(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    server = _serve(env, port, log)
    try:
        seen: set[int] = set()
        assert _watch(server, 60, f"http://127.0.0.1:{port}", seen), log.read_text()[-4000:]
        deadline = time.monotonic() + 30
        while len(_workers(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        victim = min(_workers(server.pid))
        os.kill(victim, signal.SIGKILL)
        replaced: set[int] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (replaced - {victim}):
            replaced = _workers(server.pid) - seen
            time.sleep(0.2)
        text = log.read_text(errors="replace")
        assert replaced - {victim}, text[-4000:]
        # The supervisor's line, in the app's JSON format (it had no handler: lost).
        assert re.search(rf'"event": "Child process \[{victim}\] died"', text), text[-4000:]
    finally:
        _stop_group(server)
