"""A micro-cache of public reads in each process, with request coalescing (PUBLIC_CACHE_SECONDS).

Identical anonymous reads arriving together share one computation, as Varnish's waiting list
and nginx's `proxy_cache_lock` do: the first runs the route (the leader), the others wait for
its answer (followers). The finished answer is then reused for PUBLIC_CACHE_SECONDS.

- **What:** GET and HEAD without `Authorization` or `Cookie`, keyed by method, path and query
  string. Responses build media URLs on the app's configured base, never on the Host header
  (core/media_urls.py), and no route reads Accept-Encoding, so those are not in the key.
  Kept only: a 200 JSON answer, complete in one body message of at most MAX_BODY_BYTES, whose
  Cache-Control says `public` (core/http_cache.py) and neither `private`, `no-cache` nor
  `no-store`, with no Set-Cookie and no Vary beyond Authorization, Accept-Encoding and Cookie.
  Errors, 304s, files and streamed bodies pass through untouched.
- **Where:** innermost of the layers, so an entry is exactly what the routes answered. Every
  layer above runs for a cached answer as for any other: a request id, Server-Timing and the
  RateLimit headers of its own, compression (a gzip client gets a gzip copy, the tag with
  `-gzip`), CORS for its Origin, the access log. A cached answer also counts against the rate
  limit its route counted against (`read-ip`), as the route's dependency would have; over the
  limit the request goes to the route, which refuses it with the usual 429. The gzip copy
  is made once per entry, with the compression layer's own functions, at its first gzip
  client: the layer passes an encoded answer as it is (a gzip hit took 0.18 ms of CPU when
  compressed every time, 0.05 ms now, as an identity one: docs/design.md).
- **If-None-Match:** answered from an entry with the 304 `cacheable_json` gives (ETag,
  Cache-Control, Vary); compression above renames the tag for a gzip copy. A revalidating
  request with no entry goes to the route, which may answer 304: it fills no entry.
- **Staleness:** a write in this process (any other method answered below 400) drops every
  entry and forgets answers still being computed, so its client reads it back at once. Writes
  in other processes, and the background renderers, show within PUBLIC_CACHE_SECONDS.
- **Failure:** when the leader raises or its answer may not be kept, each follower runs its
  own request; so does one that waited FOLLOWER_WAIT_SECONDS (nginx's lock timeout, 5 s).
  One client's error never reaches another.
- **Memory:** at most MAX_ENTRIES entries of at most MAX_BODY_BYTES each, and MAX_BYTES of
  bodies in all (each counted twice, for its gzip copy), least recently used dropped first.
"""

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.client_ip import client_ip
from blogapi.core.errors import RateLimited
from blogapi.core.http import SAFE_METHODS
from blogapi.core.http_cache import entity_tags
from blogapi.core.middleware.compression import (
    MINIMUM_SIZE,
    accepts_gzip,
    encoded,
    gzip_body,
    varied,
)
from blogapi.core.middleware.layer import Layer
from blogapi.core.ratelimit import PolicyName, RateLimiter

MAX_ENTRIES = 1024
MAX_BODY_BYTES = 1024 * 1024
MAX_BYTES = 64 * 1024 * 1024
FOLLOWER_WAIT_SECONDS = 5.0
CACHED_METHODS = frozenset({"GET", "HEAD"})
# What a 304 repeats of its 200 (RFC 9110 15.4.5), in the 200's order: what cacheable_json sends.
NOT_MODIFIED_HEADERS = frozenset(
    {b"cache-control", b"content-location", b"date", b"etag", b"expires", b"vary"}
)
REFUSED_CACHE_CONTROL = (b"private", b"no-cache", b"no-store")
# Request headers an entry may vary on: absent from every request it serves, or (Accept-Encoding)
# read only by the compression layer above.
HARMLESS_VARY = frozenset({b"authorization", b"accept-encoding", b"cookie"})

Headers = list[tuple[bytes, bytes]]
Key = tuple[str, str, bytes]


@dataclass(slots=True)
class Entry:
    headers: Headers
    body: bytes
    etag: str | None
    route: Any  # the route that answered, for the access log and metrics of cached answers
    policy: str | None  # the rate limit the answer counted against
    expires: float
    gzipped: tuple[Headers, bytes] | None = None  # made at the first gzip client's read

    async def for_gzip(self) -> tuple[Headers, bytes]:
        """The answer the compression layer would make of this one, made once: gzip bytes
        with their headers (which that layer then passes as they are), or, for a body it
        would not compress, this one as it is."""
        if self.gzipped is None:
            eligible = varied(self.headers)
            if eligible is None or len(self.body) < MINIMUM_SIZE:
                self.gzipped = (self.headers, self.body)
            else:
                compressed = await gzip_body(self.body)
                self.gzipped = (encoded(eligible, len(compressed)), compressed)
        return self.gzipped


def _keepable(status: int, headers: Headers) -> bool:
    if status != 200:
        return False
    public = json = False
    for key, value in headers:
        if key == b"cache-control":
            lowered = value.lower()
            if any(word in lowered for word in REFUSED_CACHE_CONTROL):
                return False
            public = b"public" in lowered
        elif key == b"content-type":
            json = value.partition(b";")[0].strip().lower() == b"application/json"
        elif key == b"set-cookie":
            return False
        elif key == b"vary":
            names = {name.strip().lower() for name in value.split(b",")}
            if not names <= HARMLESS_VARY:
                return False
    return public and json


def _not_modified(entry: Entry, if_none_match: str | None) -> bool:
    if not if_none_match or entry.etag is None:
        return False
    tags = entity_tags(if_none_match)
    return "*" in tags or entry.etag in tags


