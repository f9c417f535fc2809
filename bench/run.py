"""`make bench`: the project against a bare reference server, under wrk, on 127.0.0.1.

    uv run python bench/run.py [--seconds 10] [--warmup 3] [--reuse-database]

1. (Re)creates the PostgreSQL database BENCH_DATABASE_URL (default
   postgresql+asyncpg://postgres@127.0.0.1:5432/bench; its name must start with "bench"),
   migrates it and loads `blogapi seed-demo`'s default data set.
2. Starts `blogapi serve --workers 2` in production mode and bench/reference_server.py
   (Starlette + asyncpg + orjson, 2 uvicorn workers), checks that both answer the same JSON.
3. Per scenario: a warm-up, then throughput at 64 connections and latency at 16 (wrk); the
   project's CPU per request over the throughput run. The gzip scenarios (gzip_cost.py): a
   page of posts and the OpenAPI document, identity and gzip. The micro-cache scenarios
   (micro_cache.py): 1,000 distinct slugs with it off, then on a second server with it on.
4. Writes bench/out/report.{md,json} and PNG charts; prints the summary tables.
Every run is bounded in time; both servers are stopped at the end, whatever happens.
"""

import argparse
import json
import os
import platform
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import database as bench_db
import gzip_cost
import micro_cache
import report
from compare import BodiesDiffer, compare
from servers import (
    Server,
    cpu_seconds,
    postgres_cpu,
    postgres_cpu_since,
    request,
    start_project,
    start_reference,
)
from wrk import WrkResult, ensure_wrk, run_wrk

OUT = Path(__file__).parent / "out"
PROJECT_PORT = int(os.environ.get("BENCH_PROJECT_PORT", "8081"))
REFERENCE_PORT = int(os.environ.get("BENCH_REFERENCE_PORT", "8082"))
CACHED_PORT = int(os.environ.get("BENCH_CACHED_PORT", "8083"))
DEMO_PASSWORD = "demo password 2026"  # noqa: S105 (printed by seed-demo)
THROUGHPUT_CONNECTIONS = 64
LATENCY_CONNECTIONS = 16
MAX_RESTARTS = 2


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
    return f"{os.cpu_count()} CPUs ({cpu}), {kib / 1024 / 1024:.1f} GiB RAM, {platform.system()}"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def sign_in(project: Server, username: str) -> str | None:
    status, body = request(
        "POST",
        f"{project.base_url}/api/v1/auth/login",
        body={"email": f"{username}@example.com", "password": DEMO_PASSWORD},
    )
    if status != 200:
        print(f"sign-in as {username} failed ({status}): {body[:200]!r}", flush=True)
        return None
    token: str = json.loads(body)["access_token"]
    return token


def precheck(project: Server, path: str, headers: dict[str, str] | None = None) -> str | None:
    """None when the project answers 200 at `path`; else why the scenario is skipped."""
    status, body = request("GET", project.base_url + path, headers=headers)
    if status == 200:
        return None
    return f"GET {path} answered {status} ({body[:120].decode(errors='replace')})"


class Bench:
    def __init__(self, wrk: str, seconds: int, warmup: int) -> None:
        self.wrk = wrk
        self.seconds = seconds
        self.warmup = warmup
        self.log = OUT / "wrk.log"
        self.log.write_text("")

    def measure(
        self,
        server: Server,
        scenario: report.Scenario,
        *,
        script: str = "get.lua",
        args: list[str] | None = None,
        throughput_at: int = THROUGHPUT_CONNECTIONS,
    ) -> dict[str, WrkResult]:
        """The scenario's runs; once again from the start if the server died meanwhile."""
        try:
            return self._measure(server, scenario, script, args, throughput_at)
        except RuntimeError:
            code = server.process.poll()
            if code is None or server.restarts >= MAX_RESTARTS:
                raise
            print(
                f"  !! the {server.name} server exited (code {code}) during '{scenario.name}'; "
                "restarting it and running the scenario again",
                flush=True,
            )
            server.restart()
            return self._measure(server, scenario, script, args, throughput_at)

    def _measure(
        self,
        server: Server,
        scenario: report.Scenario,
        script: str,
        args: list[str] | None,
        throughput_at: int,
    ) -> dict[str, WrkResult]:
        url = server.base_url + scenario.path
        common: dict[str, Any] = {
            "script": script,
            "args": args,
            "log": self.log,
            "headers": scenario.headers,
        }
        run_wrk(self.wrk, url, connections=LATENCY_CONNECTIONS, seconds=self.warmup, **common)
        cpu, database_cpu = cpu_seconds(server), postgres_cpu()
        runs = {
            "throughput": run_wrk(
                self.wrk, url, connections=throughput_at, seconds=self.seconds, **common
            )
        }
        requests = max(1, runs["throughput"].requests)
        side = "reference" if server.name == "reference" else "project"  # or project-cached
        scenario.cpu_ms[side] = round(1000 * (cpu_seconds(server) - cpu) / requests, 3)
        if (used := postgres_cpu_since(database_cpu)) is not None:
            scenario.cpu_ms[f"{side}_db"] = round(1000 * used / requests, 3)
        if throughput_at == LATENCY_CONNECTIONS:
            runs["latency"] = runs["throughput"]
        else:
            runs["latency"] = run_wrk(
                self.wrk, url, connections=LATENCY_CONNECTIONS, seconds=self.seconds, **common
            )
        t, lat = runs["throughput"], runs["latency"]
        print(
            f"  {scenario.name:<24} {server.name:<9} {t.requests_per_second:>9,.0f} req/s "
            f"@{t.connections}   p50 {lat.p50_ms:6.1f}  p90 {lat.p90_ms:6.1f}  "
            f"p99 {lat.p99_ms:6.1f} ms @{lat.connections}   errors {t.errors + lat.errors}",
            flush=True,
        )
        return runs


