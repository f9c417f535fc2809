"""`Server-Timing: app;dur=<ms>` on every response (the W3C form of the X-Process-Time the
design first asked for; browsers' developer tools show it).

`dur` runs from the request reaching this layer to its response headers leaving it, in
milliseconds with one decimal: everything the server did before the first byte, routing,
the handler, the database and the compression of the body included (the compression layer
below holds the headers until the body is compressed). What a streamed body costs after its
headers is in the access log's `duration_ms`, not here.
"""

import time

from starlette.types import Message, Receive, Scope, Send

from blogapi.core.middleware.layer import Layer


class ServerTimingMiddleware(Layer):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed_ms = (time.perf_counter() - started) * 1000
                timing = (b"server-timing", b"app;dur=%.1f" % elapsed_ms)
                message["headers"] = [*message.get("headers", []), timing]
            await send(message)

        await self.app(scope, receive, send_with_timing)
