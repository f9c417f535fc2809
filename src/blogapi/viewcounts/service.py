"""Writing counted views: per post and flush, its days upserted into `post_view_daily` and
its total added to `posts.views_count` — one statement on PostgreSQL (a data-modifying CTE),
two on SQLite, which has none.

A post that is gone (its rows deleted) is skipped: the days are inserted from a SELECT of
the post, so no foreign key fails and the other posts of the flush are written.
"""

import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import structlog
from sqlalchemy import Date, Integer, case, literal, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core.db import utcnow
from blogapi.core.errors import ValidationFailed
from blogapi.posts.models import Post
from blogapi.viewcounts import queries
from blogapi.viewcounts.counter import ViewCounts
from blogapi.viewcounts.metrics import FLUSH_SECONDS, VIEWS_FLUSHED
from blogapi.viewcounts.models import PostViewDaily
from blogapi.viewcounts.schemas import DayViews, PopularPost, PopularPosts, PostStats, Window
from blogapi.viewcounts.tally import DayCount, Tally

log = structlog.get_logger("blogapi.viewcounts")

COLUMNS = ["post_id", "day", "views", "uniques"]


def _upsert(dialect: str, post_id: uuid.UUID, days: Sequence[DayCount], *, totals: bool) -> Any:
    rows = union_all(
        *(
            select(
                Post.id,
                literal(count.day, Date),
                literal(count.views, Integer),
                literal(count.uniques, Integer),
            ).where(Post.id == post_id)
            for count in days
        )
    )
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(PostViewDaily)
    statement = insert.from_select(COLUMNS, rows if len(days) > 1 else rows.selects[0])
    new = statement.excluded
    # Redis gives the day's uniques so far (keep the larger: a lost HyperLogLog never lowers
    # them); a process's memory gives the readers it saw first since its last flush.
    uniques = (
        case((new.uniques > PostViewDaily.uniques, new.uniques), else_=PostViewDaily.uniques)
        if totals
        else PostViewDaily.uniques + new.uniques
    )
    return statement.on_conflict_do_update(
        index_elements=[PostViewDaily.post_id, PostViewDaily.day],
        set_={"views": PostViewDaily.views + new.views, "uniques": uniques},
    )


def _add_views(post_id: uuid.UUID, views: int) -> Any:
    # Views are not edits: updated_at (which the ORM moves on update) and version stay.
    return (
        update(Post)
        .where(Post.id == post_id)
        .values({Post.views_count: Post.views_count + views, Post.updated_at: Post.updated_at})
    )


async def write_counts(session: AsyncSession, counts: Sequence[DayCount], *, totals: bool) -> None:
    """Add `counts` to the daily rows and the posts' totals, in the caller's transaction."""
    by_post: dict[uuid.UUID, list[DayCount]] = defaultdict(list)
    for count in counts:
        by_post[count.post_id].append(count)
    dialect = session.get_bind().dialect.name
    for post_id, days in by_post.items():
        upsert = _upsert(dialect, post_id, days, totals=totals)
        added = _add_views(post_id, sum(count.views for count in days))
        if dialect == "postgresql":
            await session.execute(added.add_cte(upsert.cte("counted_days")))
        else:
            await session.execute(upsert)
            await session.execute(added)


async def flush(sessionmaker: async_sessionmaker[AsyncSession], tally: Tally) -> int:
    """Write what `tally` counted since the last flush; returns the views written. If the
    database fails, the counts go back to the tally for the next flush."""
    counts = await tally.take()
    if not counts:
        return 0
    started = time.perf_counter()
    try:
        async with sessionmaker() as session, session.begin():
            await write_counts(session, counts, totals=tally.uniques_total)
    except BaseException:
        await tally.give_back(counts)
        raise
    views = sum(count.views for count in counts)
    FLUSH_SECONDS.observe(time.perf_counter() - started)
    VIEWS_FLUSHED.inc(views)
    log.info("views_flushed", posts=len({c.post_id for c in counts}), views=views)
    return views


POPULAR_SECONDS = 60.0
STATS_DEFAULT_DAYS = 30
STATS_MAX_DAYS = 366


async def popular_posts(
    session: AsyncSession, views: ViewCounts, window: Window, tag: str | None, limit: int
) -> PopularPosts:
    """The most read public posts of the window; each answer is kept a minute per process."""
    key = (window, tag, limit)
    known, cached = views.popular.get(key)
    if known and cached is not None:
        return cached
    since = utcnow().date() - timedelta(days=window.days - 1)
    ranked = await queries.popular(session, since, tag, limit)
    answer = PopularPosts(
        window=window,
        data=[
            PopularPost(**r.summary.model_dump(), views=r.views, uniques=r.uniques) for r in ranked
        ],
    )
    views.popular.put(key, answer, POPULAR_SECONDS)
    return answer


def stats_range(start: date | None, end: date | None) -> tuple[date, date]:
    """The days asked for: by default up to today, from 30 days before; 366 at most."""
    end = end or utcnow().date()
    start = start or end - timedelta(days=STATS_DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationFailed.on_field("from", "must not be after `to`")
    if (end - start).days + 1 > STATS_MAX_DAYS:
        raise ValidationFailed.on_field("to", f"a range covers {STATS_MAX_DAYS} days at most")
    return start, end


async def post_stats(
    session: AsyncSession, post_id: uuid.UUID, start: date | None, end: date | None
) -> PostStats:
    """The post's views and readers on each day of the range (days without any: zeros)."""
    start, end = stats_range(start, end)
    counted = await queries.daily(session, post_id, start, end)
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        views, uniques = counted.get(day, (0, 0))
        days.append(DayViews(day=day, views=views, uniques=uniques))
    return PostStats(
        post_id=post_id,
        start=start,
        end=end,
        views=sum(d.views for d in days),
        uniques=sum(d.uniques for d in days),
        days=days,
    )
