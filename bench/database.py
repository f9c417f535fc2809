"""The throwaway benchmark database: create it, seed it with `blogapi seed-demo`, read targets."""

import asyncio
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
from servers import BENCH_SECRET, PRODUCTION_EXPOSURE

from blogapi.demo.text import topic_of

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench"
PUBLIC = "p.deleted_at IS NULL AND p.status = 'published' AND p.published_at <= now()"
SEED_TIMEOUT_SECONDS = 400


@dataclass(frozen=True)
class Database:
    url: str  # postgresql+asyncpg://... for the project
    dsn: str  # postgresql://... for asyncpg
    name: str


@dataclass(frozen=True)
class Targets:
    """What the scenarios ask for, read from the seeded data."""

    tag: str  # the one with the most public posts
    tags: list[str]  # the 20 with the most
    author: str
    post_slug: str
    popular_slug: str
    search_words: list[str]
    like_slugs: list[str]
    usernames: list[str]
    slugs: list[str]  # the newest 1,000 public posts'


def bench_database() -> Database:
    """BENCH_DATABASE_URL, refused unless it is on this machine and named like a bench db."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    parts = urlsplit(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"BENCH_DATABASE_URL must point at this machine (127.0.0.1), not {parts.hostname}")
    if not re.fullmatch(r"bench[a-z0-9_]*", name):
        sys.exit(f"BENCH_DATABASE_URL must name a database called bench*, not {name!r}")
    return Database(url=url, dsn=parts.geturl(), name=name)


def _maintenance_dsn(database: Database) -> str:
    return database.dsn.rsplit("/", 1)[0] + "/postgres"


async def _recreate(database: Database) -> None:
    conn = await asyncpg.connect(_maintenance_dsn(database), timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{database.name}"')
    finally:
        await conn.close()


async def _posts(database: Database) -> int:
    try:
        conn = await asyncpg.connect(database.dsn, timeout=10)
    except asyncpg.InvalidCatalogNameError:
        return 0
    try:
        return int(await conn.fetchval("SELECT count(*) FROM posts"))
    except asyncpg.UndefinedTableError:
        return 0
    finally:
        await conn.close()


def prepare(database: Database, out: Path, *, reuse: bool) -> float | None:
    """Create, migrate and seed the database; returns the seconds it took (None: reused)."""
    if reuse and asyncio.run(_posts(database)) > 0:
        print(f"reusing the seeded database {database.name}", flush=True)
        return None
    print(f"creating the database {database.name} (dropped first if it exists)", flush=True)
    asyncio.run(_recreate(database))
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "ENVIRONMENT": "production",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", BENCH_SECRET),
        **PRODUCTION_EXPOSURE,
        "LOG_LEVEL": "WARNING",
    }
    command = [str(Path(sys.executable).parent / "blogapi"), "seed-demo"]
    print(f"$ DATABASE_URL={database.url} blogapi seed-demo", flush=True)
    started = time.monotonic()
    with (out / "seed.log").open("w") as log:
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            print(f"  {line}", end="", flush=True)
            log.write(line)
        if process.wait(timeout=SEED_TIMEOUT_SECONDS) != 0:
            sys.exit(
                f"blogapi seed-demo failed (exit {process.returncode}); see bench/out/seed.log"
            )
    return round(time.monotonic() - started, 1)


async def _targets(database: Database) -> Targets:
    conn = await asyncpg.connect(database.dsn, timeout=10)
    try:
        tags = await conn.fetch(
            "SELECT t.slug FROM tags t JOIN post_tags pt ON pt.tag_id = t.id "
            "JOIN posts p ON p.id = pt.post_id WHERE p.deleted_at IS NULL "
            "AND p.status = 'published' AND p.published_at <= now() "
            "GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 20"
        )
        author = await conn.fetchval(
            "SELECT u.username FROM users u JOIN posts p ON p.author_id = u.id "
            "WHERE p.deleted_at IS NULL AND p.status = 'published' AND p.published_at <= now() "
            "GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 1"
        )
        newest = await conn.fetch(
            f"SELECT p.slug, p.title FROM posts p WHERE {PUBLIC} "  # noqa: S608
            "ORDER BY p.published_at DESC, p.created_at DESC, p.id DESC LIMIT 1000"
        )
        popular = await conn.fetchval(
            f"SELECT p.slug FROM posts p WHERE {PUBLIC} "  # noqa: S608
            "ORDER BY p.comments_count DESC, p.slug LIMIT 1"
        )
        usernames = await conn.fetch(
            "SELECT username FROM users WHERE status = 'active' AND deleted_at IS NULL "
            "ORDER BY username LIMIT 1000"
        )
    finally:
        await conn.close()
    # The subjects of recent titles: what readers search for (not "the", not "lessons").
    words = sorted(
        {word for row in newest[:200] for word in topic_of(row["title"]) if len(word) > 2}
    )
    return Targets(
        tag=tags[0]["slug"],
        tags=[row["slug"] for row in tags],
        author=author,
        post_slug=newest[0]["slug"],
        popular_slug=popular,
        search_words=words[:: max(1, len(words) // 30)][:30],
        like_slugs=[row["slug"] for row in newest[:40]],
        usernames=[row["username"] for row in usernames],
        slugs=[row["slug"] for row in newest],
    )


def targets(database: Database) -> Targets:
    return asyncio.run(_targets(database))