def scenarios(targets: bench_db.Targets) -> list[report.Scenario]:
    posts = "/api/v1/posts"
    return [
        report.Scenario("GET /health", "/health"),
        report.Scenario("list posts page 1", f"{posts}?limit=20"),
        report.Scenario("list by tag", f"{posts}?limit=20&tag={targets.tag}"),
        report.Scenario("list by author", f"{posts}?limit=20&author={targets.author}"),
        report.Scenario("post detail by slug", f"{posts}/{targets.post_slug}"),
        report.Scenario("comment thread", f"{posts}/{targets.popular_slug}/comments?limit=50"),
        report.Scenario("search", f"/api/v1/search?q={targets.search_words[0]}"),
        report.Scenario("authenticated mix", "/api/v1/posts?limit=20", " (16 conn.)"),
        *gzip_cost.scenarios(f"{posts}?limit=20"),
    ]


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    OUT.mkdir(exist_ok=True)
    print(f"machine: {machine()}; load average {load_average()}", flush=True)
    wrk = ensure_wrk()
    database = bench_db.bench_database()
    seed_seconds = bench_db.prepare(database, OUT, reuse=args.reuse_database)
    targets = bench_db.targets(database)
    if not targets.search_words:
        sys.exit(
            "the bench database's newest posts have no searchable subjects (posts that a Locust "
            "run wrote?): run `make bench` without --reuse-database to seed it again"
        )
    servers: list[Server] = []
    gzip_rows: list[str] = []
    gzip_data: list[dict[str, Any]] = []
    try:
        project = start_project(database.url, PROJECT_PORT, OUT)
        servers.append(project)
        reference = start_reference(database.url, REFERENCE_PORT, OUT)
        servers.append(reference)
        print(f"servers up: project {project.base_url}, reference {reference.base_url}")
        plan = scenarios(targets)
        compared = []
        for scenario in plan[1:5]:
            result = compare(project.base_url, reference.base_url, scenario.path)
            same = "byte-identical" if result.byte_identical else "same JSON, other bytes"
            print(f"  same body from both: GET {scenario.path} ({result.size:,} bytes, {same})")
            compared.append(scenario.path)
        bench = Bench(wrk, args.seconds, args.warmup)
        print("scenario                 server        throughput          latency", flush=True)
        for scenario in plan[:5]:
            scenario.project = bench.measure(project, scenario)
            scenario.reference = bench.measure(reference, scenario)
        comments, search, mix = plan[5:8]
        comments.skipped = precheck(project, comments.path)
        if comments.skipped:
            print(
                f"  comment thread: skipped, the comments endpoint is not there yet: "
                f"{comments.skipped}",
                flush=True,
            )
        else:
            comments.project = bench.measure(project, comments)
        search.skipped = precheck(project, search.path)
        if search.skipped:
            print(f"  search: skipped: {search.skipped}", flush=True)
        else:
            words = ["/api/v1/search?q=", *targets.search_words]
            search.project = bench.measure(project, search, script="cycle.lua", args=words)
        token = sign_in(project, "demo_reader")
        headers = {"Authorization": f"Bearer {token}"}
        mix.skipped = (
            "sign-in failed"
            if token is None
            else precheck(project, "/api/v1/users/me/bookmarks", headers)
        )
        if token and not mix.skipped:
            mix.project = bench.measure(
                project,
                mix,
                script="auth_mix.lua",
                args=[token, *targets.like_slugs],
                throughput_at=LATENCY_CONNECTIONS,
            )
        for scenario in plan[8:]:
            scenario.skipped = precheck(project, scenario.path, scenario.headers)
            if scenario.skipped:
                print(f"  {scenario.name}: skipped: {scenario.skipped}", flush=True)
            else:
                scenario.project = bench.measure(project, scenario)
        gzip_rows, gzip_data = gzip_cost.summary(project, plan)
        plan += micro_cache.run(
            bench.measure, project, database.url, CACHED_PORT, OUT, targets.slugs, servers
        )
    except BodiesDiffer as error:
        print(f"\nFAILED: the project and the reference answer differently.\n{error}", flush=True)
        return 1
    finally:
        for server in reversed(servers):
            server.stop()
    wall = round(time.monotonic() - started, 1)
    meta = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_at_end": load_average(),
        "command": "make bench",
        "database": database.name,
        "seed_seconds": seed_seconds,
        "warmup_seconds": args.warmup,
        "run_seconds": args.seconds,
        "compared": compared,
        "targets": targets.__dict__ | {"usernames": len(targets.usernames)},
        "wall_seconds": wall,
        "server_restarts": {server.name: server.restarts for server in servers},
        "gzip": gzip_data,
    }
    rows, charts = report.write(plan, meta, OUT)
    with (OUT / "report.md").open("a") as file:
        file.write("\n## gzip: bytes and CPU per request\n\n" + "\n".join(gzip_rows) + "\n")
    print("\n" + "\n".join(rows))
    print("\n" + "\n".join(gzip_rows))
    print(
        f"\nratio = project / reference. Report: {OUT / 'report.md'}; charts: "
        f"{', '.join(str(path) for path in charts)}"
    )
    print(f"wall time: {wall} s (seeding {seed_seconds} s); load average {load_average()}")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="each measured run (10)")
    parser.add_argument("--warmup", type=int, default=3, help="the warm-up before each (3)")
    parser.add_argument(
        "--reuse-database", action="store_true", help="keep an already seeded database"
    )
    arguments = parser.parse_args()
    # Stopped with SIGTERM (a timeout, pkill): unwind, so `finally` stops the servers too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(run(arguments))


if __name__ == "__main__":
    main()
