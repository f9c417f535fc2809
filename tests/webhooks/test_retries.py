"""Failed deliveries are retried on the schedule (clock frozen with time-machine), with the
same webhook-id; 3xx fails, 410 disables, Retry-After and timeouts are respected; a delivery
dies after the schedule; five days of nothing but failures disable the endpoint."""

import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import time_machine
from factories import emails_to, signed_in
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from blogapi.core.config import Role
from blogapi.core.db import utcnow
from blogapi.webhooks import queries
from blogapi.webhooks.delivery import RETRY_DELAYS, Outcome, retry_delay
from blogapi.webhooks.models import WebhookDelivery, WebhookEndpoint

from .receivers import WEBHOOKS, create_webhook, deliver, record_event, worker_settings


class Script:
    """A receiver answering from a script of statuses (then 200), noting each webhook-id."""

    def __init__(self, *answers: int | Response) -> None:
        self.answers = list(answers)
        self.ids: list[str] = []

    def __call__(self, request: Request) -> Response:
        self.ids.append(request.headers["webhook-id"])
        answer = self.answers.pop(0) if self.answers else 200
        return answer if isinstance(answer, Response) else Response("no", status=answer)


async def _deliveries(client: httpx.AsyncClient, admin: Any, endpoint: dict[str, Any]) -> list[Any]:
    response = await client.get(f"{WEBHOOKS}/{endpoint['id']}/deliveries", headers=admin.headers)
    assert response.status_code == 200, response.text
    data: list[Any] = response.json()["data"]
    return data


async def _attempts(client: httpx.AsyncClient, admin: Any, endpoint: dict[str, Any]) -> list[Any]:
    [delivery] = await _deliveries(client, admin, endpoint)
    path = f"{WEBHOOKS}/{endpoint['id']}/deliveries/{delivery['id']}"
    attempts: list[Any] = (await client.get(path, headers=admin.headers)).json()["attempts_log"]
    return attempts


async def _stored_endpoint(app: FastAPI, endpoint: dict[str, Any]) -> WebhookEndpoint:
    """Read from the database (an access token does not outlive days of frozen-clock travel)."""
    async with app.state.sessionmaker() as session:
        stored = await queries.get_endpoint(session, uuid.UUID(endpoint["id"]))
    assert stored is not None
    return stored


async def _stored_deliveries(app: FastAPI, endpoint: dict[str, Any]) -> list[WebhookDelivery]:
    async with app.state.sessionmaker() as session:
        rows, _ = await queries.list_deliveries(
            session, uuid.UUID(endpoint["id"]), status=None, event_type=None, before=None, limit=50
        )
    return list(rows)


async def _setup(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer, script: Script
) -> tuple[Any, dict[str, Any]]:
    receiver.expect_request("/hook").respond_with_handler(script)
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/hook"))
    await record_event(app, "post.published")
    return admin, endpoint


def test_the_schedule_has_jitter_and_an_end() -> None:
    failure = Outcome(500, 1, "http_status")

    delays = [retry_delay(n, failure) for n in range(1, len(RETRY_DELAYS) + 2)]

    for delay, nominal in zip(delays, RETRY_DELAYS, strict=False):
        assert delay is not None
        assert nominal * 0.8 <= delay <= nominal * 1.2
    assert delays[-1] is None  # the tenth attempt was the last
    assert retry_delay(1, Outcome(429, 1, "http_status", retry_after=10**9)) == 86_400


