"""/metrics shows webhook deliveries by result, their latency, and the backlog."""

import httpx
from factories import signed_in
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer

from blogapi.core.config import Role

from .receivers import create_webhook, deliver, record_event


def _value(body: str, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


async def test_deliveries_by_result_latency_and_backlog(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/ok").respond_with_data("ok")
    receiver.expect_request("/down").respond_with_data("no", status=500)
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_webhook(client, admin, receiver.url_for("/ok"))
    await create_webhook(client, admin, receiver.url_for("/down"))
    before = (await client.get("/metrics")).text

    await record_event(app, "post.published")
    await deliver(app)
    after = (await client.get("/metrics")).text

    attempts = "webhook_delivery_attempts_total"
    for result in ("succeeded", "http_status"):
        assert _value(after, attempts, result=result) == _value(before, attempts, result=result) + 1
    assert _value(after, "webhook_delivery_attempts_total", result="timeout") == _value(
        before, "webhook_delivery_attempts_total", result="timeout"
    )
    latency = "webhook_delivery_duration_seconds_count"
    assert _value(after, latency) == _value(before, latency) + 2
    assert _value(after, "webhook_backlog") == 1  # the failed one waits for its retry
    finished = "webhook_deliveries_total"
    assert (
        _value(after, finished, status="succeeded")
        == _value(before, finished, status="succeeded") + 1
    )
