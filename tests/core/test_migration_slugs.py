"""The data migration that renames slugs looking like ids: they get `-post` (or a number)."""

import asyncio
import uuid

from alembic import command
from asgi_lifespan import LifespanManager
from factories import client_for, create_post, signed_in
from harness import make_settings
from sqlalchemy import select, update

from blogapi.cli import alembic_config
from blogapi.main import create_app
from blogapi.posts.models import Post

from .test_migrations import empty_database  # noqa: F401 (a fixture)

BEFORE = "ac3f4b5e6d72"  # the revision before slugs were checked


async def _posts_with_slugs(url: str, slugs: list[str]) -> list[str]:
    """Posts written as an older version allowed: their slugs set behind the API's back."""
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        author = await signed_in(app, client)
        ids = [uuid.UUID((await create_post(client, author))["id"]) for _ in slugs]
        async with app.state.sessionmaker() as session:
            for post_id, slug in zip(ids, slugs, strict=True):
                await session.execute(update(Post).where(Post.id == post_id).values(slug=slug))
            await session.commit()
    return [str(post_id) for post_id in ids]


async def _slugs(url: str) -> dict[str, str]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), app.state.sessionmaker() as session:
        rows = await session.execute(select(Post.id, Post.slug))
        return {str(post_id): slug for post_id, slug in rows}


def test_slugs_that_parse_as_uuids_are_renamed(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    squatted = str(uuid.uuid4())
    slugs = [squatted, f"{squatted}-post", "cafebabecafebabecafebabecafebabe", "plain-slug"]
    ids = asyncio.run(_posts_with_slugs(empty_database, slugs))
    command.downgrade(config, BEFORE)

    command.upgrade(config, "head")

    after = asyncio.run(_slugs(empty_database))
    assert [after[post_id] for post_id in ids] == [
        f"{squatted}-post-2",
        f"{squatted}-post",
        "cafebabecafebabecafebabecafebabe-post",
        "plain-slug",
    ]
