"""gzip for a response of 1 KiB or more when the client accepts it; `Vary: Accept-Encoding`
on every response that could have been compressed.

Starlette's GZipMiddleware does the compressing the same way (one `zlib` call for a whole
body, a stream for a streamed one), but compresses every type not on an exclusion list, says
Vary only when it compressed, keeps the identity body's strong ETag on the gzip bytes, takes
`gzip;q=0` for a yes and compresses at level 9. Here:

- only the types of COMPRESSIBLE (JSON, HTML, text, XML, feeds): media is compressed already;
- never a response that says `Cache-Control: no-transform`: the answers that carry tokens or
  secrets (BREACH), marked by their route with `core/http_cache.CarriesSecrets`;
- a gzip body's ETag is the identity one with `-gzip` inside the quotes (Apache's choice),
  still strong and different, as RFC 9110 8.8.3 asks; `core/http_cache` reads it as the
  identity tag, and a 304 names the copy the client holds;
- level 1: it compresses a 17 KB page of posts to 31 % in 0.1 ms, where level 6 gets 29 %
  for twice the CPU (docs/performance.md).
"""

import asyncio
import functools
import zlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.http import scope_header
from blogapi.core.http_cache import GZIP_TAG_SUFFIX
from blogapi.core.middleware.layer import Layer

MINIMUM_SIZE = 1024
LEVEL = 1
# Past this a body takes over a millisecond to compress: off the event loop, in a thread.
THREAD_MINIMUM_SIZE = 256 * 1024
GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer around the deflate stream
COMPRESSIBLE = frozenset(
    {
        b"application/json",
        b"application/problem+json",
        b"application/feed+json",
        b"application/rss+xml",
        b"application/atom+xml",
        b"application/xml",
        b"text/xml",
        b"text/html",
        b"text/plain",
        b"text/css",
        b"text/javascript",
    }
)
ACCEPT_ENCODING = b"Accept-Encoding"
GZIP_SUFFIX = GZIP_TAG_SUFFIX.encode()

Headers = list[tuple[bytes, bytes]]


def _quality(parameters: str) -> float:
    """The `q` of an Accept-Encoding item's parameters; 1 without one, 0 when unreadable."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


# Clients send a handful of distinct values: each is parsed once.
@functools.lru_cache(maxsize=256)
def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header takes gzip (RFC 9110 12.5.3): by name, or by `*`,
    with a non-zero weight; the name wins over `*`."""
    if not header:
        return False
    named: float | None = None
    anything: float | None = None
    for item in header.lower().split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip()
        if coding in ("gzip", "x-gzip"):
            named = _quality(parameters)
        elif coding == "*":
            anything = _quality(parameters)
    if named is not None:
        return named > 0
    return anything is not None and anything > 0


@functools.lru_cache(maxsize=64)
def _compressible_type(content_type: bytes) -> bool:
    return content_type.partition(b";")[0].strip().lower() in COMPRESSIBLE


def varied(headers: Headers) -> Headers | None:
    """The headers of a response this layer may encode (a compressible type, not encoded
    yet, no `no-transform` in its Cache-Control), with Accept-Encoding added to their Vary;
    None for any other response. One pass: it runs on every response. Header names are
    lower case, as ASGI requires of response headers."""
    content_type = b""
    vary = -1
    for index, (key, value) in enumerate(headers):
        if key == b"content-type":
            content_type = value
        elif key == b"vary":
            vary = index
        elif key == b"content-encoding" or (
            key == b"cache-control" and b"no-transform" in value.lower()
        ):
            return None
    if not _compressible_type(content_type):
        return None
    if vary < 0:
        return [*headers, (b"vary", ACCEPT_ENCODING)]
    value = headers[vary][1]
    if b"accept-encoding" in value.lower() or value.strip() == b"*":
        return headers
    merged = [*headers]
    merged[vary] = (b"vary", value + b", " + ACCEPT_ENCODING)
    return merged


def gzip_tag(etag: bytes) -> bytes:
    """The tag of the gzip representation: `"abc"` -> `"abc-gzip"` (`W/` kept)."""
    return etag[:-1] + GZIP_SUFFIX if etag.endswith(b'"') else etag


def encoded(headers: Headers, length: int | None) -> Headers:
    """The headers of the gzip body: Content-Encoding, its length (none when streamed) and
    its own ETag."""
    coded: Headers = []
    for key, value in headers:
        if key == b"content-length":
            continue
        coded.append((key, gzip_tag(value)) if key == b"etag" else (key, value))
    coded.append((b"content-encoding", b"gzip"))
    if length is not None:
        coded.append((b"content-length", str(length).encode()))
    return coded


def not_modified(headers: Headers, if_none_match: str | None) -> Headers:
    """A 304's headers, naming the gzip tag when that is the copy the client holds."""
    if not if_none_match:
        return headers
    held = if_none_match.encode("latin-1")
    return [
        (key, gzip_tag(value))
        if key == b"etag" and gzip_tag(value).removeprefix(b"W/") in held
        else (key, value)
        for key, value in headers
    ]


def _gzip(body: bytes) -> bytes:
    return zlib.compress(body, LEVEL, wbits=GZIP_WBITS)


async def gzip_body(body: bytes) -> bytes:
    if len(body) >= THREAD_MINIMUM_SIZE:
        return await asyncio.to_thread(_gzip, body)
    return _gzip(body)


class CompressionMiddleware(Layer):
    def __init__(self, app: ASGIApp, *, minimum_size: int = MINIMUM_SIZE) -> None:
        super().__init__(app)
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wants_gzip = accepts_gzip(scope_header(scope, b"accept-encoding"))
        held: Message | None = None  # the start, until the first body says how large it is
        stream: zlib._Compress | None = None  # a streamed body's compressor

        async def send_compressed(message: Message) -> None:
            nonlocal held, stream
            kind = message["type"]
            if kind == "http.response.start":
                headers: Headers = message.get("headers", [])
                status = message["status"]
                if status == 304 and wants_gzip:
                    message["headers"] = not_modified(
                        headers, scope_header(scope, b"if-none-match")
                    )
                elif status != 206 and (eligible := varied(headers)) is not None:
                    message["headers"] = eligible
                    if wants_gzip:
                        held = message
                        return
                await send(message)
                return
            if stream is not None and kind == "http.response.body":
                more = message.get("more_body", False)
                chunk = stream.compress(message.get("body", b""))
                message["body"] = chunk + stream.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
                await send(message)
                return
            if held is None:
                await send(message)
                return
            start, held = held, None
            if kind != "http.response.body":  # pathsend, trailers: sent as they come
                await send(start)
                await send(message)
                return
            body: bytes = message.get("body", b"")
            if message.get("more_body", False):
                stream = zlib.compressobj(LEVEL, zlib.DEFLATED, GZIP_WBITS)
                start["headers"] = encoded(start["headers"], None)
                message["body"] = stream.compress(body) + stream.flush(zlib.Z_SYNC_FLUSH)
            elif len(body) >= self.minimum_size:
                message["body"] = compressed = await gzip_body(body)
                start["headers"] = encoded(start["headers"], len(compressed))
            await send(start)
            await send(message)

        await self.app(scope, receive, send_compressed)
