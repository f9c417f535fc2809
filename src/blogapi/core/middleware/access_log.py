"""One access-log line (unless ACCESS_LOG=false) and the request metrics for each request,
by route template, with the status that went out, and the account that made it when the
request was signed in (`user_id`, left in the request state by the auth dependency)."""

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.metrics import observe_request
from blogapi.core.middleware.layer import Layer

access_log = structlog.get_logger("blogapi.access")


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "<unmatched>"


class AccessLogMiddleware(Layer):
    def __init__(self, app: ASGIApp, *, enabled: bool = True) -> None:
        super().__init__(app)
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when nothing was sent

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            observe_request(scope["method"], route, status, elapsed)
            if self.enabled:
                signed_in = scope.get("state", {}).get("user_id")
                access_log.info(
                    "request",
                    method=scope["method"],
                    route=route,
                    path=scope.get("path"),
                    status=status,
                    duration_ms=round(elapsed * 1000, 2),
                    **({"user_id": str(signed_in)} if signed_in is not None else {}),
                )
