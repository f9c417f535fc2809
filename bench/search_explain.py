"""The database time of searches, for `search_bench.py --explain N --demo-words`: each
search's statements, caught from the app, run again under EXPLAIN (ANALYZE)."""

import json
import statistics
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from search_bench import _connect_args  # bench/: scripts side by side
from sqlalchemy import event
from sqlalchemy.engine import make_url

from blogapi.core.config import Settings
from blogapi.main import create_app


async def explain_searches(settings: Settings, words: list[str], runs: int) -> None:
    """The database time of each search: its statements under EXPLAIN (ANALYZE), best of runs."""
    app = create_app(settings)
    caught: dict[str, list[tuple[str, Any]]] = {}
    async with LifespanManager(app):
        engine = app.state.engine.sync_engine

        def catch(*event_args: Any) -> None:  # conn, cursor, statement, parameters, ...
            sql, params = event_args[2], event_args[3]
            if sql.strip() != "SELECT 1":  # the pool's checkout ping
                caught[current].append((sql, params))

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            event.listen(engine, "before_cursor_execute", catch)
            for current in words:
                caught[current] = []
                response = await client.get("/api/v1/search", params={"q": current})
                response.raise_for_status()
            event.remove(engine, "before_cursor_execute", catch)
    conn = await asyncpg.connect(
        **_connect_args(settings.database_url),
        server_settings={"random_page_cost": str(settings.db_random_page_cost)},
    )
    best: dict[tuple[str, int], float] = {}
    try:
        for _ in range(runs):
            for word, statements in caught.items():
                for number, (sql, params) in enumerate(statements):
                    plan = await conn.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", *params)
                    top = json.loads(plan)[0]
                    took = top["Planning Time"] + top["Execution Time"]
                    best[word, number] = min(best.get((word, number), took), took)
    finally:
        await conn.close()
    sums = {w: sum(best[w, n] for n in range(len(s))) for w, s in caught.items()}
    for number in range(max(len(s) for s in caught.values())):
        times = [t for (_, n), t in best.items() if n == number]
        print(
            f"statement {number + 1}: mean {statistics.mean(times):.2f} ms ({len(times)} searches)"
        )
    top_word = max(sums, key=lambda w: sums[w])
    print(
        f"per search: mean {statistics.mean(sums.values()):.2f} ms, median "
        f"{statistics.median(sums.values()):.2f} ms, largest {sums[top_word]:.2f} ms ({top_word})"
    )


def demo_words(url: str) -> list[str]:
    """The search words of `make bench` (bench/database.py), read from a seed-demo database."""
    sys.path.insert(0, str(Path(__file__).parent))
    import database  # bench/ is a folder of scripts, not a package

    name = make_url(url).database or ""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    words: list[str] = database.targets(database.Database(url=url, dsn=dsn, name=name)).search_words
    return words
