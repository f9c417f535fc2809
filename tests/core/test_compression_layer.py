"""The compression layer alone, around bare ASGI apps: what no route of ours sends (streamed
bodies, bodies large enough for a thread, encoded or partial answers, odd Vary fields)."""

import gzip
import os

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.middleware.compression import (
    THREAD_MINIMUM_SIZE,
    CompressionMiddleware,
    accepts_gzip,
)

Headers = list[tuple[bytes, bytes]]
JSON = (b"content-type", b"application/json")


def answering(chunks: list[bytes], headers: Headers, status: int = 200) -> ASGIApp:
    """An app that sends `headers` and then `chunks` as one streamed body."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for n, chunk in enumerate(chunks):
            more = n < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    return app


async def through(
    app: ASGIApp, accept: str = "gzip", if_none_match: str | None = None
) -> tuple[Message, bytes]:
    """The start message and the whole body the layer sends for one GET."""
    request_headers = [(b"accept-encoding", accept.encode())]
    if if_none_match:
        request_headers.append((b"if-none-match", if_none_match.encode()))
    scope = {"type": "http", "method": "GET", "path": "/", "headers": request_headers}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await CompressionMiddleware(app)(scope, receive, send)
    assert sent[0]["type"] == "http.response.start"
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


def header(start: Message, name: bytes) -> bytes | None:
    return next((value for key, value in start["headers"] if key == name), None)


async def test_a_streamed_body_is_compressed_as_it_goes() -> None:
    chunks = [b'{"items": [', b'"item", ' * 400, b'"last"]}']
    headers = [JSON, (b"content-length", str(sum(map(len, chunks))).encode())]

    start, body = await through(answering(chunks, headers))

    assert header(start, b"content-encoding") == b"gzip"
    assert header(start, b"content-length") is None  # unknown until the end
    assert gzip.decompress(body) == b"".join(chunks)


async def test_a_body_past_the_thread_size_is_compressed_whole() -> None:
    document = b'{"text": "' + os.urandom(THREAD_MINIMUM_SIZE).hex().encode() + b'"}'

    start, body = await through(answering([document], [JSON, (b"etag", b'"v1"')]))

    assert gzip.decompress(body) == document
    assert header(start, b"content-length") == str(len(body)).encode()
    assert header(start, b"etag") == b'"v1-gzip"'


@pytest.mark.parametrize(
    "headers",
    [
        [JSON, (b"content-encoding", b"br")],
        [JSON, (b"cache-control", b"private, No-Transform")],
        [(b"content-type", b"image/svg+xml")],
        [(b"content-type", b"application/octet-stream")],
        [(b"content-type", b"text/event-stream")],
        [],
    ],
)
async def test_encoded_marked_or_other_types_pass_untouched(headers: Headers) -> None:
    document = b"x" * 4096

    start, body = await through(answering([document], headers))

    assert body == document
    assert start["headers"] == headers


async def test_a_partial_answer_passes_untouched() -> None:
    headers = [JSON, (b"content-range", b"bytes 0-4095/9000")]

    start, body = await through(answering([b"x" * 4096], headers, status=206))

    assert body == b"x" * 4096
    assert header(start, b"content-encoding") is None


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        (None, b"Accept-Encoding"),
        (b"Origin", b"Origin, Accept-Encoding"),
        (b"Authorization, accept-encoding", b"Authorization, accept-encoding"),
        (b"*", b"*"),
    ],
)
async def test_vary_names_accept_encoding_once(vary: bytes | None, expected: bytes) -> None:
    headers = [JSON, *([(b"vary", vary)] if vary else [])]

    start, _ = await through(answering([b"{}"], headers), accept="identity")

    assert [value for key, value in start["headers"] if key == b"vary"] == [expected]


@pytest.mark.parametrize(
    ("if_none_match", "etag"),
    [
        ('"v1-gzip"', b'"v1-gzip"'),
        ('W/"v1-gzip", "x"', b'"v1-gzip"'),
        ('"v1"', b'"v1"'),
        ("*", b'"v1"'),
    ],
)
async def test_a_304_names_the_copy_the_client_holds(if_none_match: str, etag: bytes) -> None:
    app = answering([b""], [(b"etag", b'"v1"')], status=304)

    start, _ = await through(app, if_none_match=if_none_match)

    assert header(start, b"etag") == etag


@pytest.mark.parametrize(
    ("header_value", "takes"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.1", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0, *", False),  # the name wins over the wildcard
        ("*;q=0", False),
        ("gzip;q=0.000", False),
        ("gzip;q=", False),
        ("identity", False),
        ("br, zstd", False),
        ("", False),
        (None, False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header_value: str | None, takes: bool) -> None:
    assert accepts_gzip(header_value) is takes