async def test_a_receiver_failing_three_times_gets_the_fourth_with_the_same_id(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    script = Script(500, 502, 301)
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        admin, endpoint = await _setup(app, client, receiver, script)
        await deliver(app)
        clock.shift(3.9)  # under 5 s less 20 %: not yet
        early = await deliver(app)
        for wait in (6, 361, 2161):
            clock.shift(wait)
            await deliver(app)

    assert early == 0
    assert len(script.ids) == 4
    assert len(set(script.ids)) == 1
    attempts = await _attempts(client, admin, endpoint)
    assert [a["http_status"] for a in attempts] == [500, 502, 301, 200]
    assert [a["error_class"] for a in attempts] == ["http_status"] * 3 + [None]
    [delivery] = await _deliveries(client, admin, endpoint)
    assert delivery["status"] == "succeeded"
    assert delivery["attempts"] == 4


async def test_a_redirect_is_a_failure_and_is_not_followed(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    moved = Response("", status=301, headers={"Location": "/elsewhere"})
    receiver.expect_request("/elsewhere").respond_with_data("ok")
    admin, endpoint = await _setup(app, client, receiver, Script(moved))

    await deliver(app)

    assert [r.path for r, _ in receiver.log] == ["/hook"]
    [delivery] = await _deliveries(client, admin, endpoint)
    assert delivery["status"] == "failed"
    assert delivery["next_attempt_at"] is not None


async def test_410_disables_the_endpoint_and_nothing_more_is_sent(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    script = Script(410)
    admin, endpoint = await _setup(app, client, receiver, script)

    await deliver(app)
    await record_event(app, "post.published")
    with time_machine.travel(utcnow() + timedelta(hours=1)):
        await deliver(app)

    read = (await client.get(f"{WEBHOOKS}/{endpoint['id']}", headers=admin.headers)).json()
    assert read["enabled"] is False
    assert "410" in read["disabled_reason"]
    assert len(script.ids) == 1


@pytest.mark.parametrize(
    ("status", "retry_after", "wait"), [(429, "120", 120), (503, "999999", 86_400)]
)
async def test_retry_after_is_honoured_and_capped(
    app: FastAPI,
    client: httpx.AsyncClient,
    receiver: HTTPServer,
    status: int,
    retry_after: str,
    wait: int,
) -> None:
    script = Script(Response("busy", status=status, headers={"Retry-After": retry_after}))
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        await _setup(app, client, receiver, script)
        await deliver(app)
        clock.shift(wait - 2)
        early = await deliver(app)
        clock.shift(3)
        due = await deliver(app)

    assert (early, due) == (0, 1)
    assert len(script.ids) == 2


async def test_a_receiver_too_slow_is_a_timeout(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    def slow(_request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    receiver.expect_request("/hook").respond_with_handler(slow)
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/hook"))
    await record_event(app, "post.published")

    await deliver(app, worker_settings(app, webhook_timeout_seconds=0.3))

    [attempt] = await _attempts(client, admin, endpoint)
    assert attempt["error_class"] == "timeout"
    assert attempt["http_status"] is None


async def test_nothing_listening_is_a_connect_error(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    url = receiver.url_for("/hook")
    receiver.stop()
    endpoint = await create_webhook(client, admin, url)
    await record_event(app, "post.published")

    await deliver(app)
    receiver.start()

    [attempt] = await _attempts(client, admin, endpoint)
    assert attempt["error_class"] == "connect"


async def _fail_until(clock: Any, app: FastAPI, until: datetime, step: float) -> int:
    tried = 0
    while utcnow() < until:
        clock.shift(step)
        tried += await deliver(app)
    return tried


async def test_a_delivery_dies_after_the_schedule_and_five_days_of_failures_disable(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    script = Script(*[500] * 100)
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        admin, endpoint = await _setup(app, client, receiver, script)
        await deliver(app)
        await _fail_until(clock, app, start + timedelta(days=4), 3600)
        [dead] = await _stored_deliveries(app, endpoint)
        still = await _stored_endpoint(app, endpoint)
        await record_event(app, "post.published")  # failing on, past five days
        await _fail_until(clock, app, start + timedelta(days=6, hours=12), 3600)

    assert dead.status == "dead"
    assert dead.attempts == 10
    assert still.enabled is True  # many misses, but not five days of them
    read = (await client.get(f"{WEBHOOKS}/{endpoint['id']}", headers=admin.headers)).json()
    assert read["enabled"] is False
    assert "5 days" in read["disabled_reason"]
    [email] = [e for e in await emails_to(app, admin.email) if e.kind == "webhook_disabled"]
    assert email.subject == "A webhook endpoint was disabled"


async def test_a_success_resets_the_five_day_clock(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    script = Script(*[500] * 5)
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        admin, endpoint = await _setup(app, client, receiver, script)
        await deliver(app)
        await _fail_until(clock, app, start + timedelta(days=3), 3600)  # the 6th attempt passes
        script.answers = [500] * 100
        await record_event(app, "post.published")
        await _fail_until(clock, app, start + timedelta(days=6), 3600)

    read = (await client.get(f"{WEBHOOKS}/{endpoint['id']}", headers=admin.headers)).json()
    assert read["enabled"] is True
    assert read["failing_since"] is not None
