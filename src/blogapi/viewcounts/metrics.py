"""Prometheus metrics of view counting (served at /metrics with the rest)."""

from prometheus_client import Counter, Histogram

from blogapi.core.metrics import REGISTRY

VIEWS = Counter(
    "post_views_total",
    "Post view beacons by outcome: counted, author, bot",
    ["outcome"],
    registry=REGISTRY,
)
VIEWS_FLUSHED = Counter(
    "post_views_flushed_total", "Views written to the database by flushes", registry=REGISTRY
)
FLUSH_SECONDS = Histogram(
    "post_views_flush_seconds",
    "How long a flush of counted views to the database took",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
