"""The migration that bounds what the search index reads: rows written before it are indexed
as new ones are (long runs cut; on SQLite, the text in two parts), and it steps back."""

import asyncio
import uuid

from alembic import command
from asgi_lifespan import LifespanManager
from core.test_migrations import empty_database  # noqa: F401 (a fixture)
from factories import client_for, create_post, signed_in
from harness import make_settings
from sqlalchemy import select, text, update

from blogapi.cli import alembic_config
from blogapi.main import create_app
from blogapi.posts.markdown import search_text
from blogapi.posts.models import Post
from blogapi.search.queries import HIGHLIGHT_CHARS

from .searching import hit_ids, hits

BEFORE = "7c3e9b2a1f40"  # the revision before the index was bounded
RUN = "_a" * 2_000  # long enough to be cut, short enough for the old index to take
# An older version stored the plain text as it was: the run whole.
OLD_TEXT = f"The lighthouse {RUN} " + "Filler words here. " * (HIGHLIGHT_CHARS // 19) + "Zeppelin."


async def _post_written_before(url: str) -> uuid.UUID:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        author = await signed_in(app, client)
        post_id = uuid.UUID((await create_post(client, author, content="Replaced."))["id"])
        async with app.state.sessionmaker() as session:
            await session.execute(
                update(Post).where(Post.id == post_id).values(content_text=OLD_TEXT)
            )
            await session.commit()
    return post_id


async def _stored_text_and_search(url: str, post_id: uuid.UUID) -> tuple[str, list[str]]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        async with app.state.sessionmaker() as session:
            stored = await session.scalar(select(Post.content_text).where(Post.id == post_id))
        found = [*await hit_ids(client, "lighthouse"), *await hit_ids(client, "zeppelin")]
        [hit] = await hits(client, "lighthouse")
        assert "<mark>lighthouse</mark>" in hit["highlight"]
    assert stored is not None
    return stored, found


async def _old_fts_finds(url: str, word: str) -> list[int]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), app.state.sessionmaker() as session:
        rows = await session.execute(
            text("SELECT rowid FROM posts_fts WHERE posts_fts MATCH :word"), {"word": word}
        )
        return [rowid for (rowid,) in rows]


def test_rows_written_before_are_indexed_as_new_ones_are(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    post_id = asyncio.run(_post_written_before(empty_database))
    command.downgrade(config, BEFORE)

    command.upgrade(config, "head")

    stored, found = asyncio.run(_stored_text_and_search(empty_database, post_id))
    assert stored == search_text(OLD_TEXT) != OLD_TEXT
    assert found == [str(post_id)] * 2  # in the highlighted part, and past it


def test_stepping_back_and_up_again_keeps_every_post_searchable(
    empty_database: str,  # noqa: F811
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    post_id = asyncio.run(_post_written_before(empty_database))
    command.upgrade(config, "head")
    command.downgrade(config, BEFORE)
    if empty_database.startswith("sqlite"):
        # The three-column FTS5 table is back, rebuilt from the posts.
        assert len(asyncio.run(_old_fts_finds(empty_database, "zeppelin"))) == 1
    command.upgrade(config, "head")
    assert asyncio.run(_stored_text_and_search(empty_database, post_id))[1] == [str(post_id)] * 2
