"""X-Request-ID: accept the caller's id (or make one), bind it for logs and error bodies,
and send it back on every response."""

from starlette.types import Message, Receive, Scope, Send

from blogapi.core.context import accept_request_id, bind_request_id
from blogapi.core.http import scope_header
from blogapi.core.middleware.layer import Layer


class RequestIdMiddleware(Layer):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(scope_header(scope, b"x-request-id"))
        bind_request_id(request_id)
        request_id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), request_id_header]
            await send(message)

        await self.app(scope, receive, send_with_id)
