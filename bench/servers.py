"""Start the two servers under test on 127.0.0.1, wait for them, and stop them again."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

BENCH = Path(__file__).parent
ROOT = BENCH.parent
WORKERS = 2
BENCH_SECRET = "bench-only-secret-key-0123456789abcdef-not-for-production"  # noqa: S105
# The project builds media URLs on it when read; the reference is told the same, so that the
# two answer the same bytes whatever port each listens on.
PUBLIC_BASE_URL = "http://127.0.0.1:8000"
# What production mode refuses to start without (core/config.py), filled for 127.0.0.1.
PRODUCTION_EXPOSURE = {
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "METRICS_TOKEN": "bench-only-metrics-token",
}


@dataclass
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path
    command: list[str]
    env: dict[str, str]
    restarts: int = 0

    def restart(self) -> None:
        """Start it again after it died (something outside the bench may stop it)."""
        self.stop()
        self.restarts += 1
        with self.log.open("ab") as file:
            self.process = _spawn(self.command, self.env, file)
        wait_until_healthy(self)

    def stop(self) -> None:
        """SIGTERM to its process group (the workers too), SIGKILL after ten seconds."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _processes() -> list[tuple[str, str, list[str]]]:
    """(pid, command name, the fields after it) of every process in /proc/<pid>/stat."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        found.append((entry.name, head.partition("(")[2], tail.split()))
    return found


def _cpu(fields: list[str]) -> int:
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat: utime, stime (ticks)


def cpu_seconds(server: Server) -> float:
    """User + system time of the server's processes (its process group), in seconds."""
    group = str(server.process.pid)
    ticks = sum(_cpu(fields) for _, _, fields in _processes() if fields[2] == group)  # field 5
    return ticks / os.sysconf("SC_CLK_TCK")


PostgresCpu = dict[str, int]


def postgres_cpu() -> PostgresCpu | None:
    """The CPU ticks of each PostgreSQL process on this machine now (the backends serving the
    bench, the server's own); None when none is visible here (a server elsewhere)."""
    found = {pid: _cpu(fields) for pid, name, fields in _processes() if name == "postgres"}
    return found or None


def postgres_cpu_since(before: PostgresCpu | None) -> float | None:
    """Seconds of CPU PostgreSQL's processes spent since `before`, process by process: one
    that ended meanwhile (an autovacuum worker) takes its time with it, and summing all
    processes twice would count that as time given back."""
    after = postgres_cpu()
    if before is None or after is None:
        return None
    ticks = sum(max(0, used - before.get(pid, 0)) for pid, used in after.items())
    return ticks / os.sysconf("SC_CLK_TCK")


def project_environment(database_url: str) -> dict[str, str]:
    """Production mode, as the issue asks: JSON logs at WARNING, no access log, no rate limits."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "ENVIRONMENT": "production",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", BENCH_SECRET),
        **PRODUCTION_EXPOSURE,
        "RATE_LIMITS_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "false",
        # The scenarios measure the query path; micro_cache.py starts a server with it on.
        "PUBLIC_CACHE_SECONDS": "0",
    }


def _spawn(command: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 (our own command line)
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as one
    )


def _refuse_taken(port: int) -> None:
    """A server left over from an earlier run would answer in place of the new one."""
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"something already listens on 127.0.0.1:{port}; stop it first")


def _start(name: str, command: list[str], env: dict[str, str], port: int, out: Path) -> Server:
    _refuse_taken(port)
    log = out / f"{name}.log"
    with log.open("wb") as file:
        process = _spawn(command, env, file)
    server = Server(name, f"http://127.0.0.1:{port}", process, log, command, env)
    try:
        wait_until_healthy(server)
    except BaseException:
        server.stop()
        raise
    return server


def start_project(
    database_url: str,
    port: int,
    out: Path,
    *,
    workers: int = WORKERS,
    name: str = "project",
    source: Path | None = None,
    settings: dict[str, str] | None = None,
) -> Server:
    """`blogapi serve`; from the tree at `source` (its `src/` first on PYTHONPATH) when given,
    with `settings` over the production environment."""
    blogapi = str(Path(sys.executable).parent / "blogapi")
    command = [blogapi, "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    env = {**project_environment(database_url), **(settings or {})}
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    return _start(name, command, env, port, out)


def start_reference(database_url: str, port: int, out: Path) -> Server:
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "BENCH_MEDIA_BASE_URL": f"{PUBLIC_BASE_URL}/media/",
        "BENCH_REFERENCE_PORT": str(port),
        "BENCH_WORKERS": str(WORKERS),
    }
    command = [sys.executable, str(BENCH / "reference_server.py")]
    return _start("reference", command, env, port, out)


def wait_until_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the {server.name} server exited at start:\n{tail}")
        try:
            status, _ = get(f"{server.base_url}/health", timeout=1.0)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the {server.name} server did not answer /health in {timeout:.0f} s")


def get(
    url: str, *, headers: dict[str, str] | None = None, timeout: float = 10.0
) -> tuple[int, bytes]:
    """(status, body) of a GET; 4xx and 5xx are answers too."""
    return request("GET", url, headers=headers, timeout=timeout)


def request(
    method: str,
    url: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"benchmarks only talk to 127.0.0.1, not {url}")
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {**(headers or {}), **({"Content-Type": "application/json"} if data else {})}
    prepared = urllib.request.Request(url, data=data, method=method, headers=all_headers)  # noqa: S310
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
