"""Helpers of the webhook tests: endpoints made over HTTP, one pass of the worker, and the
independent `standardwebhooks` package checking what receivers got."""

import uuid
from typing import Any

import httpx
from factories import Account
from fastapi import FastAPI
from harness import make_settings
from standardwebhooks import Webhook
from werkzeug import Request

from blogapi.core.config import Settings
from blogapi.events import service as events_service
from blogapi.webhooks import worker

WEBHOOKS = "/api/v1/webhooks"
RECEIVER_HOSTS = ["127.0.0.1", "localhost"]


async def create_webhook(
    client: httpx.AsyncClient,
    admin: Account,
    url: str,
    events: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body = {"url": url, "events": events or ["*"], **extra}
    response = await client.post(WEBHOOKS, json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def record_event(app: FastAPI, type_: str, data: dict[str, Any] | None = None) -> str:
    """An event written as the domains write theirs; its id."""
    async with app.state.sessionmaker() as session:
        event = await events_service.record(
            session,
            type_,
            data or {"post": {"id": str(uuid.uuid4()), "slug": "a"}},
            subject_id=None,
        )
        await session.commit()
        return str(event.id)


def worker_settings(app: FastAPI, **overrides: object) -> Settings:
    settings: Settings = app.state.settings
    values = {"webhook_allowed_private_hosts": RECEIVER_HOSTS, **overrides}
    return make_settings(settings.database_url, **values)


async def deliver(app: FastAPI, settings: Settings | None = None) -> int:
    """One pass of the worker: fan new events out, send what is due; how many were tried."""
    return await worker.run_once(app.state.sessionmaker, settings or worker_settings(app))


def verify(request: Request, secret: str) -> dict[str, Any]:
    """The message, verified as a receiver would with the standardwebhooks package."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    payload: dict[str, Any] = Webhook(secret).verify(request.get_data(), headers)
    return payload
