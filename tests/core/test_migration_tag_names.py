"""The migration that gives tags their names: existing tags keep their slugs and are named by
them; going down cuts what the older columns cannot hold."""

import asyncio
import uuid
from typing import Any

import sqlalchemy as sa
from alembic import command
from asgi_lifespan import LifespanManager
from factories import client_for, create_post, login, read_post, signed_in
from harness import make_settings
from sqlalchemy.engine import Connection

from blogapi.cli import alembic_config
from blogapi.core.db import UTCDateTime, utcnow
from blogapi.main import create_app

from .test_migrations import empty_database, on_connection  # noqa: F401 (a fixture)

BEFORE = "bd4a5c6f7e83"  # the revision before tags had names
AT = "c1a2b3c4d5e6"

tags = sa.table(
    "tags",
    sa.column("id", sa.Uuid()),
    sa.column("slug", sa.String()),
    sa.column("created_at", UTCDateTime()),
)
post_tags = sa.table("post_tags", sa.column("post_id", sa.Uuid()), sa.column("tag_id", sa.Uuid()))


async def _posts(url: str, count: int) -> list[str]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        author = await signed_in(app, client)
        return [(await create_post(client, author))["id"] for _ in range(count)]


def _tag_as_before(post_ids: list[str], slugs: list[str]) -> Any:
    """Tags as the older revision wrote them ("C++" was `c`): slugs only."""

    def work(sync: Connection) -> None:
        for slug in slugs:
            tag_id = uuid.uuid4()
            sync.execute(sa.insert(tags).values(id=tag_id, slug=slug, created_at=utcnow()))
            for post_id in post_ids:
                sync.execute(sa.insert(post_tags).values(post_id=uuid.UUID(post_id), tag_id=tag_id))
        sync.commit()

    return work


async def _after(url: str, post_id: str) -> dict[str, Any]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        author = await signed_in(app, client)
        read = (await read_post(client, post_id)).json()
        c_tag = (await client.get("/api/v1/tags/c")).json()
        new = await create_post(client, author, tags=["C++", "PYTHON", "C"])
        by_name = (await client.get("/api/v1/posts", params={"tag": "Python"})).json()["data"]
        return {"read": read["tags"], "c": c_tag, "new": new["tags"], "by_name": len(by_name)}


def test_existing_tags_keep_their_slugs_and_are_named_by_them(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    post_ids = asyncio.run(_posts(empty_database, 2))
    command.downgrade(config, BEFORE)
    on_connection(empty_database, _tag_as_before(post_ids, ["c", "python", "web-dev"]))

    command.upgrade(config, "head")

    after = asyncio.run(_after(empty_database, post_ids[0]))
    assert after["read"] == [
        {"slug": "c", "name": "c"},
        {"slug": "python", "name": "python"},
        {"slug": "web-dev", "name": "web-dev"},
    ]
    assert (after["c"]["name"], after["c"]["post_count"]) == ("c", 2)
    # Names now tell "C++" from "C"; "PYTHON" is the existing tag, which keeps its name.
    assert after["new"] == [
        {"slug": "c", "name": "c"},
        {"slug": "c-plus-plus", "name": "C++"},
        {"slug": "python", "name": "python"},
    ]
    assert after["by_name"] == 3


async def _long_values(url: str) -> dict[str, str]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        username = "u" * 50
        body = {
            "email": f"{username}@example.com",
            "username": username,
            "password": "a long password",
        }
        assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
        account = await login(client, username, "a long password")
        account_post = await create_post(
            client, account, title="T" * 255, tags=["C++ & C# .NET Core"]
        )
        other = await create_post(client, account, tags=["C plus plus and C sharp dot"])
        assert len(account_post["tags"][0]["slug"]) > 30
        return {"post": account_post["id"], "other": other["id"]}


def _column_values(sync: Connection) -> dict[str, list[str]]:
    return {
        "titles": list(sync.execute(sa.text("SELECT title FROM posts")).scalars()),
        "usernames": list(sync.execute(sa.text("SELECT username FROM users")).scalars()),
        "slugs": list(sync.execute(sa.text("SELECT slug FROM tags")).scalars()),
    }


def test_going_down_cuts_titles_slugs_and_usernames_to_the_older_lengths(
    empty_database: str,  # noqa: F811
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    asyncio.run(_long_values(empty_database))

    command.downgrade(config, BEFORE)

    values = on_connection(empty_database, _column_values)
    assert max(len(title) for title in values["titles"]) == 200
    assert values["usernames"] == ["u" * 40]
    assert sorted(values["slugs"]) == [
        "c-plus-plus-and-c-sharp-dot",
        "c-plus-plus-and-c-sharp-dot-2",
    ]
    command.upgrade(config, AT)
    command.upgrade(config, "head")
