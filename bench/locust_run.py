"""`make bench-locust`: Locust against the project alone, 100 then 1,000 users, 60 s each.

    uv run python bench/locust_run.py [--seconds 60] [--fresh-database]

Reuses the seeded bench database of `make bench` when it is there (else creates and seeds
it), starts `blogapi serve --workers 2` in production mode on 127.0.0.1, runs Locust
headless twice (bounded by --run-time and --stop-timeout), and writes bench/out/locust.md
and locust.json with p50/p95/p99, requests/s and error rate for GETs and for writes.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import database as bench_db
from servers import start_project

OUT = Path(__file__).parent / "out"
PORT = int(os.environ.get("BENCH_PROJECT_PORT", "8081"))
# Users, and users started a second: sign-ins verify Argon2 hashes, a few dozen a second
# on two cores, so the ramp is spread out; the measured minute starts when all users run.
RUNS = ((100, 10), (1_000, 10))


def _write_lines(name: str, lines: list[str]) -> Path:
    path = OUT / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _locust(
    base_url: str, users: int, rate: int, seconds: int, env: dict[str, str]
) -> dict[str, Any]:
    ramp = -(-users // rate)
    result = OUT / f"locust_{users}.json"
    result.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f", str(Path(__file__).parent / "locustfile.py"),
        "--headless", "--only-summary",
        "-u", str(users), "-r", str(rate), "-t", f"{ramp + seconds}s", "--reset-stats",
        "--stop-timeout", "5",
        "-H", base_url, "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    print(
        f"$ locust --headless -u {users} -r {rate} -t {ramp + seconds}s --reset-stats "
        f"-H {base_url}  ({ramp} s ramp, then {seconds} s measured)",
        flush=True,
    )
    with (OUT / f"locust_{users}.log").open("w") as log:
        subprocess.run(  # noqa: S603 (our own command line)
            command,
            env={**env, "BENCH_LOCUST_OUT": str(result)},
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=ramp + seconds + 90,
            check=True,
        )
    data: dict[str, Any] = json.loads(result.read_text())
    return data


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def table(results: dict[int, dict[str, Any]]) -> list[str]:
    rows = [
        "| users | requests | count | req/s | p50 ms | p95 ms | p99 ms | error rate |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for users, result in results.items():
        for kind in ("GET", "write", "sign-in"):
            r = result[kind]
            rows.append(
                f"| {users:,} | {kind} | {r['requests']:,} | {_rate(r['requests_per_second'])} "
                f"| {_ms(r['p50_ms'])} | {_ms(r['p95_ms'])} | {_ms(r['p99_ms'])} "
                f"| {r['error_rate']:.2%} |"
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
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
        "BENCH_SLUGS_FILE": str(_write_lines("locust_slugs.txt", targets.like_slugs)),
        "BENCH_TAGS_FILE": str(_write_lines("locust_tags.txt", [targets.tag])),
    }
    project = start_project(database.url, PORT, OUT)
    results: dict[int, dict[str, Any]] = {}
    try:
        for users, rate in RUNS:
            results[users] = _locust(project.base_url, users, rate, args.seconds, env)
    finally:
        project.stop()
    rows = table(results)
    (OUT / "locust.json").write_text(json.dumps(results, indent=2) + "\n")
    (OUT / "locust.md").write_text("# Locust\n\n" + "\n".join(rows) + "\n")
    print("\n" + "\n".join(rows))
    print(f"\nwall time: {time.monotonic() - started:.0f} s; report: {OUT / 'locust.md'}")


if __name__ == "__main__":
    main()
