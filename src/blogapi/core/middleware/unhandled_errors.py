"""An exception no handler took becomes a logged 500 INTERNAL_ERROR envelope, unless the
response has started (then it is re-raised: the server ends the connection)."""

import structlog
from starlette.types import Message, Receive, Scope, Send

from blogapi.core.errors import internal_error_response
from blogapi.core.middleware.layer import Layer

error_log = structlog.get_logger("blogapi.errors")


class UnhandledErrorMiddleware(Layer):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception:
            error_log.exception("unhandled_error", path=scope.get("path"))
            if response_started:
                raise
            await internal_error_response()(scope, receive, send)
