"""The migration that stores `concealed`: comments written before it are concealed exactly
when a hidden comment is at or above them, so the threads read as before; stepping back drops
the column and its index."""

import asyncio
import uuid

import sqlalchemy as sa
from alembic import command
from asgi_lifespan import LifespanManager
from core.test_migrations import empty_database  # noqa: F401 (a fixture)
from factories import Account, client_for, create_post, signed_in
from harness import make_settings
from sqlalchemy.ext.asyncio import create_async_engine

from blogapi.cli import alembic_config
from blogapi.main import create_app

from .threads import add_comment, comment_url, get_thread, moderate

BEFORE = "d7e1a2b3c4f5"  # the revision before this one


async def _thread_with_hidden_subtrees(url: str) -> tuple[str, dict[str, str], Account]:
    """A post: Top (hidden) > Reply > Deep, Reply (hidden) > Inner too; Open > Gone (deleted,
    hidden) > Kept; Plain. Returns the post id, the ids by content and its author."""
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        author = await signed_in(app, client)
        reader = await signed_in(app, client)
        post = await create_post(client, author)
        ids: dict[str, str] = {}
        for content, parent in (
            ("Top", None),
            ("Reply", "Top"),
            ("Deep", "Reply"),
            ("Open", None),
            ("Gone", "Open"),
            ("Kept", "Gone"),
            ("Plain", None),
        ):
            made = await add_comment(
                client, reader, post["id"], content, ids[parent] if parent else None
            )
            ids[content] = made["id"]
        for hidden in ("Top", "Reply", "Gone"):
            assert (await moderate(client, author, ids[hidden], "hide")).status_code == 200
        gone = await client.delete(comment_url(ids["Gone"]), headers=reader.headers)
        assert gone.status_code == 204
    return post["id"], ids, author


async def _columns(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(
                lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("comments")}
            )
            indexes = await conn.run_sync(
                lambda sync: {i["name"] for i in sa.inspect(sync).get_indexes("comments")}
            )
    finally:
        await engine.dispose()
    return names | {str(name) for name in indexes}


async def _as_read(
    url: str, post_id: str, author: Account
) -> tuple[set[uuid.UUID], list[str | None], list[str | None]]:
    """The ids stored as concealed, and the contents of the anonymous and moderators' threads
    (whose totals must be their lengths)."""
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        async with app.state.engine.connect() as conn:
            concealed = await conn.scalars(
                sa.text("SELECT id FROM comments WHERE concealed"),
            )
            stored = {uuid.UUID(str(value)) for value in concealed}
        anonymous = await get_thread(client, post_id)
        moderated = await get_thread(client, post_id, author)
    assert anonymous["pagination"]["total"] == len(anonymous["data"])
    assert moderated["pagination"]["total"] == len(moderated["data"])
    return (
        stored,
        [c["content"] for c in anonymous["data"]],
        [c["content"] for c in moderated["data"]],
    )


def test_comments_written_before_are_concealed_by_their_hidden_ancestors(
    empty_database: str,  # noqa: F811
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    post_id, ids, author = asyncio.run(_thread_with_hidden_subtrees(empty_database))

    command.downgrade(config, BEFORE)
    after_downgrade = asyncio.run(_columns(empty_database))
    assert "concealed" not in after_downgrade
    assert "ix_comments_post_id_path_deleted" not in after_downgrade

    command.upgrade(config, "head")
    assert {"concealed", "ix_comments_post_id_path_deleted"} <= asyncio.run(
        _columns(empty_database)
    )
    stored, anonymous, moderated = asyncio.run(_as_read(empty_database, post_id, author))
    assert stored == {uuid.UUID(ids[name]) for name in ("Top", "Reply", "Deep", "Gone", "Kept")}
    assert anonymous == ["Open", "Plain"]
    assert moderated == ["Top", "Reply", "Deep", "Open", None, "Kept", "Plain"]
