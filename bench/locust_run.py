"""`make bench-locust`: the specification's load test against the project alone.

    uv run python bench/locust_run.py [--users 1000 ...] [--workers 2 ...] [--seconds 300]
        [--spawn-rate 10] [--fresh-database]

Reuses the seeded bench database of `make bench` when it is there (else creates and seeds
it), starts `blogapi serve --workers N` in production mode on 127.0.0.1 with Redis (when it
answers on 127.0.0.1:6379) and the default PUBLIC_CACHE_SECONDS (1), and runs Locust
headless (FastHttpUser, bench/locustfile.py) for each worker count and user count: the
ramp at --spawn-rate users a second, then --seconds measured, bounded by --run-time and
--stop-timeout. Writes bench/out/locust.md and locust.json: p50/p95/p99, requests/s and
error rate for GETs, writes and sign-ins, and the CPU each side spent per request (the
API's processes, PostgreSQL's, Locust's own: it shares the two cores).
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import database as bench_db
from servers import Server, cpu_seconds, postgres_cpu, postgres_cpu_since, start_project

OUT = Path(__file__).parent / "out"
PORT = int(os.environ.get("BENCH_PROJECT_PORT", "8081"))
REDIS = ("127.0.0.1", 6379)


def _write_lines(name: str, lines: list[str]) -> Path:
    path = OUT / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _redis_settings() -> dict[str, str]:
    """REDIS_URL when Redis answers here, as an operator's deployment would have it."""
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex(REDIS) == 0:
            return {"REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0"}
    print("  (Redis is not answering on 127.0.0.1:6379: running without it)", flush=True)
    return {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _locust(
    server: Server, users: int, args: argparse.Namespace, env: dict[str, str]
) -> dict[str, Any]:
    rate, seconds = args.spawn_rate, args.seconds
    ramp = -(-users // rate)
    name = f"locust_{server.name}_{users}"
    result = OUT / f"{name}.json"
    result.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f", str(Path(__file__).parent / "locustfile.py"),
        "--headless", "--only-summary",
        "-u", str(users), "-r", str(rate), "-t", f"{ramp + seconds}s", "--reset-stats",
        "--stop-timeout", "5",
        "-H", server.base_url, "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    print(
        f"$ locust --headless -u {users} -r {rate} -t {ramp + seconds}s --reset-stats "
        f"-H {server.base_url}  ({ramp} s ramp, then {seconds} s measured; {server.name})",
        flush=True,
    )
    api, database, locust = cpu_seconds(server), postgres_cpu(), _children_cpu()
    with (OUT / f"{name}.log").open("w") as log:
        subprocess.run(  # noqa: S603 (our own command line)
            command,
            env={**env, "BENCH_LOCUST_OUT": str(result)},
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=ramp + seconds + 90,
            check=True,
        )
    data: dict[str, Any] = json.loads(result.read_text())
    # Over the whole run, ramp and sign-ins included: every request the server answered.
    answered = sum(data[kind]["requests"] for kind in ("GET", "write", "sign-in")) or 1
    database_used = postgres_cpu_since(database)
    data["cpu_ms_per_request"] = {
        "api": round(1000 * (cpu_seconds(server) - api) / answered, 2),
        "postgresql": None if database_used is None else round(1000 * database_used / answered, 2),
        "locust": round(1000 * (_children_cpu() - locust) / answered, 2),
    }
    return data


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        "| API workers, users | requests | count | req/s | p50 ms | p95 ms | p99 ms "
        "| error rate | CPU ms/request: API, PostgreSQL, Locust |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run, result in results.items():
        cpu = result["cpu_ms_per_request"]
        spent = ", ".join("n/a" if cpu[side] is None else f"{cpu[side]:.2f}" for side in cpu)
        for kind in ("GET", "write", "sign-in"):
            r = result[kind]
            rows.append(
                f"| {run} | {kind} | {r['requests']:,} | {_rate(r['requests_per_second'])} "
                f"| {_ms(r['p50_ms'])} | {_ms(r['p95_ms'])} | {_ms(r['p99_ms'])} "
                f"| {r['error_rate']:.2%} | {spent if kind == 'GET' else ''} |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, action="append", help="repeatable (1000)")
    parser.add_argument("--workers", type=int, action="append", help="repeatable (2)")
    parser.add_argument("--seconds", type=int, default=300, help="measured after the ramp")
    parser.add_argument("--spawn-rate", type=int, default=10, help="users started a second")
    parser.add_argument("--fresh-database", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    OUT.mkdir(exist_ok=True)
    database = bench_db.bench_database()
    bench_db.prepare(database, OUT, reuse=not args.fresh_database)
    targets = bench_db.targets(database)
    env = {
        **os.environ,
        "BENCH_USERS_FILE": str(_write_lines("locust_users.txt", targets.usernames)),
        "BENCH_SLUGS_FILE": str(_write_lines("locust_slugs.txt", targets.slugs)),
        "BENCH_TAGS_FILE": str(_write_lines("locust_tags.txt", targets.tags)),
    }
    # As deployed: the micro-cache at its default (bench/servers.py turns it off for the
    # query-path scenarios of `make bench`).
    settings = {"PUBLIC_CACHE_SECONDS": "1", **_redis_settings()}
    results: dict[str, dict[str, Any]] = {}
    for workers in args.workers or [2]:
        name = f"project-{workers}w"
        project = start_project(
            database.url, PORT, OUT, workers=workers, name=name, settings=settings
        )
        try:
            for users in args.users or [1_000]:
                results[f"{workers}, {users:,}"] = _locust(project, users, args, env)
        finally:
            project.stop()
    rows = table(results)
    (OUT / "locust.json").write_text(json.dumps(results, indent=2) + "\n")
    (OUT / "locust.md").write_text("# Locust\n\n" + "\n".join(rows) + "\n")
    print("\n" + "\n".join(rows))
    print(f"\nwall time: {time.monotonic() - started:.0f} s; report: {OUT / 'locust.md'}")


if __name__ == "__main__":
    main()
