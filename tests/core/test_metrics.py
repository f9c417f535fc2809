"""GET /metrics: requests by method, route template and status; latency; DB pool in use."""

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import USERS, create_user
from fastapi import FastAPI
from harness import make_settings
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from blogapi.main import create_app


def samples(body: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == name
    ]


async def requests_count(client: httpx.AsyncClient, **labels: str) -> float:
    body = (await client.get("/metrics")).text
    return sum(
        value
        for found, value in samples(body, "http_requests_total")
        if all(found.get(k) == v for k, v in labels.items())
    )


async def test_requests_are_counted_by_route_template_not_by_path(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)
    labels = {"method": "GET", "route": "/api/v1/users/{ref}", "status": "200"}
    before = await requests_count(client, **labels)

    for _ in range(3):
        assert (await client.get(f"{USERS}/{username}")).status_code == 200
    metrics = await client.get("/metrics")

    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert await requests_count(client, **labels) == before + 3
    assert username not in metrics.text
    routes = {found["route"] for found, _ in samples(metrics.text, "http_requests_total")}
    assert "/api/v1/users/{ref}" in routes
    assert f"/api/v1/users/{username}" not in routes


async def test_error_statuses_are_counted_under_their_route(client: httpx.AsyncClient) -> None:
    labels = {"method": "GET", "route": "/api/v1/users/{ref}", "status": "404"}
    before = await requests_count(client, **labels)

    await client.get(f"{USERS}/nobody_here")

    assert await requests_count(client, **labels) == before + 1


async def test_unknown_paths_share_one_label_so_they_cannot_explode_the_series(
    client: httpx.AsyncClient,
) -> None:
    for n in range(3):
        await client.get(f"/no-such-thing-{n}")

    body = (await client.get("/metrics")).text

    assert "no-such-thing" not in body
    assert await requests_count(client, route="<unmatched>", status="404") >= 3


async def test_latency_is_recorded_as_a_histogram_by_route(client: httpx.AsyncClient) -> None:
    await client.get("/health")

    body = (await client.get("/metrics")).text

    counts = samples(body, "http_request_duration_seconds_count")
    assert any(found == {"method": "GET", "route": "/health"} and n >= 1 for found, n in counts)
    assert samples(body, "http_request_duration_seconds_bucket")


@pytest.fixture
async def own_app(database_url: str) -> AsyncIterator[FastAPI]:
    """An app of our own: the pool gauge reads the pool of the app that started last."""
    application = create_app(make_settings(database_url))
    async with LifespanManager(application):
        yield application


async def test_db_pool_connections_in_use_counts_checked_out_connections(
    own_app: FastAPI,
) -> None:
    transport = httpx.ASGITransport(app=own_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        idle = (await client.get("/metrics")).text
        async with own_app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            busy = (await client.get("/metrics")).text

    assert samples(idle, "db_pool_connections_in_use") == [({}, 0.0)]
    assert samples(busy, "db_pool_connections_in_use") == [({}, 1.0)]
    assert samples(busy, "db_pool_size")


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "AUTHENTICATION_REQUIRED"),
        ("Bearer wrong", "INVALID_TOKEN"),
        ("Basic c2NyYXBl", "AUTHENTICATION_REQUIRED"),
    ],
)
async def test_with_a_metrics_token_metrics_need_it(
    database_url: str, authorization: str | None, code: str
) -> None:
    app = create_app(make_settings(database_url, metrics_token="scrape-token-1"))
    headers = {"authorization": authorization} if authorization else {}
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        refused = await client.get("/metrics", headers=headers)
        allowed = await client.get("/metrics", headers={"authorization": "Bearer scrape-token-1"})

    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == code
    assert "http_requests" not in refused.text
    assert allowed.status_code == 200
    assert "http_requests_total" in allowed.text or "# HELP" in allowed.text
