"""bench/out/report.{md,json} and the PNG charts, and the summary table on the terminal."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wrk import WrkResult


@dataclass
class Scenario:
    name: str
    path: str
    connections_note: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request
    project: dict[str, WrkResult] = field(default_factory=dict)  # "throughput", "latency"
    reference: dict[str, WrkResult] = field(default_factory=dict)
    # Server CPU ms per request over the throughput run: "project", "reference" (their API
    # processes) and "project_db", "reference_db" (PostgreSQL's processes meanwhile).
    cpu_ms: dict[str, float] = field(default_factory=dict)
    skipped: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "skipped": self.skipped,
            "project": {kind: result.as_dict() for kind, result in self.project.items()},
            "reference": {kind: result.as_dict() for kind, result in self.reference.items()},
            "cpu_ms_per_request": self.cpu_ms,
        }


def _ratio(project: float | None, reference: float | None) -> str:
    if not project or not reference:
        return "n/a"
    return f"{project / reference:.2f}"


def _rps(runs: dict[str, WrkResult]) -> float | None:
    run = runs.get("throughput")
    return run.requests_per_second if run else None


def _p(runs: dict[str, WrkResult], name: str) -> float | None:
    run = runs.get("latency")
    return getattr(run, name) if run else None


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def table(scenarios: list[Scenario]) -> list[str]:
    """Markdown table rows: throughput at 64 connections, latency at 16, and the ratios."""
    rows = [
        "| scenario | project req/s | reference req/s | ratio | project p50 / p90 / p99 ms "
        "| reference p50 / p90 / p99 ms | p99 ratio | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scenarios:
        if s.skipped:
            rows.append(f"| {s.name} | skipped: {s.skipped} | | | | | | |")
            continue
        errors = sum(r.errors for r in [*s.project.values(), *s.reference.values()])
        latency = [_p(s.project, n) for n in ("p50_ms", "p90_ms", "p99_ms")]
        reference_latency = [_p(s.reference, n) for n in ("p50_ms", "p90_ms", "p99_ms")]
        rows.append(
            f"| {s.name}{s.connections_note} | {_num(_rps(s.project))} "
            f"| {_num(_rps(s.reference))} | {_ratio(_rps(s.project), _rps(s.reference))} "
            f"| {' / '.join(_ms(v) for v in latency)} "
            f"| {' / '.join(_ms(v) for v in reference_latency) if s.reference else 'n/a'} "
            f"| {_ratio(_p(s.project, 'p99_ms'), _p(s.reference, 'p99_ms'))} | {errors} |"
        )
    return rows


def _cpu(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def cpu_table(scenarios: list[Scenario]) -> list[str]:
    """Markdown table rows: server CPU milliseconds per request (process CPU time / requests
    over the throughput run), which a busy machine disturbs least, and the API's ratio."""
    rows = [
        "| scenario | project API CPU ms/req | reference CPU ms/req | API CPU ratio "
        "| PostgreSQL CPU ms/req (project) | PostgreSQL CPU ms/req (reference) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in scenarios:
        if s.skipped:
            continue
        cpu = s.cpu_ms
        project, reference = cpu.get("project"), cpu.get("reference")
        rows.append(
            f"| {s.name}{s.connections_note} | {_cpu(project)} | {_cpu(reference)} "
            f"| {_ratio(project, reference)} | {_cpu(cpu.get('project_db'))} "
            f"| {_cpu(cpu.get('reference_db'))} |"
        )
    return rows


def charts(scenarios: list[Scenario], out: Path) -> list[Path]:
    """Grouped bars per scenario: throughput, and p99 latency; project vs reference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = [s for s in scenarios if not s.skipped]
    names = [s.name for s in measured]
    written = []
    for filename, title, unit, value in (
        ("throughput.png", "Throughput at 64 connections", "requests/s", _rps),
        ("p99.png", "p99 latency at 16 connections", "ms", lambda r: _p(r, "p99_ms")),
    ):
        figure, axis = plt.subplots(figsize=(11, 5))
        width = 0.4
        for offset, side in ((-width / 2, "project"), (width / 2, "reference")):
            points = [
                (index + offset, number)
                for index, s in enumerate(measured)
                if (number := value(getattr(s, side)))
            ]
            if not points:
                continue
            bars = axis.bar([x for x, _ in points], [y for _, y in points], width, label=side)
            axis.bar_label(bars, fmt="%.0f" if unit == "requests/s" else "%.1f", fontsize=7)
        axis.set_yscale("log")
        positions = range(len(names))
        axis.set_xticks(list(positions), names, rotation=20, ha="right", fontsize=8)
        axis.set_ylabel(f"{unit} (log scale)")
        axis.set_title(f"{title}; a lone bar: no reference server for that scenario")
        axis.legend()
        figure.tight_layout()
        path = out / filename
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written


def write(
    scenarios: list[Scenario], meta: dict[str, Any], out: Path
) -> tuple[list[str], list[Path]]:
    """report.json, report.md and the charts; returns the table rows (throughput and latency,
    then CPU per request) and the chart paths."""
    rows = [*table(scenarios), "", *cpu_table(scenarios)]
    (out / "report.json").write_text(
        json.dumps({**meta, "scenarios": [s.as_dict() for s in scenarios]}, indent=2) + "\n"
    )
    lines = [
        "# Benchmark report",
        "",
        f"- machine: {meta['machine']}",
        f"- command: `{meta['command']}`",
        f"- database: {meta['database']} (seed-demo defaults, seeded in {meta['seed_seconds']} s)",
        f"- runs: warm-up {meta['warmup_seconds']} s, then {meta['run_seconds']} s at 64 "
        f"connections (throughput) and {meta['run_seconds']} s at 16 (latency), wrk -t2",
        f"- identical JSON checked first: {', '.join(meta['compared'])}",
        f"- load average at the end: {meta['load_average_at_end']}; server restarts: "
        f"{meta['server_restarts']}; wall time {meta['wall_seconds']} s",
        "",
        *rows,
        "",
        "ratio = project / reference (throughput: higher is better for the project; "
        "p99 and CPU: lower is better). CPU per request: the processes' user + system time "
        "over the throughput run / its requests; PostgreSQL's is every postgres process on the "
        "machine meanwhile.",
        "",
        "![throughput](throughput.png)",
        "![p99](p99.png)",
        "",
    ]
    (out / "report.md").write_text("\n".join(lines))
    return rows, charts(scenarios, out)
