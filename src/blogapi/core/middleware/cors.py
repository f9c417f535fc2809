"""CORS for the origins on the allow-list only."""

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from blogapi.core.errors import error_response


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
            response = error_response(
                400, "VALIDATION_ERROR", "This origin may not call the API", scope=scope
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
