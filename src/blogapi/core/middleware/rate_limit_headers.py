"""The RateLimit and RateLimit-Policy headers of the limit a request counted against.

The rate-limit dependency stores its decision in `scope["state"]["rate_limit"]`; a 429
carries them already (`too_many` in core/ratelimit.py), every other response gets them here.
"""

from starlette.types import Message, Receive, Scope, Send

from blogapi.core.middleware.layer import Layer


class RateLimitHeadersMiddleware(Layer):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = scope.get("state", {}).get("rate_limit")
                if decision is not None and message["status"] != 429:
                    message["headers"] = [
                        *message.get("headers", []),
                        *((k.lower().encode(), v.encode()) for k, v in decision.headers().items()),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_limits)
