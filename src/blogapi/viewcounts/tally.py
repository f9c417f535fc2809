"""Where views wait between a beacon and the next flush: Redis (shared by every process), or
this process's memory. Neither runs SQL; `take` hands over what was counted and starts anew.

Redis, per (post, UTC day): `views:n:<post>:<day>` counts views (INCR), `views:u:<post>:<day>`
is a HyperLogLog of its readers (PFADD; its count is the day's uniques so far, within about
1 %), and `views:dirty` is the set of `<post>:<day>` counted since the last flush. One pipeline
per beacon, no transaction: a flush that runs between its commands only moves a view to the
next flush.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

log = structlog.get_logger("blogapi.viewcounts")

DIRTY = "views:dirty"
# Keys outlive their day by this much, so a flusher that was away a while still finds them.
KEEP_SECONDS = 3 * 24 * 3600
# Beyond this many readers of one post on one day, a process stops remembering them and
# counts each unseen one as new (memory stays bounded; uniques may then run high).
MAX_REMEMBERED = 100_000


@dataclass(frozen=True, slots=True)
class DayCount:
    """Views of one post on one day since the last flush, and its uniques: the day's total so
    far when `uniques_total` (Redis), else the readers new since the last flush (memory)."""

    post_id: uuid.UUID
    day: date
    views: int
    uniques: int


class Tally(Protocol):
    uniques_total: bool

    async def record(self, post_id: uuid.UUID, day: date, viewer: str) -> None: ...

    async def take(self) -> list[DayCount]: ...

    async def give_back(self, counts: list[DayCount]) -> None: ...


class MemoryTally:
    """This process's counts; lost if the process dies before a flush (docs/api.md)."""

    uniques_total = False

    def __init__(self) -> None:
        self._views: dict[tuple[uuid.UUID, date], int] = {}
        self._new: dict[tuple[uuid.UUID, date], int] = {}
        self._seen: dict[tuple[uuid.UUID, date], set[str]] = {}

    async def record(self, post_id: uuid.UUID, day: date, viewer: str) -> None:
        key = (post_id, day)
        self._views[key] = self._views.get(key, 0) + 1
        seen = self._seen.setdefault(key, set())
        if viewer in seen:
            return
        if len(seen) < MAX_REMEMBERED:
            seen.add(viewer)
        self._new[key] = self._new.get(key, 0) + 1

    async def take(self) -> list[DayCount]:
        views, new = self._views, self._new
        self._views, self._new = {}, {}
        # Readers are remembered for the newest day only: beacons never count a past day.
        newest = max((day for _, day in self._seen), default=None)
        self._seen = {key: seen for key, seen in self._seen.items() if key[1] == newest}
        return [DayCount(p, d, n, new.get((p, d), 0)) for (p, d), n in views.items()]

    async def give_back(self, counts: list[DayCount]) -> None:
        for count in counts:
            key = (count.post_id, count.day)
            self._views[key] = self._views.get(key, 0) + count.views
            self._new[key] = self._new.get(key, 0) + count.uniques


def _member(post_id: uuid.UUID, day: date) -> str:
    return f"{post_id}:{day.isoformat()}"


class RedisTally:
    """Counts in Redis, shared by every API process and flushed by whichever worker."""

    uniques_total = True

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def record(self, post_id: uuid.UUID, day: date, viewer: str) -> None:
        member = _member(post_id, day)
        uniques, views = f"views:u:{member}", f"views:n:{member}"
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.pfadd(uniques, viewer)
                pipe.incr(views)
                pipe.sadd(DIRTY, member)
                pipe.expire(uniques, KEEP_SECONDS)
                pipe.expire(views, KEEP_SECONDS)
                await pipe.execute()
        except RedisError as error:  # a lost Redis loses views, never the reader's page
            log.warning("view_not_recorded", error=repr(error))

    async def take(self) -> list[DayCount]:
        # RENAME is atomic: a view counted after it lands in a new dirty set, and two
        # flushers never take the same member; GETDEL takes each count exactly once.
        taking = f"views:taking:{uuid.uuid4().hex}"
        try:
            await self.redis.rename(DIRTY, taking)
        except ResponseError:  # no such key: nothing was viewed since the last flush
            return []
        await self.redis.expire(taking, KEEP_SECONDS)
        members = sorted(
            m.decode() if isinstance(m, bytes) else m for m in await self.redis.smembers(taking)
        )
        async with self.redis.pipeline(transaction=False) as pipe:
            for member in members:
                pipe.getdel(f"views:n:{member}")
                pipe.pfcount(f"views:u:{member}")
            replies = await pipe.execute()
        await self.redis.delete(taking)
        counts = []
        for index, member in enumerate(members):
            post, _, day = member.partition(":")
            views, uniques = replies[2 * index], replies[2 * index + 1]
            counts.append(
                DayCount(uuid.UUID(post), date.fromisoformat(day), int(views or 0), int(uniques))
            )
        return counts

    async def give_back(self, counts: list[DayCount]) -> None:
        """Put views that could not be written back for the next flush (uniques stay in the
        HyperLogLog, which a flush only reads)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for count in counts:
                member = _member(count.post_id, count.day)
                pipe.incrby(f"views:n:{member}", count.views)
                pipe.expire(f"views:n:{member}", KEEP_SECONDS)
                pipe.sadd(DIRTY, member)
            await pipe.execute()
