"""Prometheus metrics: requests by method, route template and status; latency; DB pool."""

import functools
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by method, route template and status",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


RATE_LIMIT_REJECTIONS = Counter(
    "rate_limit_rejections_total",
    "Requests refused with 429, by rate-limit policy",
    ["policy"],
    registry=REGISTRY,
)
REQUESTS_SHED = Counter(
    "requests_shed_total",
    "Requests refused with 503 by load shedding: queue_full or queue_timeout",
    ["reason"],
    registry=REGISTRY,
)
PUBLISH_LAG = Histogram(
    "publish_lag_seconds",
    "From a scheduled post's published_at to its announcement by the worker",
    buckets=(0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 900),
    registry=REGISTRY,
)
POSTS_ANNOUNCED = Counter(
    "posts_announced_total",
    "post.published events recorded: at once (now) or by the announcer (due)",
    ["path"],
    registry=REGISTRY,
)
OUTBOX_BACKLOG = Gauge(
    "outbox_backlog",
    "Emails queued but not yet sent (read when /metrics is scraped)",
    registry=REGISTRY,
)


class PoolCollector(Collector):
    """Reads the connection pool at scrape time, so nothing is counted on the hot path."""

    def __init__(self) -> None:
        self.read_pool: Callable[[], tuple[int, int]] | None = None

    def collect(self) -> Iterable[GaugeMetricFamily]:
        if self.read_pool is None:
            return
        in_use, size = self.read_pool()
        yield GaugeMetricFamily("db_pool_connections_in_use", "DB connections checked out", in_use)
        yield GaugeMetricFamily("db_pool_size", "DB connections held by the pool", size)


POOL = PoolCollector()
REGISTRY.register(POOL)


@functools.lru_cache(maxsize=1024)
def _series(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    """The labelled children, looked up once (`labels()` validates and locks on every call)."""
    return REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    requests, latency = _series(method, route, status)
    requests.inc()
    latency.observe(seconds)


def render_metrics() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
