"""Check deploy/observability offline: `python scripts/validate_observability.py` (`make lint`).

The Grafana dashboard must be JSON whose panels have titles and PromQL targets, covering
traffic, latency, the DB pool, the outbox and rate limits; the Prometheus rule file must be
YAML whose rules have expr, for, a severity label and annotations. Every metric either uses
must be one the application defines (a quoted name in src/blogapi), or `up` and
`probe_success`, which Prometheus and the blackbox exporter provide. PromQL syntax itself is
not checked here (`promtool check rules` does, where Prometheus is installed).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OBSERVABILITY = ROOT / "deploy" / "observability"
DASHBOARD = OBSERVABILITY / "grafana-dashboard.json"
RULES = OBSERVABILITY / "prometheus-rules.yaml"
FROM_PROMETHEUS = {"up", "probe_success"}
PROMQL_WORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}
DASHBOARD_METRICS = {
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "db_pool_connections_in_use",
    "outbox_backlog",
    "rate_limit_rejections_total",
}
REQUIRED_ALERTS = {"http_requests_total", "http_request_duration_seconds_bucket"}
REQUIRED_ALERTS |= {"outbox_backlog", "up"}

problems: list[str] = []


def exported_metrics() -> set[str]:
    """Metric names the application defines (quoted strings in its source)."""
    names: set[str] = set()
    for source in (ROOT / "src" / "blogapi").rglob("*.py"):
        names |= set(re.findall(r"\"([a-z_][a-z0-9_]*)\"", source.read_text()))
    return names


def metrics_in(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers that are not functions, labels
    (inside `by (...)` and `{...}`), durations (`[...]`), strings or keywords."""
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    expr = re.sub(r"\{[^}]*\}|\"[^\"]*\"|\[[^\]]*\]", " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.$])([A-Za-z_:][\w:]*)\b(\s*\()?", expr):
        if match.group(2) is None and match.group(1) not in PROMQL_WORDS:
            names.add(match.group(1))
    return names


def base_metric(name: str) -> str:
    return re.sub(r"_(bucket|sum|count)$", "", name)


def check_dashboard() -> set[str]:
    where = DASHBOARD.relative_to(ROOT)
    dashboard = json.loads(DASHBOARD.read_text())
    used: set[str] = set()
    panels = [panel for panel in dashboard.get("panels", []) if panel.get("type") != "row"]
    for panel in panels:
        targets = panel.get("targets", [])
        if not panel.get("title") or not targets or any("expr" not in t for t in targets):
            problems.append(f"{where}: panel {panel.get('id')} needs a title and PromQL targets")
        for target in targets:
            used |= metrics_in(target.get("expr", ""))
    for metric in sorted(DASHBOARD_METRICS - used):
        problems.append(f"{where}: no panel uses {metric}")
    print(f"ok {where}: {len(panels)} panels")
    return used


def check_rules() -> set[str]:
    where = RULES.relative_to(ROOT)
    with RULES.open() as file:
        rules = yaml.safe_load(file)
    used: set[str] = set()
    alerts = [rule for group in rules.get("groups", []) for rule in group.get("rules", [])]
    for rule in alerts:
        name = rule.get("alert")
        if not {"alert", "expr", "for", "labels", "annotations"} <= set(rule):
            problems.append(f"{where}: {name}: needs alert, expr, for, labels and annotations")
        if "severity" not in rule.get("labels", {}):
            problems.append(f"{where}: {name}: needs a severity label")
        used |= metrics_in(str(rule.get("expr", "")))
    for metric in sorted(REQUIRED_ALERTS - used):
        problems.append(f"{where}: no alert uses {metric}")
    print(f"ok {where}: {len(alerts)} alerts")
    return used


def main() -> int:
    used = check_dashboard() | check_rules()
    known = exported_metrics() | FROM_PROMETHEUS
    for metric in sorted(used):
        if metric not in known and base_metric(metric) not in known:
            problems.append(f"deploy/observability: {metric} is not a metric the app exports")
    for message in problems:
        print(f"ERROR {message}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
