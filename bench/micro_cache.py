"""The micro-cache scenarios of `make bench` (PUBLIC_CACHE_SECONDS). Every other scenario
measures the query path, with the cache off; these show what it buys: a post detail cycling
through 1,000 distinct slugs with it off, then on a second project server with it on
(default 1 s) that same cycle and the hot front page, which the cache answers once a second
per process."""

from collections.abc import Callable
from pathlib import Path

import report
from servers import Server, start_project
from wrk import WrkResult

FRONT_PAGE = "/api/v1/posts?limit=20"
SLUG_PREFIX = "/api/v1/posts/"
CACHE_ON = {"PUBLIC_CACHE_SECONDS": "1"}

# run.Bench.measure: a scenario's runs on a server, with a wrk script and its arguments.
Measure = Callable[..., dict[str, WrkResult]]


def run(
    measure: Measure,
    project: Server,
    database_url: str,
    port: int,
    out: Path,
    slugs: list[str],
    servers: list[Server],
) -> list[report.Scenario]:
    """The three scenarios, measured; the cached server joins `servers` (stopped with them)."""
    first = f"/api/v1/posts/{slugs[0]}"
    distinct = report.Scenario(f"{len(slugs):,} distinct slugs", first)
    distinct.project = measure(project, distinct, script="cycle.lua", args=[SLUG_PREFIX, *slugs])
    cached = start_project(database_url, port, out, name="project-cached", settings=CACHE_ON)
    servers.append(cached)
    hot = report.Scenario("hot front page, cache on", FRONT_PAGE)
    hot.project = measure(cached, hot)
    spread = report.Scenario(f"{len(slugs):,} distinct slugs, cache on", first)
    spread.project = measure(cached, spread, script="cycle.lua", args=[SLUG_PREFIX, *slugs])
    return [distinct, hot, spread]
