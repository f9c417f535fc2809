"""What the view-count tests share: sending beacons, flushing, reading the daily rows."""

import uuid
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.viewcounts import service
from blogapi.viewcounts.models import PostViewDaily

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def views_url(ref: str) -> str:
    return f"/api/v1/posts/{ref}/views"


async def beacon(
    client: httpx.AsyncClient, ref: str, *, agent: str = BROWSER, **kwargs: Any
) -> httpx.Response:
    headers = {"User-Agent": agent, **kwargs.pop("headers", {})}
    return await client.post(views_url(ref), headers=headers, **kwargs)


async def flush(app: FastAPI) -> int:
    """Write what the app counted so far, as its flusher would."""
    return await service.flush(app.state.sessionmaker, app.state.views.tally)


async def forget(app: FastAPI) -> None:
    """Drop what the session's app counted for earlier tests and what it cached."""
    await app.state.views.tally.take()
    app.state.views.targets.clear()
    app.state.views.popular.clear()


async def daily_rows(app: FastAPI, post_id: str) -> dict[date, tuple[int, int]]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            select(PostViewDaily.day, PostViewDaily.views, PostViewDaily.uniques).where(
                PostViewDaily.post_id == uuid.UUID(post_id)
            )
        )
        return {row.day: (row.views, row.uniques) for row in rows}


async def views_count(client: httpx.AsyncClient, ref: str) -> int:
    response = await client.get(f"/api/v1/posts/{ref}")
    assert response.status_code == 200, response.text
    count: int = response.json()["views_count"]
    return count