class PublicCacheMiddleware(Layer):
    def __init__(
        self,
        app: ASGIApp,
        *,
        seconds: float,
        max_entries: int = MAX_ENTRIES,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_bytes: int = MAX_BYTES,
        wait_seconds: float = FOLLOWER_WAIT_SECONDS,
    ) -> None:
        super().__init__(app)
        self.seconds = seconds
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self.max_bytes = max_bytes
        self.bytes = 0  # what the entries hold: twice their bodies, for their gzip copies
        self.wait_seconds = wait_seconds
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.leaders: dict[Key, asyncio.Future[Entry | None]] = {}
        self.generation = 0  # moves on every drop: a leader that began before keeps nothing

    def clear(self) -> None:
        """Drop every entry, and let no later request wait for an answer begun before."""
        self.entries.clear()
        self.bytes = 0
        self.leaders.clear()
        self.generation += 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        if method not in CACHED_METHODS:
            if method in SAFE_METHODS:
                await self.app(scope, receive, send)
            else:
                await self._write(scope, receive, send)
            return
        if_none_match: str | None = None
        accept_encoding: str | None = None
        for name, value in scope["headers"]:
            if name in (b"authorization", b"cookie"):
                await self.app(scope, receive, send)
                return
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif name == b"accept-encoding":
                accept_encoding = value.decode("latin-1")
        key: Key = (method, scope.get("path", ""), scope.get("query_string", b""))
        entry = self._fresh(key)
        leader = self.leaders.get(key) if entry is None else None
        if leader is not None:
            entry = await self._follow(leader)
        if entry is not None:
            if await self._counted(scope, entry):
                gzip = accepts_gzip(accept_encoding)
                await self._answer(scope, send, entry, if_none_match, gzip=gzip)
            else:  # over the limit: the route's own dependency answers 429
                await self.app(scope, receive, send)
        elif leader is not None or if_none_match is not None:
            # A follower that waited in vain runs its own request; a 304 would fill nothing.
            await self.app(scope, receive, send)
        else:
            await self._lead(key, scope, receive, send)

    def _fresh(self, key: Key) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    async def _follow(self, leader: "asyncio.Future[Entry | None]") -> Entry | None:
        try:
            return await asyncio.wait_for(asyncio.shield(leader), self.wait_seconds)
        except TimeoutError:
            return None

    async def _lead(self, key: Key, scope: Scope, receive: Receive, send: Send) -> None:
        leader: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self.leaders[key] = leader
        generation = self.generation
        held: Message | None = None
        passing = False

        async def send_keeping(message: Message) -> None:
            nonlocal held, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                held = message
                return
            passing = True
            if held is not None and message["type"] == "http.response.body":
                entry = self._entry(scope, held, message)
                leader.set_result(entry)  # None: the followers run their own requests
                if entry is not None and generation == self.generation:
                    self._keep(key, entry)
            if held is not None:
                await send(held)
            await send(message)

        try:
            await self.app(scope, receive, send_keeping)
        finally:
            if not leader.done():
                leader.set_result(None)
            if self.leaders.get(key) is leader:
                del self.leaders[key]

    def _entry(self, scope: Scope, start: Message, message: Message) -> Entry | None:
        body: bytes = message.get("body", b"")
        headers: Headers = start.get("headers", [])
        if (
            message.get("more_body", False)
            or len(body) > self.max_body_bytes
            or not _keepable(start["status"], headers)
        ):
            return None
        etag = next((value for name, value in headers if name == b"etag"), None)
        decision = scope.get("state", {}).get("rate_limit")
        return Entry(
            # A copy: the layers above replace the list in the leader's message with their own.
            headers=list(headers),
            body=body,
            etag=None if etag is None else etag.decode("latin-1"),
            route=scope.get("route"),
            policy=None if decision is None else decision.policy,
            expires=time.monotonic() + self.seconds,
        )

    def _keep(self, key: Key, entry: Entry) -> None:
        if key in self.entries:
            self._drop(key)
        self.entries[key] = entry
        self.bytes += 2 * len(entry.body)
        while len(self.entries) > self.max_entries or self.bytes > self.max_bytes:
            self._drop(next(iter(self.entries)))  # the least recently used

    def _drop(self, key: Key) -> None:
        self.bytes -= 2 * len(self.entries.pop(key).body)

    async def _counted(self, scope: Scope, entry: Entry) -> bool:
        """Count the cached answer against its route's rate limit; False when over it."""
        app = scope.get("app")
        limiter: RateLimiter | None = getattr(getattr(app, "state", None), "rate_limiter", None)
        if entry.policy is None or limiter is None or app is None:
            return True
        address = client_ip(Request(scope), app.state.trusted_proxies)
        try:
            decision = await limiter.hit(cast(PolicyName, entry.policy), address)
        except RateLimited:
            return False
        if decision is not None:
            scope.setdefault("state", {})["rate_limit"] = decision
        return True

    async def _answer(
        self, scope: Scope, send: Send, entry: Entry, if_none_match: str | None, *, gzip: bool
    ) -> None:
        if entry.route is not None:
            scope["route"] = entry.route
        if _not_modified(entry, if_none_match):
            headers = [
                (name, value) for name, value in entry.headers if name in NOT_MODIFIED_HEADERS
            ]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers, body = await entry.for_gzip() if gzip else (entry.headers, entry.body)
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": body})

    async def _write(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A write answered below 400 drops every entry before its client hears of it."""

        async def send_dropping(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                self.clear()
            await send(message)

        await self.app(scope, receive, send_dropping)
