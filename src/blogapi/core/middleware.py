"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs throughput and breaks contextvars).

`RequestContextMiddleware` gives every request an id, renders unexpected errors as a 500
envelope, refuses bodies over the limit (announced or actually read), and writes one
access-log line and the metrics for each request.
"""

import time
from collections.abc import Collection

import structlog
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.context import accept_request_id, bind_request_id
from blogapi.core.errors import error_response, internal_error_response
from blogapi.core.http_cache import NO_STORE
from blogapi.core.metrics import observe_request

access_log = structlog.get_logger("blogapi.access")
error_log = structlog.get_logger("blogapi.errors")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "<unmatched>"


# Room for a multipart body's boundaries, part headers and small fields around the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        access_log_enabled: bool = True,
        upload_paths: Collection[str] = (),
        max_upload_bytes: int = 0,
    ):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.access_log_enabled = access_log_enabled
        # Upload routes take bodies up to their own limit (MAX_UPLOAD_SIZE_MB), not the JSON one.
        self.upload_paths = frozenset(upload_paths)
        self.max_upload_body = max_upload_bytes + MULTIPART_OVERHEAD_BYTES

    def _limit(self, scope: Scope) -> int:
        if scope.get("path") in self.upload_paths:
            return max(self.max_body_bytes, self.max_upload_body)
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(_header(scope, b"x-request-id"))
        bind_request_id(request_id)
        request_id_header = (b"x-request-id", request_id.encode())
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [*message.get("headers", []), request_id_header]
                decision = scope.get("state", {}).get("rate_limit")
                if decision is not None and status != 429:
                    headers += [
                        (k.lower().encode(), v.encode()) for k, v in decision.headers().items()
                    ]
                message["headers"] = headers
            await send(message)

        received = 0
        limit = self._limit(scope)

        async def receive_with_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes through FastAPI's body parsing to our handler.
                    raise HTTPException(413)
            return message

        try:
            if self._announces_too_much(scope, limit):
                status = 413
                response = error_response(413, "PAYLOAD_TOO_LARGE", "Request body too large")
                await response(scope, receive, send_with_id)
            else:
                await self.app(scope, receive_with_limit, send_with_id)
        except Exception:
            error_log.exception("unhandled_error", path=scope.get("path"))
            if response_started:
                raise
            await internal_error_response()(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            observe_request(scope["method"], route, status, elapsed)
            if self.access_log_enabled:
                access_log.info(
                    "request",
                    method=scope["method"],
                    route=route,
                    path=scope.get("path"),
                    status=status,
                    duration_ms=round(elapsed * 1000, 2),
                )

    def _announces_too_much(self, scope: Scope, limit: int) -> bool:
        length = _header(scope, b"content-length")
        return length is not None and length.isdigit() and int(length) > limit


API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI and ReDoc load their scripts, styles and fonts from these hosts.
DOCS_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
NO_STORE_HEADER = (b"cache-control", NO_STORE.encode())


class SecurityHeadersMiddleware:
    """nosniff, no referrer, no framing and a CSP on every response; HSTS in production;
    `Cache-Control: no-store` on every response whose route set no cache policy of its own
    (public reads set theirs: `core/http_cache.py`)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]
        if hsts:
            common.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        self.api_headers = [*common, (b"content-security-policy", API_CSP.encode())]
        self.docs_headers = [*common, (b"content-security-policy", DOCS_CSP.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = self.docs_headers if path.startswith(DOCS_PATHS) else self.api_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *extra]
                if not any(key.lower() == b"cache-control" for key, _ in headers):
                    headers.append(NO_STORE_HEADER)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AllowlistCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, except that an origin not on the list gets no CORS header at all
    (Starlette still sends Allow-Credentials and Expose-Headers), and a refused preflight
    answers in the error envelope."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or self.is_allowed_origin(origin):
            await super().__call__(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            response = error_response(400, "VALIDATION_ERROR", "This origin may not call the API")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
