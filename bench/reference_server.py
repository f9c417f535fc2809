"""The bare reference for `make bench`: Starlette + asyncpg + orjson and hand-written SQL.

It answers the benchmarked read endpoints with the same JSON as the API (the bench script
checks that byte for byte before it measures), and nothing else: no middleware, no ORM, no
validation layer, no auth. The distance between the two servers is the price of the
framework and of the features.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench python bench/reference_server.py
"""

import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/bench"
# Rows keep `/media/<key>` (or the key); URLs are built on the project's base, as it does.
# The demo's texts show none of our images, so content_html is served as stored.
MEDIA_BASE = os.environ.get("BENCH_MEDIA_BASE_URL", "http://127.0.0.1:8000/media/")
PUBLIC = "p.deleted_at IS NULL AND p.status = 'published' AND p.published_at <= now()"
SUMMARY_COLUMNS = """
    p.id, p.slug, p.title, p.summary, p.status, p.published_at, p.created_at, p.updated_at,
    u.id AS author_id, u.username, u.display_name, u.avatar_url,
    p.likes_count, p.comments_count, p.bookmarks_count, p.reading_time_minutes,
    ARRAY(SELECT t.slug || ' ' || t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
          WHERE pt.post_id = p.id ORDER BY t.slug COLLATE "C") AS tags,
    (SELECT pc.media_id FROM post_covers pc WHERE pc.post_id = p.id) AS cover_media_id,
    (SELECT m.storage_key FROM post_covers pc JOIN media m ON m.id = pc.media_id
     WHERE pc.post_id = p.id AND m.deleted_at IS NULL) AS cover_key
"""
ORDER = "ORDER BY p.published_at DESC, p.created_at DESC, p.id DESC"  # published: never NULL
FILTERS = {
    None: "",
    # A slug, else a name (folded: lower case is enough for the ASCII a benchmark sends).
    "tag": (
        "AND p.id IN (SELECT pt.post_id FROM post_tags pt WHERE pt.tag_id = COALESCE("
        "(SELECT id FROM tags WHERE slug = $3), (SELECT id FROM tags WHERE name_key = $3)))"
    ),
    "author": "AND p.author_id = (SELECT id FROM users WHERE username = $3)",
}
TAG_FIELDS = ("slug", "name")
# The count has no $1/$2 (limit, offset): its filter parameter is $1.
COUNT_FILTERS = {key: sql.replace("$3", "$1") for key, sql in FILTERS.items()}


def dsn() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DSN)
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # At most 20 connections a worker, as the project's pool (20, no overflow); idle ones
    # close after a few seconds, so the two servers never hold the database's slots together.
    # The planner's page cost is the project's (DB_RANDOM_PAGE_COST): same plans on both sides.
    app.state.pool = await asyncpg.create_pool(
        dsn(),
        min_size=2,
        max_size=20,
        max_inactive_connection_lifetime=5.0,
        server_settings={"random_page_cost": os.environ.get("DB_RANDOM_PAGE_COST", "1.1")},
    )
    try:
        yield
    finally:
        await app.state.pool.close()


def json(body: Any, status: int = 200) -> Response:
    # default=str: asyncpg's UUID type is not the standard library's, which orjson knows.
    content = orjson.dumps(body, default=str, option=orjson.OPT_UTC_Z)
    return Response(content, status, media_type="application/json")


def error(status: int, code: str, message: str) -> Response:
    return json({"error": {"code": code, "message": message, "details": []}}, status)


def summary(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "slug": row["slug"],
        "title": row["title"],
        "summary": row["summary"],
        "status": row["status"],
        "published_at": row["published_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "author": {
            "id": row["author_id"],
            "username": row["username"],
            "display_name": row["display_name"],
            "avatar_url": _media_url(row["avatar_url"]),
        },
        # "slug name" (a slug has no space): the API's tag objects.
        "tags": [dict(zip(TAG_FIELDS, entry.split(" ", 1), strict=True)) for entry in row["tags"]],
        "likes_count": row["likes_count"],
        "comments_count": row["comments_count"],
        "bookmarks_count": row["bookmarks_count"],
        "reading_time_minutes": row["reading_time_minutes"],
        "cover_media_id": row["cover_media_id"],
        "cover_url": None if row["cover_key"] is None else MEDIA_BASE + row["cover_key"],
        "liked": None,
        "bookmarked": None,
    }


def _media_url(stored: str | None) -> str | None:
    if stored is not None and stored.startswith("/media/"):
        return MEDIA_BASE + stored.removeprefix("/media/")
    return stored


def _bounded(request: Request, name: str, default: int, top: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if 1 <= value <= top else None


async def health(_request: Request) -> Response:
    return json({"status": "healthy"})


async def list_posts(request: Request) -> Response:
    page = _bounded(request, "page", 1, 1_000_000)
    limit = _bounded(request, "limit", 20, 100)
    if page is None or limit is None:
        return error(400, "VALIDATION_ERROR", "Invalid request data")
    kind = next((name for name in ("tag", "author") if name in request.query_params), None)
    args: list[Any] = []
    if kind is not None:
        args.append(request.query_params[kind].lower())
    where = f"WHERE {PUBLIC} {FILTERS[kind]}"
    async with request.app.state.pool.acquire() as conn:
        total = await conn.fetchval(
            f"SELECT count(*) FROM posts p WHERE {PUBLIC} {COUNT_FILTERS[kind]}",  # noqa: S608
            *args,
        )
        rows = await conn.fetch(
            f"SELECT {SUMMARY_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id "  # noqa: S608
            f"{where} {ORDER} LIMIT $1 OFFSET $2",
            limit,
            (page - 1) * limit,
            *args,
        )
    return json(
        {
            "data": [summary(row) for row in rows],
            "pagination": {
                "page": page,
                "limit": limit,
                "total": total,
                "total_pages": math.ceil(total / limit),
            },
        }
    )


async def read_post(request: Request) -> Response:
    slug = request.path_params["slug"].lower()
    async with request.app.state.pool.acquire() as conn:
        row = await conn.fetchrow(
            f"SELECT {SUMMARY_COLUMNS}, p.content, p.content_html "  # noqa: S608
            f"FROM posts p JOIN users u ON u.id = p.author_id WHERE p.slug = $1 AND {PUBLIC}",
            slug,
        )
    if row is None:
        return error(404, "NOT_FOUND", "Post not found")
    return json({**summary(row), "content": row["content"], "content_html": row["content_html"]})


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/api/v1/posts", list_posts),
        Route("/api/v1/posts/{slug}", read_post),
    ],
    lifespan=lifespan,
)


if __name__ == "__main__":
    uvicorn.run(
        "reference_server:app",
        app_dir=str(Path(__file__).parent),
        host="127.0.0.1",
        port=int(os.environ.get("BENCH_REFERENCE_PORT", "8082")),
        workers=int(os.environ.get("BENCH_WORKERS", "2")),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        server_header=False,
    )
