"""Locust users for `make bench-locust`, the specification's model: each user signs in once,
then waits 1-3 s between requests, 3 lists : 2 post reads : 1 write. Lists (pages 1-5, half
of them by tag) and reads (of many distinct posts) are anonymous; the write, creating a
post, is signed in.

Driven by bench/locust_run.py (headless, against 127.0.0.1 only). Inputs, as files of one
item a line: BENCH_USERS_FILE (usernames, all with the demo password), BENCH_SLUGS_FILE
(published posts), BENCH_TAGS_FILE. At the end the GETs, the writes and the sign-ins are
summarised separately into BENCH_LOCUST_OUT (JSON): p50/p95/p99, requests/s, error rate.
Run with --reset-stats: GETs and writes are measured once every user runs; the sign-ins
of the ramp are kept apart and reported too.
"""

import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.stats import StatsEntry

PASSWORD = os.environ.get("BENCH_PASSWORD", "demo password 2026")
SIGN_IN = "POST /auth/login"
WRITE = "POST /posts"
BODY = (
    "A short post written under load.\n\nIt has *two* paragraphs and a [link](https://example.com)."
)
_clock: dict[str, float] = {}
_environment: dict[str, Environment] = {}
_ramp_sign_ins: list[StatsEntry] = []


def _lines(variable: str, default: list[str]) -> list[str]:
    path = os.environ.get(variable)
    if not path:
        return default
    return [line.strip() for line in Path(path).read_text().splitlines() if line.strip()]


USERS = _lines("BENCH_USERS_FILE", ["demo_reader"])
SLUGS = _lines("BENCH_SLUGS_FILE", [])
TAGS = _lines("BENCH_TAGS_FILE", [])


class Reader(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.headers: dict[str, str] = {}
        username = random.choice(USERS)  # noqa: S311 (load, not secrets)
        body = {"email": f"{username}@example.com", "password": PASSWORD}
        with self.client.post(
            "/api/v1/auth/login", json=body, name=SIGN_IN, catch_response=True
        ) as response:
            if response.status_code == 200:
                token = response.json()["access_token"]
                self.headers = {"Authorization": f"Bearer {token}"}
            else:
                response.failure(f"sign-in answered {response.status_code}")

    @task(3)
    def list_posts(self) -> None:
        roll = random.random()  # noqa: S311
        if roll < 0.5 or not TAGS:
            page = random.randint(1, 5)  # noqa: S311
            path = f"/api/v1/posts?limit=20&page={page}"
            self.client.get(path, name="GET /posts?page")
        else:
            tag = random.choice(TAGS)  # noqa: S311
            path = f"/api/v1/posts?limit=20&tag={tag}"
            self.client.get(path, name="GET /posts?tag")

    @task(2)
    def read_post(self) -> None:
        if SLUGS:
            slug = random.choice(SLUGS)  # noqa: S311
            self.client.get(f"/api/v1/posts/{slug}", name="GET /posts/{slug}")

    @task(1)
    def write_post(self) -> None:
        if not self.headers:
            return
        tag = random.choice(TAGS) if TAGS else "load"  # noqa: S311
        post = {"title": f"Load {uuid.uuid4().hex[:12]}", "content": BODY, "tags": [tag]}
        self.client.post("/api/v1/posts", json=post, headers=self.headers, name=WRITE)


def _summary(environment: Environment, entries: list[StatsEntry], seconds: float) -> dict[str, Any]:
    total = StatsEntry(environment.stats, "all", "")
    for entry in entries:
        total.extend(entry)
    requests = total.num_requests
    return {
        "requests": requests,
        "failures": total.num_failures,
        "requests_per_second": round(requests / seconds, 1) if seconds else 0.0,
        "error_rate": round(total.num_failures / requests, 4) if requests else 0.0,
        "p50_ms": total.get_response_time_percentile(0.5) if requests else None,
        "p95_ms": total.get_response_time_percentile(0.95) if requests else None,
        "p99_ms": total.get_response_time_percentile(0.99) if requests else None,
    }


@events.test_start.add_listener
def _started(**_kwargs: Any) -> None:
    _clock["start"] = time.monotonic()


@events.spawning_complete.add_listener
def _all_users_started(**_kwargs: Any) -> None:
    """Keep the sign-ins of the ramp: with --reset-stats the runner clears them next."""
    environment = _environment.get("current")
    if environment is None:
        return
    for entry in environment.stats.entries.values():
        if entry.name == SIGN_IN:
            copy = StatsEntry(environment.stats, entry.name, entry.method)
            copy.extend(entry)
            _ramp_sign_ins.append(copy)
    _clock["start"] = time.monotonic()  # the measured window starts with every user running


@events.init.add_listener
def _remember(environment: Environment, **_kwargs: Any) -> None:
    _environment["current"] = environment


@events.test_stop.add_listener
def _stopped(**_kwargs: Any) -> None:
    _clock["stop"] = time.monotonic()


@events.quitting.add_listener
def _write_summary(environment: Environment, **_kwargs: Any) -> None:
    out = os.environ.get("BENCH_LOCUST_OUT")
    if not out:
        return
    seconds = _clock.get("stop", time.monotonic()) - _clock.get("start", time.monotonic())
    entries = list(environment.stats.entries.values())
    groups = {
        "GET": [e for e in entries if e.method == "GET"],
        "write": [e for e in entries if e.name == WRITE],
        "sign-in": [e for e in entries if e.name == SIGN_IN] + _ramp_sign_ins,
    }
    summary = {kind: _summary(environment, group, seconds) for kind, group in groups.items()}
    summary["sign-in"]["requests_per_second"] = None  # one each, mostly during the ramp
    Path(out).write_text(json.dumps({"seconds": round(seconds, 1), **summary}, indent=2))
