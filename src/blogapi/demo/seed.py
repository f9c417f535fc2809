"""`blogapi seed-demo`: fill a migrated database with the demo data set, fast."""

import sys
import time
from collections import Counter
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from blogapi.core.config import Settings
from blogapi.core.db import WRITE_INTENT, create_engine, utcnow
from blogapi.core.security import hash_password
from blogapi.demo import rows
from blogapi.demo.bodies import BodyJob, build_bodies, process_pool
from blogapi.demo.covers import load_covers
from blogapi.demo.generator import (
    DEMO_PASSWORD,
    KNOWN_ACCOUNTS,
    DemoData,
    SeedOptions,
    generate,
)
from blogapi.demo.text import topic_of
from blogapi.demo.writer import count_posts, load, read_existing

LOAD_TIMEOUT_SECONDS = 600.0
LOADED_TABLES = (
    "users",
    "tags",
    "posts",
    "post_tags",
    "comments",
    "post_likes",
    "bookmarks",
    "media",
    "post_covers",
)


class DatabaseNotEmpty(Exception):
    def __init__(self, posts: int) -> None:
        super().__init__(
            f"the database already has {posts:,} posts; run with --append to add the demo "
            "data to them, or point DATABASE_URL at an empty database"
        )


@dataclass(frozen=True, slots=True)
class SeedReport:
    users: int
    tags: int
    posts: int
    comments: int
    likes: int
    bookmarks: int
    seconds: float
    popular_slug: str | None


class _Console:
    """Progress lines on the terminal, each with the time since the start."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = time.perf_counter()
        self.written: Counter[str] = Counter()

    def say(self, line: str) -> None:
        print(f"[{self.elapsed():6.1f} s] {line}", file=self.out, flush=True)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def rendered(self, done: int) -> None:
        self.say(f"rendered {done:,} post bodies")

    def wrote(self, table: str, count: int, seconds: float) -> None:
        self.written[table] += count
        self.say(
            f"wrote {count:,} {table} rows in {seconds:.1f} s ({self.written[table]:,} in all)"
        )


def _loading_engine(settings: Settings) -> AsyncEngine:
    """One connection, with a statement timeout long enough for a bulk load."""
    return create_engine(
        settings.model_copy(
            update={
                "db_statement_timeout_seconds": LOAD_TIMEOUT_SECONDS,
                "db_pool_size": 1,
                "db_max_overflow": 0,
            }
        )
    )


async def _refuse_unless_empty(conn: AsyncConnection, options: SeedOptions) -> None:
    # Always a statement: on PostgreSQL it also opens the transaction the COPYs then join.
    posts = await count_posts(conn)
    if posts and not options.append:
        raise DatabaseNotEmpty(posts)


async def seed_demo(
    settings: Settings, options: SeedOptions, out: TextIO = sys.stdout
) -> SeedReport:
    """Generate the data set of `options.seed` and load it in one transaction."""
    console = _Console(out)
    # Workers first: forked before this process opens any database connection.
    pool = process_pool(options.render_workers)
    engine = _loading_engine(settings)
    try:
        data = await _seed(settings, options, engine, pool, console)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        await engine.dispose()
    report = _report(data, console.elapsed())
    _print_summary(console, data, report)
    return report


async def _seed(
    settings: Settings,
    options: SeedOptions,
    engine: AsyncEngine,
    pool: Executor | None,
    console: _Console,
) -> DemoData:
    engine_name = engine.dialect.name
    console.say(
        f"seeding {engine_name} with seed {options.seed}: {options.users:,} users, "
        f"{options.posts:,} posts, {options.comments:,} comments, {options.tags:,} tags"
    )
    async with engine.connect() as conn:
        await _refuse_unless_empty(conn, options)
        existing = await read_existing(conn)
    now = utcnow()
    data = generate(options, now, existing)
    jobs = [BodyJob(post.body_seed, post.words, topic_of(post.title)) for post in data.posts]
    bodies = build_bodies(jobs, pool, console.rendered)
    console.say(
        f"generated {len(data.posts):,} posts, {len(data.comments):,} comments, "
        f"{len(data.likes):,} likes, {len(data.bookmarks):,} bookmarks; rendering the posts"
    )
    # Hashing is deliberately slow: once, and every demo account shares it.
    password_hash = await hash_password(settings, DEMO_PASSWORD)
    async with engine.connect() as conn:
        if engine_name == "sqlite":
            await conn.execution_options(**{WRITE_INTENT: True})
        async with conn.begin():
            await _refuse_unless_empty(conn, options)
            await load(conn, rows.all_tables(data, bodies, password_hash, now), console.wrote)
            covered = await load_covers(conn, settings, data, options.images, options.seed, now)
            if options.images:
                console.say(f"stored {options.images} cover images; {covered:,} posts show one")
    if engine_name == "postgresql":
        async with engine.connect() as conn:
            # Statistics and the visibility map of a database in its steady state, so the
            # first queries after seeding get the plans they will have later.
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"VACUUM (ANALYZE) {', '.join(LOADED_TABLES)}"))
        console.say("vacuumed and analysed the tables")
    return data


def _report(data: DemoData, seconds: float) -> SeedReport:
    popular = max(data.posts, key=lambda post: post.comments_count, default=None)
    return SeedReport(
        users=sum(1 for user in data.users if user.is_new),
        tags=sum(1 for tag in data.tags if tag.is_new),
        posts=len(data.posts),
        comments=len(data.comments),
        likes=len(data.likes),
        bookmarks=len(data.bookmarks),
        seconds=seconds,
        popular_slug=popular.slug if popular and popular.comments_count else None,
    )


def _print_summary(console: _Console, data: DemoData, report: SeedReport) -> None:
    statuses = Counter(post.status.value for post in data.posts if post.deleted_at is None)
    deleted = sum(1 for post in data.posts if post.deleted_at is not None)
    console.say(
        f"done in {report.seconds:.1f} s: {report.users:,} users, {report.tags:,} tags, "
        f"{report.posts:,} posts ({', '.join(f'{n:,} {s}' for s, n in sorted(statuses.items()))}"
        f", {deleted:,} deleted), {report.comments:,} comments, {report.likes:,} likes, "
        f"{report.bookmarks:,} bookmarks"
    )
    if report.popular_slug:
        console.say(f"the most commented post: {report.popular_slug}")
    print(f'\nDemo accounts (password: "{DEMO_PASSWORD}"):', file=console.out)
    created = {user.username: user for user in data.users}
    for username, role, _ in KNOWN_ACCOUNTS:
        user = created.get(username)
        if user is None:
            continue
        note = "" if user.is_new else "  (existed already: its password is unchanged)"
        print(f"  {username:<12} {role.value:<12} {user.email}{note}", file=console.out)
    print(
        "Sign in with POST /api/v1/auth/login "
        f'{{"email": "demo_reader@example.com", "password": "{DEMO_PASSWORD}"}}',
        file=console.out,
        flush=True,
    )
