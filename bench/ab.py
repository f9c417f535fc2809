"""A/B of two commits on one signed-in read: one worker each, short wrk runs in turn.

    uv run python bench/ab.py --before REV --after REV [--pairs 10] [--seconds 5]
        [--connections 16] [--reuse-database] [--overlay PATH ...]
        [--path /health] [--header 'Accept-Encoding: gzip' ...]

1. Exports both commits with `git archive` into a temporary directory (the working tree,
   with whatever is uncommitted in it, is not measured). `--overlay PATH` copies a path of the
   working tree into both, for a commit that needs a file not committed yet.
2. Seeds BENCH_DATABASE_URL as `make bench` does (`--reuse-database` keeps a seeded one),
   migrated by the `after` tree.
3. Serves each tree with `blogapi serve --workers 1` (production mode, its `src/` first on
   PYTHONPATH), signs in as demo_reader on each, checks both answer the post the same.
4. Runs wrk on GET /api/v1/posts/{slug} (or `--path`, where `{slug}` is that post's) with the
   access token and any `--header`, before and after in turn, the order swapped every pair so
   that the machine's drift hits both; per run: requests per second and the server's CPU per
   request (its processes' user + system time).
5. Prints every pair, the ratio of sums and the median pair ratio (after / before).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import database as bench_db
from servers import ROOT, Server, cpu_seconds, get, request, start_project
from wrk import ensure_wrk, run_wrk

OUT = Path(__file__).parent / "out" / "ab"
PORTS = {"before": int(os.environ.get("BENCH_AB_BEFORE_PORT", "8091")), "after": 8092}
PORTS["after"] = int(os.environ.get("BENCH_AB_AFTER_PORT", str(PORTS["before"] + 1)))
READER = "demo_reader"
POST_DETAIL = "/api/v1/posts/{slug}"
DEMO_PASSWORD = "demo password 2026"  # noqa: S105 (printed by seed-demo)


@dataclass
class Run:
    side: str
    requests_per_second: float
    cpu_ms_per_request: float
    errors: int


def export(revision: str, into: Path) -> Path:
    """The tree of `revision`, as committed."""
    into.mkdir(parents=True)
    # git and tar from PATH, with a revision the caller named.
    git = ["git", "archive", revision]
    archive = subprocess.run(git, cwd=ROOT, capture_output=True, check=True)  # noqa: S603
    untar = ["tar", "-x", "-C", str(into)]
    subprocess.run(untar, input=archive.stdout, check=True)  # noqa: S603
    return into


def measure(
    wrk: str,
    server: Server,
    url: str,
    token: str,
    args: argparse.Namespace,
    seconds: int | None = None,
) -> Run:
    cpu = cpu_seconds(server)
    result = run_wrk(
        wrk,
        server.base_url + url,
        connections=args.connections,
        seconds=seconds or args.seconds,
        script="get_signed_in.lua",
        args=[token],
        log=OUT / "wrk.log",
        headers=dict(header.split(": ", 1) for header in args.header),
    )
    used = cpu_seconds(server) - cpu
    return Run(
        side=server.name,
        requests_per_second=result.requests_per_second,
        cpu_ms_per_request=round(1000 * used / max(1, result.requests), 3),
        errors=result.errors,
    )


def sign_in(server: Server) -> str:
    body = {"email": f"{READER}@example.com", "password": DEMO_PASSWORD}
    status, answer = request("POST", f"{server.base_url}/api/v1/auth/login", body=body)
    if status != 200:
        sys.exit(f"could not sign in as {READER} on {server.name} ({status}): {answer[:200]!r}")
    token: str = json.loads(answer)["access_token"]
    return token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--reuse-database", action="store_true")
    parser.add_argument("--overlay", action="append", default=[])
    parser.add_argument("--path", default=POST_DETAIL, help="the GET measured; {slug}: a post's")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="blogapi-ab-") as tmp:
        trees = {side: export(getattr(args, side), Path(tmp) / side) for side in PORTS}
        for path in args.overlay:
            for tree in trees.values():
                shutil.copytree(ROOT / path, tree / path, dirs_exist_ok=True)
        os.environ["PYTHONPATH"] = str(trees["after"] / "src")  # seed-demo migrates with it
        database = bench_db.bench_database()
        bench_db.prepare(database, OUT, reuse=args.reuse_database)
        slug = bench_db.targets(database).post_slug
        servers: dict[str, Server] = {}
        try:
            for side, tree in trees.items():
                servers[side] = start_project(
                    database.url, PORTS[side], OUT, workers=1, name=side, source=tree
                )
            tokens = {side: sign_in(server) for side, server in servers.items()}
            url = args.path.format(slug=slug)
            bodies = {
                side: get(server.base_url + url, headers={"Authorization": f"Bearer {token}"})
                for (side, server), token in zip(servers.items(), tokens.values(), strict=True)
            }
            # Only the post's bytes are the same on both sides (/health says the time, too).
            same = bodies["before"] == bodies["after"] or args.path != POST_DETAIL
            if not same or bodies["before"][0] != 200 or bodies["after"][0] != 200:
                sys.exit(f"the two servers answer {url} differently: {bodies}")
            for side, server in servers.items():  # warm-up
                measure(wrk, server, url, tokens[side], args, seconds=2)
            pairs: list[tuple[Run, Run]] = []
            for n in range(args.pairs):
                order = ("before", "after") if n % 2 == 0 else ("after", "before")
                runs = {
                    side: measure(wrk, servers[side], url, tokens[side], args) for side in order
                }
                pairs.append((runs["before"], runs["after"]))
                print(
                    f"pair {n + 1}: before {runs['before'].requests_per_second:8.1f} req/s "
                    f"{runs['before'].cpu_ms_per_request:.3f} ms CPU | after "
                    f"{runs['after'].requests_per_second:8.1f} req/s "
                    f"{runs['after'].cpu_ms_per_request:.3f} ms CPU",
                    flush=True,
                )
        finally:
            for server in servers.values():
                server.stop()
    report(args, url, pairs)


def report(args: argparse.Namespace, url: str, pairs: list[tuple[Run, Run]]) -> None:
    before = sum(b.requests_per_second for b, _ in pairs)
    after = sum(a.requests_per_second for _, a in pairs)
    cpu_before = sum(b.cpu_ms_per_request for b, _ in pairs) / len(pairs)
    cpu_after = sum(a.cpu_ms_per_request for _, a in pairs) / len(pairs)
    summary = {
        "before": args.before,
        "after": args.after,
        "path": f"GET {url} (signed in)",
        "headers": args.header,
        "pairs": len(pairs),
        "seconds": args.seconds,
        "connections": args.connections,
        "overlay": args.overlay,
        "throughput_ratio_of_sums": round(after / before, 3),
        "throughput_median_pair_ratio": round(
            statistics.median(a.requests_per_second / b.requests_per_second for b, a in pairs), 3
        ),
        "cpu_ms_per_request": {"before": round(cpu_before, 3), "after": round(cpu_after, 3)},
        "cpu_ratio": round(cpu_after / cpu_before, 3),
        "errors": sum(b.errors + a.errors for b, a in pairs),
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
