"""One webhook request: the message serialised once, signed, POSTed, and what came of it.

The HTTP client dials through targets.GuardedBackend, so the address actually connected to
is checked (no DNS rebinding). Redirects are not followed: a 3xx is a failure.
"""

import ssl
import time
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpcore
import httpx
import orjson

from blogapi import __version__
from blogapi.core.config import Settings
from blogapi.events.models import Event
from blogapi.webhooks import secrets, targets
from blogapi.webhooks.delivery import EXCERPT_BYTES, Outcome

USER_AGENT = f"BlogAPI-Webhooks/{__version__}"


def message_body(event: Event) -> bytes:
    """`{"type", "timestamp", "data"}`: the bytes that are signed are the bytes sent."""
    timestamp = event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return orjson.dumps({"type": event.type, "timestamp": timestamp, "data": event.data})


def signed_headers(
    signing_secrets: list[str], msg_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": secrets.signature_header(signing_secrets, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool that dials through the SSRF guard."""

    def __init__(self, settings: Settings, max_connections: int = 100) -> None:
        super().__init__(retries=0)
        # httpx takes no network backend; its pool is replaced by one that has ours (httpx
        # maps the pool's errors as it does its own).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            network_backend=targets.GuardedBackend(settings),
        )


def make_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=GuardedTransport(settings),
        follow_redirects=False,
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        trust_env=False,
    )


def _retry_after(response: httpx.Response) -> float | None:
    if response.status_code not in (429, 503):
        return None
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


def error_class(error: Exception) -> str:
    """timeout | connect | dns | tls | blocked_target, for the log."""
    if isinstance(error, targets.BlockedTarget | httpx.InvalidURL):
        return "blocked_target"
    if isinstance(error, targets.UnresolvableHost):
        return "dns"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return "tls"
        cause = cause.__cause__ or cause.__context__
    return "connect"


async def post(
    client: httpx.AsyncClient, settings: Settings, url: str, headers: dict[str, str], body: bytes
) -> Outcome:
    """POST the message; never raises for what the receiver or the network did."""
    started = time.perf_counter()
    try:
        # The URL's own rules again (they may have changed since it was saved); then the
        # guarded backend checks the addresses it dials.
        targets.parse_target(settings, url)
        async with client.stream("POST", url, content=body, headers=headers) as response:
            excerpt = b""
            async for chunk in response.aiter_raw():
                excerpt += chunk
                if len(excerpt) >= EXCERPT_BYTES:
                    break
    except (
        httpx.HTTPError,
        httpx.InvalidURL,
        targets.BlockedTarget,
        targets.UnresolvableHost,
    ) as error:
        elapsed = int((time.perf_counter() - started) * 1000)
        return Outcome(None, elapsed, error_class(error), excerpt=str(error)[:EXCERPT_BYTES])
    elapsed = int((time.perf_counter() - started) * 1000)
    text = excerpt[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    ok = 200 <= response.status_code < 300
    return Outcome(
        response.status_code,
        elapsed,
        None if ok else "http_status",
        excerpt=text,
        retry_after=_retry_after(response),
    )
