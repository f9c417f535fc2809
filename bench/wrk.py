"""wrk: find or install it, run it with one of the Lua scripts, read the JSON line they print."""

import json
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

LUA = Path(__file__).parent / "lua"
THREADS = 2
RESULT_PREFIX = "BENCH_RESULT "


@dataclass(frozen=True)
class WrkResult:
    connections: int
    seconds: float
    requests: int
    requests_per_second: float
    errors: int  # socket errors plus responses of status 400 and above
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def ensure_wrk() -> str:
    """The wrk binary; installed with apt-get (and said so) when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is not installed: installing it with `apt-get install -y wrk`", flush=True)
    install = ["apt-get", "install", "-y", "wrk"]
    if subprocess.run(install, check=False, timeout=300).returncode != 0:  # noqa: S603
        print("apt-get install failed: running `apt-get update` first, then again", flush=True)
        subprocess.run(["apt-get", "update"], check=True, timeout=300)  # noqa: S607
        subprocess.run(install, check=True, timeout=300)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is still not on PATH after apt-get install; install it and run again")
    return found


def run_wrk(
    wrk: str,
    url: str,
    *,
    connections: int,
    seconds: int,
    script: str = "get.lua",
    args: list[str] | None = None,
    log: Path | None = None,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    """One bounded wrk run against a 127.0.0.1 URL (with `headers` on every request)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"benchmarks only target 127.0.0.1, not {url}")
    command = [
        wrk,
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        *(flag for name, value in (headers or {}).items() for flag in ("-H", f"{name}: {value}")),
        "-s",
        str(LUA / script),
        url,
    ]
    if args:
        command += ["--", *args]
    finished = subprocess.run(  # noqa: S603 (our own command line)
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if log is not None:
        with log.open("a") as file:
            file.write(f"$ {' '.join(command[:10])} ...\n{finished.stdout}{finished.stderr}\n")
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr.strip()}")
    line = next(
        (row for row in finished.stdout.splitlines() if row.startswith(RESULT_PREFIX)), None
    )
    if line is None:
        raise RuntimeError(f"wrk printed no result line:\n{finished.stdout}")
    raw = json.loads(line.removeprefix(RESULT_PREFIX))
    errors = raw["errors"]
    latency = raw["latency_us"]
    duration = raw["duration_us"] / 1e6
    return WrkResult(
        connections=connections,
        seconds=round(duration, 2),
        requests=raw["requests"],
        requests_per_second=round(raw["requests"] / duration, 1),
        errors=sum(errors.values()),
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=round(latency["mean"] / 1000, 3),
        max_ms=latency["max"] / 1000,
    )
