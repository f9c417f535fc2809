"""Search benchmark: seed N published posts on PostgreSQL, then time GET /api/v1/search.

    uv run python bench/search_bench.py [--posts 100000] [--queries-per-kind 200]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_search] [--reuse]

The database named by --database-url is DROPPED and created again (its name must start with
"bench"), migrated with the project's Alembic migrations, and filled with posts whose text is
drawn from a fixed vocabulary with a Zipf-like distribution (random.Random(42)), so there are
very common words and rare ones. Queries go through the real application (create_app, httpx
over ASGI), so each figure is a whole request: routing, validation, SQL, rendering, JSON.
Three kinds of query are timed one after another: common words, rare words and phrases.

    uv run python bench/search_bench.py --explain 5 --demo-words \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_demo

--explain N takes the database time of each search instead (search_explain.py); with
--demo-words, for the 30 words of `make bench` on a seed-demo database, left unchanged.
"""

import argparse
import asyncio
import itertools
import random
import shlex
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from alembic import command
from asgi_lifespan import LifespanManager
from search_corpus import CODAS, COMMON, NUCLEI, ONSETS  # bench/: scripts side by side
from sqlalchemy.engine import make_url

from blogapi.cli import alembic_config
from blogapi.core.config import Settings
from blogapi.core.db import new_id
from blogapi.main import create_app
from blogapi.posts.markdown import reading_time_minutes, summarize

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_search"
BATCH = 5_000
WARMUP = 20
COMMON_RANKS = 150  # common words: the most frequent ranks of the vocabulary
RARE_FROM = 8_000  # rare words: ranks from here on (each in roughly 0.1 % of the posts)
TAIL_WORDS = 30_000


@dataclass
class Corpus:
    vocabulary: list[str]
    cum_weights: list[float]
    rng: random.Random
    bigrams: list[tuple[str, str]] = field(default_factory=list)

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=count)


