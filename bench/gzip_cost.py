"""The gzip scenarios of `make bench`: what compressing costs the project in CPU per request
and saves in bytes, on a page of posts and on the OpenAPI document, each measured as sent
(wrk's `-H 'Accept-Encoding: gzip'`) and as identity, the same way as every other scenario."""

from typing import Any

import report
from servers import Server, request

GZIP = {"Accept-Encoding": "gzip"}
LIST = "list posts page 1"  # run.py's own scenario: the identity side of the first pair
PAIRS = [(LIST, f"{LIST}, gzip"), ("OpenAPI document", "OpenAPI document, gzip")]


def scenarios(list_path: str) -> list[report.Scenario]:
    """The project-only scenarios these pairs need besides run.py's list page."""
    return [
        report.Scenario(f"{LIST}, gzip", list_path, headers=GZIP),
        report.Scenario("OpenAPI document", "/openapi.json"),
        report.Scenario("OpenAPI document, gzip", "/openapi.json", headers=GZIP),
    ]


def summary(project: Server, plan: list[report.Scenario]) -> tuple[list[str], list[dict[str, Any]]]:
    """A Markdown table (and its rows as data): bytes on the wire, throughput at 64
    connections and the server's CPU per request, identity against gzip."""
    by_name = {scenario.name: scenario for scenario in plan}
    rows = [
        "| response | bytes sent | req/s @64 | server CPU ms / request |",
        "|---|---:|---:|---:|",
    ]
    data: list[dict[str, Any]] = []
    for pair in PAIRS:
        for name in pair:
            scenario = by_name[name]
            run = scenario.project.get("throughput")
            cpu_ms = scenario.cpu_ms.get("project")
            if scenario.skipped or run is None or cpu_ms is None:
                rows.append(f"| {name} | skipped: {scenario.skipped} | | |")
                continue
            _, body = request("GET", project.base_url + scenario.path, headers=scenario.headers)
            data.append(
                {
                    "name": name,
                    "bytes": len(body),
                    "requests_per_second": run.requests_per_second,
                    "cpu_ms_per_request": cpu_ms,
                }
            )
            rows.append(
                f"| {name} | {len(body):,} | {run.requests_per_second:,.0f} | {cpu_ms:.3f} |"
            )
    return rows, data
