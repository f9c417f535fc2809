"""400 VALIDATION_ERROR for a request whose path or query holds a NUL byte (`%00`).

No handler could use one: PostgreSQL refuses NUL in text, and SQLite would silently cut the
value at it (`/tags/a%00b` finding the tag `a`). Refused before routing, whatever the route.
"""

from starlette.types import Receive, Scope, Send

from blogapi.core.errors import ErrorDetail, error_response
from blogapi.core.middleware.layer import Layer


def _holds_nul(scope: Scope) -> str | None:
    """Which part of the request target holds a NUL, if any."""
    if "\x00" in scope.get("path", ""):
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query:
        return "query"
    return None


class RequestTargetMiddleware(Layer):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (part := _holds_nul(scope)) is not None:
            detail = ErrorDetail(field=part, message="must not contain a NUL character (%00)")
            response = error_response(
                400, "VALIDATION_ERROR", "Invalid request data", [detail], scope=scope
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
