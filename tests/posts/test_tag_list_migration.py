"""The migration that puts a tag's page on an index fills the links' copies of their posts'
place in the feed for the posts already there, whatever state they are in."""

import asyncio
import uuid
from typing import Any

import sqlalchemy as sa
from alembic import command
from asgi_lifespan import LifespanManager
from core.test_migrations import empty_database, on_connection  # noqa: F401 (a fixture)
from factories import client_for, create_post, signed_in
from harness import make_settings
from sqlalchemy.engine import Connection

from blogapi.cli import alembic_config
from blogapi.core.db import UTCDateTime, utcnow
from blogapi.main import create_app

from .test_tag_list_sync import in_days, links_out_of_step

BEFORE = "c4d5e6f7a8b9"  # the revision before links carried their posts' place

posts = sa.table("posts", sa.column("id", sa.Uuid()), sa.column("deleted_at", UTCDateTime()))


async def _posts(url: str) -> dict[str, str]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        author = await signed_in(app, client)
        made = {
            "older": await create_post(client, author, tags=["t"], published_at=in_days(-2)),
            "newer": await create_post(client, author, tags=["t", "u"], published_at=in_days(-1)),
            "draft": await create_post(client, author, tags=["t"], status="draft"),
            "later": await create_post(client, author, tags=["t"], published_at=in_days(1)),
            "deleted": await create_post(client, author, tags=["t"]),
        }
        return {name: post["id"] for name, post in made.items()}


def _delete_as_before(post_id: str) -> Any:
    """A post deleted while the older revision ran: no link knew."""

    def work(sync: Connection) -> None:
        statement = sa.update(posts).where(posts.c.id == uuid.UUID(post_id))
        sync.execute(statement.values(deleted_at=utcnow()))
        sync.commit()

    return work


async def _after(url: str) -> dict[str, Any]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        body = (await client.get("/api/v1/posts", params={"tag": "t"})).json()
        return {
            "ids": [post["id"] for post in body["data"]],
            "total": body["pagination"]["total"],
            "wrong": await links_out_of_step(app.state.engine),
        }


def test_existing_links_take_their_posts_place(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    made = asyncio.run(_posts(empty_database))
    command.downgrade(config, BEFORE)
    on_connection(empty_database, _delete_as_before(made["deleted"]))

    command.upgrade(config, "head")

    after = asyncio.run(_after(empty_database))
    assert after == {"ids": [made["newer"], made["older"]], "total": 2, "wrong": []}
