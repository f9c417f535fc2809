"""400 VALIDATION_ERROR for a Host header not in ALLOWED_HOSTS.

Starlette's TrustedHostMiddleware makes the same check with the same patterns (exact names
and `*.example.com`) but answers in plain text; this one answers in the error envelope. The
probes and the scrape (`/health`, `/health/ready`, `/metrics`) are exempt: kubelet and
Prometheus address pods by IP, and those routes build no links.
"""

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from blogapi.core.errors import ErrorDetail, error_response
from blogapi.core.http import scope_header
from blogapi.core.middleware.layer import Layer

EXEMPT_PATHS = frozenset({"/health", "/health/ready", "/metrics"})


def host_name(header: str | None) -> str | None:
    """The host of a Host header, lower case, without the port (`[::1]:80` gives `::1`)."""
    if not header:
        return None
    host = header.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else None
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, patterns: Sequence[str]) -> bool:
    return any(
        host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:]))
        for pattern in patterns
    )


class AllowedHostsMiddleware(Layer):
    def __init__(self, app: ASGIApp, *, allowed_hosts: Sequence[str]) -> None:
        super().__init__(app)
        self.patterns = [pattern.lower() for pattern in allowed_hosts]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        host = host_name(scope_header(scope, b"host"))
        if host is None or not host_allowed(host, self.patterns):
            detail = ErrorDetail(field="Host", message="This host is not served here")
            response = error_response(
                400, "VALIDATION_ERROR", "Invalid request data", [detail], scope=scope
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
