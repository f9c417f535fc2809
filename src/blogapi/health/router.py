"""Liveness, readiness and Prometheus metrics."""

import asyncio
import hmac
from datetime import UTC, datetime
from typing import Literal

import structlog
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from blogapi import __version__
from blogapi.core.db import ping
from blogapi.core.errors import InvalidToken, Unauthorized
from blogapi.core.lifecycle import is_draining
from blogapi.core.metrics import OUTBOX_BACKLOG, render_metrics
from blogapi.core.responses import json_response
from blogapi.mail import service as mail_service
from blogapi.webhooks import metrics as webhooks_metrics
from blogapi.webhooks import queries as webhooks_queries

log = structlog.get_logger("blogapi.health")

router = APIRouter(tags=["service"])

CHECK_TIMEOUT_SECONDS = 1.0


class Health(BaseModel):
    status: Literal["healthy"]
    version: str
    timestamp: str


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, str]


@router.get("/health", response_model=Health)
async def health() -> Response:
    """Liveness: the process answers. Touches no dependency."""
    # Probes call this all day: the document goes out as is, without a model to validate.
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return json_response({"status": "healthy", "version": __version__, "timestamp": now})


async def _check_database(request: Request) -> None:
    await ping(request.app.state.engine)


async def _check_redis(request: Request) -> None:
    await request.app.state.redis.ping()


@router.get("/health/ready", responses={503: {"model": Readiness}})
async def ready(request: Request, response: Response) -> Readiness:
    """Readiness: the database (and Redis, when configured) answer within a second."""
    if is_draining():
        response.status_code = 503
        return Readiness(status="unavailable", checks={"shutdown": "draining"})
    checks = {"database": _check_database}
    if getattr(request.app.state, "redis", None) is not None:
        checks["redis"] = _check_redis
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(request), CHECK_TIMEOUT_SECONDS)
            results[name] = "ok"
        except Exception as exc:  # any failure means not ready; the name says which
            results[name] = f"failed: {type(exc).__name__}"
    ok = all(value == "ok" for value in results.values())
    response.status_code = 200 if ok else 503
    return Readiness(status="ready" if ok else "unavailable", checks=results)


def _check_scraper(request: Request) -> None:
    """With METRICS_TOKEN set, /metrics is the scraper's alone (Authorization: Bearer)."""
    token: str | None = request.app.state.settings.metrics_token
    if token is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise Unauthorized("Send the metrics token as a bearer token")
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise InvalidToken("Invalid metrics token")


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus exposition; the outbox and webhook backlogs are counted now (skipped if the
    DB is away)."""
    _check_scraper(request)
    try:
        async with request.app.state.sessionmaker() as session:
            backlog = await asyncio.wait_for(mail_service.backlog(session), CHECK_TIMEOUT_SECONDS)
            hooks = await asyncio.wait_for(webhooks_queries.backlog(session), CHECK_TIMEOUT_SECONDS)
        OUTBOX_BACKLOG.set(backlog)
        webhooks_metrics.BACKLOG.set(hooks)
    except Exception as error:  # metrics must render even when the database does not answer
        log.warning("outbox_backlog_unavailable", error=type(error).__name__)
    body, content_type = render_metrics()
    return Response(body, media_type=content_type)
