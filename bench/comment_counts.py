"""What keeping comments_count costs: a recount of the post against conditional UPDATEs.

(The measurement behind the choice of a recount, 2026-12-05, docs/design.md. Since then the
recount reads the `concealed` flag each comment keeps (comments/queries.py `counted_on`); the
"recount" timed here is the subtree form it replaced, still an upper bound for it.)

    uv run python bench/comment_counts.py [--database-url URL] [--comments 28000] [--runs 300]

Seeds the demo data set (`blogapi seed-demo` sizes: 200 users, 1,000 posts, --comments
comments, a few hot posts with hundreds) into a database made for it: on PostgreSQL it is
DROPPED and created again (its name must start with "bench"), a SQLite URL is a file that is
replaced. Then it times, on the post with the most comments, each way of moving the counter
as a comment write runs it, inside a transaction rolled back after every run:

- recount: lock the post's row, then set comments_count from the comments table (what
  comments/service.py does after a create, a delete, a hide or an unhide): the live
  comments less those under the few hidden ones;
- recount by ancestors: the same count, each comment matched against its ancestors;
- +1 if shown: lock, then add one unless the new comment is under a hidden one (a reply);
- -subtree: lock, then take away the counted comments of a subtree (hiding its top);
- +1: the plain UPDATE a create ran before (no lock, no condition), for scale.
"""

import argparse
import asyncio
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command
from servers import BENCH_SECRET
from sqlalchemy import Select, exists, func, not_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from blogapi.cli import alembic_config
from blogapi.comments import access
from blogapi.comments import queries as comments_queries
from blogapi.comments.models import Comment
from blogapi.core.config import Settings
from blogapi.core.db import create_engine
from blogapi.demo.generator import SeedOptions
from blogapi.demo.seed import seed_demo
from blogapi.posts.models import Post

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_counts"


async def fresh_postgres_database(url: str) -> None:
    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith("bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must start with bench")
    conn = await asyncpg.connect(host=parsed.host, port=parsed.port, user=parsed.username)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def _lock(post_id: Any) -> Select[Any]:
    return select(Post.id).where(Post.id == post_id).with_for_update(key_share=True)


async def _ways(conn: AsyncConnection) -> tuple[int, dict[str, list[Any]]]:
    """The hot post's comment count, and each way's statements on it."""
    post_id, total = (
        await conn.execute(
            select(Comment.post_id, func.count())
            .group_by(Comment.post_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    ).one()
    deepest = await conn.scalar(
        select(Comment.id).where(Comment.post_id == post_id).order_by(Comment.depth.desc())
    )
    reply = aliased(Comment)
    biggest = (  # the top-level comment with the most replies below it
        select(Comment.path)
        .join(reply, (reply.post_id == Comment.post_id) & reply.path.like(Comment.path + "%"))
        .where(Comment.post_id == post_id, Comment.depth == 0)
        .group_by(Comment.path)
        .order_by(func.count().desc())
        .limit(1)
    )
    top_path: str = await conn.scalar(biggest) or ""
    count_by = Post.comments_count
    counted = (Comment.deleted_at.is_(None), not_(access.under_hidden(Comment)))
    shown = not_(exists().where(Comment.id == deepest, access.under_hidden(Comment)))
    subtree = (
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.post_id == post_id,
            Comment.path >= top_path,
            Comment.path < top_path + "g",
            *counted,
        )
        .scalar_subquery()
    )
    at_post = update(Post).where(Post.id == post_id)
    recount = at_post.values(comments_count=comments_queries.counted_on(post_id))
    by_ancestors = (  # each comment matched against its ancestors, as the thread filters
        select(func.count())
        .select_from(Comment)
        .where(Comment.post_id == post_id, *counted)
        .scalar_subquery()
    )
    return int(total), {
        "recount": [_lock(post_id), recount],
        "recount by ancestors": [_lock(post_id), at_post.values(comments_count=by_ancestors)],
        "+1 if shown": [_lock(post_id), at_post.where(shown).values(comments_count=count_by + 1)],
        "-subtree": [_lock(post_id), at_post.values(comments_count=count_by - subtree)],
        "+1": [at_post.values(comments_count=count_by + 1)],
    }


async def measure(settings: Settings, runs: int) -> None:
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            total, ways = await _ways(conn)
            await conn.rollback()
            print(f"{engine.dialect.name}: the hot post has {total} comments; ms per write")
            for name, statements in ways.items():
                timings = []
                for _ in range(runs):
                    started = time.perf_counter()
                    for statement in statements:
                        await conn.execute(statement)
                    timings.append((time.perf_counter() - started) * 1000)
                    await conn.rollback()
                timings.sort()
                median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95)]
                print(f"  {name:<20} median {median:6.3f}  p95 {p95:6.3f}")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--comments", type=int, default=28_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=args.database_url,
        secret_key=BENCH_SECRET,
    )
    url = make_url(args.database_url)
    if url.drivername.startswith("sqlite"):
        Path(url.database or "").unlink(missing_ok=True)
    else:
        asyncio.run(fresh_postgres_database(args.database_url))
    command.upgrade(alembic_config(args.database_url), "head")
    options = SeedOptions(users=200, posts=1_000, comments=args.comments, tags=50, images=0)
    asyncio.run(seed_demo(settings, options, io.StringIO()))
    asyncio.run(measure(settings, args.runs))


if __name__ == "__main__":
    main()