def build_corpus(seed: int = 42) -> Corpus:
    """A vocabulary of real common words then invented rarer ones, weighted 1/(rank + 2.7)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    vocabulary = list(dict.fromkeys(COMMON))
    known = set(vocabulary)
    while len(vocabulary) < len(COMMON) + TAIL_WORDS:
        syllables = rng.choice((2, 2, 3))
        word = "".join(
            rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS) for _ in range(syllables)
        )
        if word not in known:
            known.add(word)
            vocabulary.append(word)
    weights = [1.0 / (rank + 2.7) for rank in range(len(vocabulary))]
    return Corpus(vocabulary, list(itertools.accumulate(weights)), rng)


def _sentences(corpus: Corpus, words: list[str]) -> Iterator[str]:
    rng, start = corpus.rng, 0
    while start < len(words):
        end = start + rng.randint(6, 18)
        chunk = words[start:end]
        start = end
        yield chunk[0].capitalize() + (" " + " ".join(chunk[1:]) if len(chunk) > 1 else "") + "."


def make_post(corpus: Corpus, number: int, author_id: Any, now: datetime) -> tuple[Any, ...]:
    rng = corpus.rng
    words = corpus.words(rng.randint(100, 500))
    if number % 50 == 0:  # phrase queries come from real adjacent pairs
        at = rng.randrange(len(words) - 1)
        corpus.bigrams.append((words[at], words[at + 1]))
    sentences = list(_sentences(corpus, words))
    paragraphs, at = [], 0
    while at < len(sentences):
        size = rng.randint(3, 6)
        paragraphs.append(" ".join(sentences[at : at + size]))
        at += size
    text = " ".join(paragraphs)
    title = " ".join(corpus.words(rng.randint(3, 8))).capitalize()
    slug = ("-".join(title.lower().split())[:90] + f"-{number}").strip("-")
    published = now - timedelta(seconds=rng.randint(3_600, 3 * 365 * 86_400))
    return (
        new_id(), author_id, slug, title, summarize(text), False,
        "\n\n".join(paragraphs), "".join(f"<p>{p}</p>\n" for p in paragraphs), text,
        reading_time_minutes(text), "published", published, 1, 0, 0, None, published, published,
    )  # fmt: skip


POST_COLUMNS = (
    "id", "author_id", "slug", "title", "summary", "summary_is_custom", "content",
    "content_html", "content_text", "reading_time_minutes", "status", "published_at",
    "version", "likes_count", "comments_count", "deleted_at", "created_at", "updated_at",
)  # fmt: skip


def _connect_args(url: str, database: str | None = None) -> dict[str, Any]:
    parsed = make_url(url)
    return {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username,
        "password": parsed.password,
        "database": database or parsed.database,
    }


async def recreate_database(url: str) -> None:
    name = make_url(url).database or ""
    if not name.startswith("bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must start with bench")
    conn = await asyncpg.connect(**_connect_args(url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _check_columns(conn: asyncpg.Connection, table: str, given: Sequence[str]) -> None:
    """Fail clearly if the schema grew a required column this script does not fill."""
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_generated = 'NEVER'",
        table,
    )
    missing = sorted({row["column_name"] for row in rows} - set(given))
    if missing:
        sys.exit(f"{table} has required columns this benchmark does not fill: {missing}")


async def seed(url: str, posts: int) -> list[tuple[str, str]]:
    """Insert one author and `posts` published posts with COPY; returns sampled bigrams."""
    conn = await asyncpg.connect(**_connect_args(url))
    try:
        now = datetime.now(UTC)
        user = {
            "id": new_id(), "email": "bench@example.com", "username": "bench",
            "password_hash": "x", "role": "author", "status": "active", "auth_version": 0,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        await _check_columns(conn, "users", list(user))
        await _check_columns(conn, "posts", POST_COLUMNS)
        await conn.copy_records_to_table(
            "users", records=[tuple(user.values())], columns=list(user)
        )
        # Bulk load, then build the GIN indexes once (their definitions come from the migrations).
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'posts' "
            "AND indexdef ILIKE '%USING gin%'"
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        corpus = build_corpus()
        batches = [min(BATCH, posts - start) for start in range(0, posts, BATCH)]
        started, done = time.perf_counter(), 0

        def make_batch(first: int, size: int) -> list[tuple[Any, ...]]:
            return [make_post(corpus, first + n, user["id"], now) for n in range(size)]

        pending = asyncio.create_task(asyncio.to_thread(make_batch, 0, batches[0]))
        for number, size in enumerate(batches):
            records = await pending
            if number + 1 < len(batches):
                following = asyncio.to_thread(make_batch, done + size, batches[number + 1])
                pending = asyncio.create_task(following)
            await conn.copy_records_to_table("posts", records=records, columns=POST_COLUMNS)
            done += size
            if done % 20_000 == 0 or done == posts:
                rate = done / (time.perf_counter() - started)
                print(f"  copied {done:>7,} posts ({rate:,.0f}/s)", flush=True)
        await conn.execute("SET maintenance_work_mem = '512MB'")
        for index in indexes:
            step = time.perf_counter()
            await conn.execute(index["indexdef"])
            print(f"  built {index['indexname']} in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        await conn.execute("VACUUM (ANALYZE) posts")
        await conn.execute("ANALYZE users")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - step:.1f} s")
        return corpus.bigrams
    finally:
        await conn.close()


async def choose_queries(
    url: str, per_kind: int, bigrams: list[tuple[str, str]], language: str
) -> tuple[dict[str, list[str]], int]:
    """Common words, rare words and two-word phrases (no stop words), and the post count."""
    corpus = build_corpus()
    rng = random.Random(7)  # noqa: S311 (test data, not secrets)
    conn = await asyncpg.connect(**_connect_args(url))
    try:
        candidates = corpus.vocabulary[:COMMON_RANKS] + corpus.vocabulary[RARE_FROM:]
        if not bigrams:  # --reuse: take adjacent pairs from stored posts instead
            rows = await conn.fetch("SELECT content_text FROM posts ORDER BY id LIMIT 2000")
            for row in rows[::5]:
                words = row["content_text"].lower().replace(".", "").split()
                at = rng.randrange(len(words) - 1)
                bigrams.append((words[at], words[at + 1]))
        candidates += [word for pair in bigrams for word in pair]
        kept = await conn.fetch(
            "SELECT w FROM unnest($1::text[]) AS w "
            "WHERE to_tsvector($2::regconfig, w) <> ''::tsvector",
            list(set(candidates)),
            language,
        )
        posts = await conn.fetchval("SELECT count(*) FROM posts")
    finally:
        await conn.close()
    words = {row["w"] for row in kept}
    common = [w for w in corpus.vocabulary[:COMMON_RANKS] if w in words]
    rare = [w for w in corpus.vocabulary[RARE_FROM:] if w in words]
    phrases = [f'"{a} {b}"' for a, b in bigrams if a in words and b in words]
    queries = {
        "common words": rng.choices(common, k=per_kind),
        "rare words": rng.choices(rare, k=per_kind),
        "phrases": rng.choices(phrases, k=per_kind),
    }
    return queries, int(posts)


@dataclass
class Timings:
    millis: list[float] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)
    errors: int = 0


async def run_queries(settings: Settings, queries: dict[str, list[str]]) -> dict[str, Timings]:
    app = create_app(settings)
    results: dict[str, Timings] = {}
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            warmup = [q for kind in queries.values() for q in kind[: WARMUP // len(queries)]]
            for q in warmup:
                await client.get("/api/v1/search", params={"q": q})
            print(f"  warmed up with {len(warmup)} queries", flush=True)
            for kind, kind_queries in queries.items():
                timings = results[kind] = Timings()
                started = time.perf_counter()
                for q in kind_queries:
                    before = time.perf_counter()
                    response = await client.get("/api/v1/search", params={"q": q})
                    timings.millis.append((time.perf_counter() - before) * 1000)
                    if response.status_code != 200:
                        timings.errors += 1
                        continue
                    timings.matches.append(response.json()["pagination"]["total"])
                elapsed = time.perf_counter() - started
                print(f"  {kind}: {len(kind_queries)} queries in {elapsed:.1f} s", flush=True)
    return results


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0],) * 3 if values else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report(results: dict[str, Timings], posts: int, target_ms: float = 50.0) -> None:
    print(f"\n### Search latency, {posts:,} posts (whole HTTP request, sequential)\n")
    print("| kind | queries | errors | median matches | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    overall = Timings()
    for kind, t in [*results.items(), ("overall", overall)]:
        if kind != "overall":
            overall.millis += t.millis
            overall.matches += t.matches
            overall.errors += t.errors
        p50, p95, p99 = _percentiles(t.millis)
        median = int(statistics.median(t.matches)) if t.matches else 0
        print(
            f"| {kind} | {len(t.millis)} | {t.errors} | {median:,} | {p50:.1f} | {p95:.1f} "
            f"| {p99:.1f} | {max(t.millis, default=0):.1f} |"
        )
    p95 = _percentiles(overall.millis)[1]
    verdict = "meets" if p95 < target_ms else "MISSES"
    print(f"\nOverall p95 {p95:.1f} ms {verdict} the {target_ms:.0f} ms target.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries-per-kind", type=int, default=200)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--reuse", action="store_true", help="skip create/migrate/seed: query the existing data"
    )
    parser.add_argument("--explain", type=int, default=0, metavar="N", help="database time")
    parser.add_argument("--demo-words", action="store_true", help="`make bench`'s words")
    args = parser.parse_args(argv)
    if args.demo_words and not args.explain:
        parser.error("--demo-words goes with --explain N")
    if args.posts < 1 or args.queries_per_kind < 1:
        parser.error("--posts and --queries-per-kind must be positive")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=args.database_url,
        environment="production",
        secret_key="x" * 40,
        allowed_hosts=["bench"],  # the in-process client's host (production requires the list)
        metrics_public=True,
        log_level="WARNING",
        rate_limits_enabled=False,
    )
    began = time.perf_counter()
    print(f"$ {shlex.join([sys.executable.rsplit('/', 1)[-1], *sys.argv])}")
    if args.demo_words:
        from search_explain import demo_words, explain_searches  # bench/: scripts side by side

        words = demo_words(args.database_url)
        print(f"  {len(words)} words, e.g. {', '.join(words[:5])}")
        asyncio.run(explain_searches(settings, words, args.explain))
        return
    bigrams: list[tuple[str, str]] = []
    if not args.reuse:
        print(f"recreating {make_url(args.database_url).render_as_string(hide_password=True)}")
        asyncio.run(recreate_database(args.database_url))
        step = time.perf_counter()
        command.upgrade(alembic_config(args.database_url), "head")  # runs its own event loop
        print(f"migrated in {time.perf_counter() - step:.1f} s")
        print(f"seeding {args.posts:,} posts")
        step = time.perf_counter()
        bigrams = asyncio.run(seed(args.database_url, args.posts))
        print(f"seeded in {time.perf_counter() - step:.1f} s (COPY, GIN build, VACUUM ANALYZE)")
    queries, posts = asyncio.run(
        choose_queries(args.database_url, args.queries_per_kind, bigrams, settings.search_language)
    )
    for kind, sample in queries.items():
        print(f"  {kind}, e.g. {', '.join(sample[:5])}")
    print(f"querying: {args.queries_per_kind} per kind through GET /api/v1/search")
    results = asyncio.run(run_queries(settings, queries))
    report(results, posts)
    print(f"\ntotal run time {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
