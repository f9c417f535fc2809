"""Pure ASGI middleware, one job per class (no BaseHTTPMiddleware: it costs throughput and
breaks contextvars). Each passes non-HTTP scopes through and wraps `send` or `receive` only
when its job needs to.

`main.py` lists them outermost first, as Starlette composes its own; the order they need:
security headers outermost (the 413 and 500 below carry them too), then the access log (it
sees every final status), rate-limit headers, request id (bound before anything logs or
renders an error), the 500 envelope, the body limit, and CORS innermost.
"""

from blogapi.core.middleware.access_log import AccessLogMiddleware
from blogapi.core.middleware.body_limit import BodyLimitMiddleware
from blogapi.core.middleware.cors import AllowlistCORSMiddleware
from blogapi.core.middleware.rate_limit_headers import RateLimitHeadersMiddleware
from blogapi.core.middleware.request_id import RequestIdMiddleware
from blogapi.core.middleware.security_headers import SecurityHeadersMiddleware
from blogapi.core.middleware.unhandled_errors import UnhandledErrorMiddleware

__all__ = [
    "AccessLogMiddleware",
    "AllowlistCORSMiddleware",
    "BodyLimitMiddleware",
    "RateLimitHeadersMiddleware",
    "RequestIdMiddleware",
    "SecurityHeadersMiddleware",
    "UnhandledErrorMiddleware",
]
