"""The headers every response leaves with, whatever produced it."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.http_cache import NO_STORE
from blogapi.core.middleware.layer import Layer

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


class SecurityHeadersMiddleware(Layer):
    """nosniff, no referrer, no framing and a CSP on every response; HSTS in production;
    `Cache-Control: no-store` on every response whose route set no cache policy of its own
    (public reads set theirs: `core/http_cache.py`). A route that sets its own CSP keeps it
    (the HTML pages of `pages/`): two policies would both apply, and the API's forbids forms."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        super().__init__(app)
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]
        if hsts:
            common.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        self.common_headers = common
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
                own = message.get("headers", [])
                has_csp = any(key.lower() == b"content-security-policy" for key, _ in own)
                headers = [*own, *(self.common_headers if has_csp else extra)]
                if not any(key.lower() == b"cache-control" for key, _ in headers):
                    headers.append(NO_STORE_HEADER)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
