"""Webhook delivery metrics, on the app's registry (core/metrics.py): deliveries by result,
request latency, and the backlog (set by each pass of the worker)."""

from prometheus_client import Counter, Gauge, Histogram

from blogapi.core.metrics import REGISTRY

DELIVERY_ATTEMPTS = Counter(
    "webhook_delivery_attempts_total",
    "Webhook requests by result: succeeded, or the error class (http_status, timeout...)",
    ["result"],
    registry=REGISTRY,
)
DELIVERY_LATENCY = Histogram(
    "webhook_delivery_duration_seconds",
    "Time from a webhook request's start to its answer (or failure)",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0),
    registry=REGISTRY,
)
DELIVERIES_FINISHED = Counter(
    "webhook_deliveries_total",
    "Webhook deliveries that reached an end: succeeded or dead",
    ["status"],
    registry=REGISTRY,
)
BACKLOG = Gauge(
    "webhook_backlog",
    "Webhook deliveries waiting to be sent (pending, or failed and to be tried again)",
    registry=REGISTRY,
)
