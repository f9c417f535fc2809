"""Many announcers, one announcement: real `blogapi worker` processes on PostgreSQL announce
every due post exactly once, on time, and a worker that dies mid-run loses and doubles none."""

import asyncio
import contextlib
import os
import signal
import statistics
import sys
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from factories import create_post, signed_in
from fastapi import FastAPI
from harness import TEST_SECRET
from sqlalchemy import text

from blogapi.posts import announcements

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

BLOGAPI = Path(sys.executable).parent / "blogapi"
INTERVAL_SECONDS = 2.0

# Copies of one post, published at `due` plus a few milliseconds each: `count` posts coming
# due within one second (the service would render each body again, for nothing here).
_CLONE = text("""
    INSERT INTO posts (id, author_id, slug, title, summary, summary_is_custom, content,
        content_html, content_text, reading_time_minutes, status, published_at, version,
        likes_count, comments_count, bookmarks_count, views_count, created_at, updated_at)
    SELECT gen_random_uuid(), author_id, slug || '-' || CAST(:batch AS text) || '-' || g, title,
        summary, summary_is_custom, content, content_html, content_text, reading_time_minutes,
        'published',
        CAST(:due AS timestamptz) + g * (interval '1 second' / CAST(:count AS int)), 1, 0, 0, 0,
        0, now(), now()
    FROM posts, generate_series(1, CAST(:count AS int)) AS g WHERE id = :id
""")


async def _schedule_copies(app: FastAPI, post_id: str, count: int, due: datetime) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        values = {"due": due, "count": count, "id": uuid.UUID(post_id), "batch": uuid.uuid4().hex}
        await session.execute(_CLONE, values)


async def _announced(app: FastAPI) -> tuple[Counter[uuid.UUID], list[float]]:
    """Events per post, and each announced post's lag (announced_at - published_at)."""
    async with app.state.sessionmaker() as session:
        events = Counter(
            (
                await session.scalars(
                    text("SELECT subject_id FROM events WHERE type = 'post.published'")
                )
            ).all()
        )
        lags = (
            await session.scalars(
                text(
                    "SELECT extract(epoch FROM announced_at - published_at) FROM posts "
                    "WHERE announced_at IS NOT NULL AND published_at > created_at"
                )
            )
        ).all()
    return events, [float(lag) for lag in lags]


async def _until(app: FastAPI, events: int, within: float = 90) -> Counter[uuid.UUID]:
    async with asyncio.timeout(within):
        while True:
            counted, _ = await _announced(app)
            if counted.total() >= events:
                return counted
            await asyncio.sleep(0.05)


async def _workers(database_url: str, cwd: Path, n: int) -> list[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "SCHEDULER_INTERVAL_SECONDS": str(INTERVAL_SECONDS),
        "MAIL_DIR": str(cwd / "mail"),
        "LOG_LEVEL": "WARNING",
    }
    return [
        await asyncio.create_subprocess_exec(
            str(BLOGAPI), "worker", env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE
        )
        for _ in range(n)
    ]


async def _stop(workers: list[asyncio.subprocess.Process]) -> None:
    for worker in workers:
        if worker.returncode is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        await asyncio.wait_for(worker.wait(), 30)


async def _ticking(app: FastAPI, client: httpx.AsyncClient) -> str:
    """A post due now, announced by a worker: the workers are up. Returns a post to copy."""
    author = await signed_in(app, client)
    post = await create_post(client, author, published_at="2030-01-01T00:00:00Z")
    await _schedule_copies(app, post["id"], 1, datetime.now().astimezone() - timedelta(seconds=2))
    await _until(app, 1)
    return str(post["id"])


async def test_three_workers_announce_200_posts_due_in_one_second_exactly_once_on_time(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    workers = await _workers(database_url, tmp_path, 3)
    try:
        post_id = await _ticking(app, client)
        due = datetime.now().astimezone() + timedelta(seconds=1)
        await _schedule_copies(app, post_id, 200, due)
        events = await _until(app, 201)
        await asyncio.sleep(INTERVAL_SECONDS * 1.5)  # a late duplicate would land by now
        events, lags = await _announced(app)
    finally:
        await _stop(workers)

    assert events.total() == 201
    assert set(events.values()) == {1}
    assert all(worker.returncode == 0 for worker in workers)
    p99 = statistics.quantiles(lags, n=100)[98]
    print(
        f"publish lag over {len(lags)} posts: p50 {statistics.median(lags):.2f} s, p99 {p99:.2f} s"
    )
    assert p99 < 2 * INTERVAL_SECONDS, (p99, max(lags))


async def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    workers = await _workers(database_url, tmp_path, 3)
    try:
        post_id = await _ticking(app, client)
        await _schedule_copies(app, post_id, 300, datetime.now().astimezone())
        async with asyncio.timeout(60):
            while (await _announced(app))[0].total() < 2:  # noqa: ASYNC110 (polls the database)
                await asyncio.sleep(0.005)
        workers[0].kill()  # SIGKILL: no chance to finish what it holds
        await _until(app, 301)
        await asyncio.sleep(INTERVAL_SECONDS * 1.5)
        events, _ = await _announced(app)
    finally:
        await _stop(workers)

    assert events.total() == 301
    assert set(events.values()) == {1}


async def test_a_transaction_cut_off_mid_batch_is_announced_again_by_another(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, published_at="2030-01-01T00:00:00Z")
    due = datetime.now().astimezone() - timedelta(seconds=5)
    await _schedule_copies(app, post["id"], 200, due)

    dying = app.state.sessionmaker()
    await dying.begin()
    assert await announcements.announce_due(dying) == 100  # marked and recorded, uncommitted
    pid = (await dying.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    # Meanwhile another worker skips the locked rows and takes the rest.
    async with app.state.sessionmaker() as session, session.begin():
        assert await announcements.announce_due(session) == 100
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(Exception):  # noqa: B017, PT011 (whatever the dead connection raises)
        await dying.commit()
    with contextlib.suppress(Exception):
        await dying.close()

    async with app.state.sessionmaker() as session, session.begin():
        assert await announcements.announce_due(session) == 100  # the dead worker's share
    events, _ = await _announced(app)
    assert events.total() == 200
    assert set(events.values()) == {1}
