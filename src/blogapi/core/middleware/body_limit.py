"""413 PAYLOAD_TOO_LARGE for a body over the limit: announced by Content-Length (refused
before the app runs) or actually read (refused while it arrives)."""

from collections.abc import Collection

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.errors import error_response
from blogapi.core.http import scope_header
from blogapi.core.middleware.layer import Layer

# Room for a multipart body's boundaries, part headers and small fields around the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class BodyLimitMiddleware(Layer):
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        upload_paths: Collection[str] = (),
        max_upload_bytes: int = 0,
    ) -> None:
        super().__init__(app)
        self.max_body_bytes = max_body_bytes
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
        limit = self._limit(scope)
        length = scope_header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            response = error_response(413, "PAYLOAD_TOO_LARGE", "Request body too large")
            await response(scope, receive, send)
            return
        received = 0

        async def receive_with_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes through FastAPI's body parsing to our handler.
                    raise HTTPException(413)
            return message

        await self.app(scope, receive_with_limit, send)
