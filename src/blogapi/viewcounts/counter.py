"""A process's view counter: which post a ref names (cached, so a beacon runs no SQL), who
is viewing, and where the view is counted (tally.py). One per app, at `app.state.views`."""

import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core.config import Settings
from blogapi.core.db import utcnow
from blogapi.core.errors import NotFound
from blogapi.viewcounts import queries
from blogapi.viewcounts.metrics import VIEWS
from blogapi.viewcounts.queries import Target
from blogapi.viewcounts.schemas import PopularPosts
from blogapi.viewcounts.tally import MemoryTally, RedisTally, Tally
from blogapi.viewcounts.viewers import DailySalt, is_bot

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# How long a process trusts what it learnt about a post: a post deleted or unpublished may be
# counted this long after; one not found (or not yet public) is looked up again sooner.
FOUND_SECONDS = 60.0
MISSING_SECONDS = 10.0
MAX_REFS = 10_000

Outcome = Literal["counted", "author", "bot"]


class Expiring(Generic[K, V]):
    """A small cache whose entries expire; when full, the expired go, else everything."""

    def __init__(self, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.clock = clock
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> tuple[bool, V | None]:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self.clock():
            return False, None
        return True, entry[1]

    def put(self, key: K, value: V, seconds: float) -> None:
        if len(self._entries) >= self.size and key not in self._entries:
            now = self.clock()
            self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
            if len(self._entries) >= self.size:
                self._entries.clear()
        self._entries[key] = (self.clock() + seconds, value)

    def clear(self) -> None:
        self._entries.clear()


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: uuid.UUID | None
    ip: str
    user_agent: str


class ViewCounts:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: Redis | None = None
        self.tally: Tally = MemoryTally()
        self.targets: Expiring[str, Target | None] = Expiring(MAX_REFS)
        # GET /posts/popular answers by (window, tag, limit), a minute each.
        self.popular: Expiring[tuple[str, str | None, int], PopularPosts] = Expiring(256)
        self.salt = DailySalt(settings.jwt_secret())

    def open(self) -> None:
        """At start-up: count in Redis when there is one (closed by the flusher at stop)."""
        if self.settings.redis_url:
            # A Redis that hangs must not hold the reader's page: a beacon gives up in a second.
            self.redis = Redis.from_url(
                self.settings.redis_url, socket_timeout=1.0, socket_connect_timeout=1.0
            )
            self.tally = RedisTally(self.redis)

    async def target(self, sessionmaker: async_sessionmaker[AsyncSession], ref: str) -> Target:
        """The public post `ref` names, else 404; the database is asked once a minute at most
        per ref (every ten seconds for a ref that names none)."""
        known, target = self.targets.get(ref)
        if not known:
            async with sessionmaker() as session:
                target = await queries.find_target(session, ref)
            self.targets.put(ref, target, FOUND_SECONDS if target else MISSING_SECONDS)
        if target is None or not target.is_public(utcnow()):
            raise NotFound("Post not found")
        return target

    async def view(
        self, sessionmaker: async_sessionmaker[AsyncSession], ref: str, viewer: Viewer
    ) -> Outcome:
        """Count one view of the post `ref` unless its author or a bot is viewing."""
        target = await self.target(sessionmaker, ref)
        outcome: Outcome = "counted"
        if viewer.user_id == target.author_id:
            outcome = "author"
        elif is_bot(viewer.user_agent):
            outcome = "bot"
        else:
            day = utcnow().date()
            who = self.salt.viewer(day, viewer.user_id, viewer.ip, viewer.user_agent)
            await self.tally.record(target.post_id, day, who)
        VIEWS.labels(outcome).inc()
        return outcome
