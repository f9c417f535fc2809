"""Pure ASGI middleware, one job per class (no BaseHTTPMiddleware: it costs throughput and
breaks contextvars), each a `Layer` (layer.py).

`main.py` lists them outermost first, as Starlette composes its own. The order matters:
security headers outermost, so even the 413 and the 500 below carry them; the access log next,
so it sees the status that went out; Server-Timing inside it and above compression, so `dur`
covers the compressing; compression above each layer that answers (the 400s, the 413, the
500), so it sees every answer; the request id above the 500 envelope, whose body and
log line carry it; the host check, the NUL check and the body limit below those, so their
400s and 413 have the id and are logged; CORS innermost. The RateLimit headers sit above the
500 envelope too: a 500 carries them as well. The media URL base is bound below all of them,
for the routes alone. The public cache is innermost but one: an entry is what the routes
answered, and every layer above runs for a cached answer as for any other (its own request
id, timing, RateLimit headers, compression, CORS and log line). Load shedding sits below even
that: only a request that reaches the routes takes a slot (a cached answer, a follower of the
cache and a CORS preflight never wait for one), and its 503 gets every layer's headers, CORS's
too, so a browser can read it.
"""

from blogapi.core.middleware.access_log import AccessLogMiddleware
from blogapi.core.middleware.allowed_hosts import AllowedHostsMiddleware
from blogapi.core.middleware.body_limit import BodyLimitMiddleware
from blogapi.core.middleware.compression import CompressionMiddleware
from blogapi.core.middleware.cors import AllowlistCORSMiddleware
from blogapi.core.middleware.load_shedding import LoadSheddingMiddleware
from blogapi.core.middleware.media_urls import MediaUrlsMiddleware
from blogapi.core.middleware.public_cache import PublicCacheMiddleware
from blogapi.core.middleware.rate_limit_headers import RateLimitHeadersMiddleware
from blogapi.core.middleware.request_id import RequestIdMiddleware
from blogapi.core.middleware.request_target import RequestTargetMiddleware
from blogapi.core.middleware.security_headers import SecurityHeadersMiddleware
from blogapi.core.middleware.server_timing import ServerTimingMiddleware
from blogapi.core.middleware.unhandled_errors import UnhandledErrorMiddleware

__all__ = [
    "AccessLogMiddleware",
    "AllowedHostsMiddleware",
    "AllowlistCORSMiddleware",
    "BodyLimitMiddleware",
    "CompressionMiddleware",
    "LoadSheddingMiddleware",
    "MediaUrlsMiddleware",
    "PublicCacheMiddleware",
    "RateLimitHeadersMiddleware",
    "RequestIdMiddleware",
    "RequestTargetMiddleware",
    "SecurityHeadersMiddleware",
    "ServerTimingMiddleware",
    "UnhandledErrorMiddleware",
]
