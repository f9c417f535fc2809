"""The migration that makes counts readers can trust: posts written before it get
bookmarks_count from their bookmarks and comments_count by the new rule (hidden subtrees and
placeholders uncounted), and stepping back restores the old rule's counts."""

import asyncio
import uuid
from typing import Any

from alembic import command
from asgi_lifespan import LifespanManager
from core.test_migrations import empty_database  # noqa: F401 (a fixture)
from factories import POSTS, Account, client_for, create_post, signed_in
from harness import make_settings
from sqlalchemy import select

from blogapi.cli import alembic_config
from blogapi.main import create_app
from blogapi.posts.models import Post

from .threads import add_comment, comment_url, get_thread, moderate

BEFORE = "c2b3c4d5e6f7"  # the revision before this one


async def _post_with_a_history(url: str) -> str:
    """A post with a hidden comment and its reply, a placeholder and its reply, a plain
    comment, and two bookmarks; returns its id."""
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        author = await signed_in(app, client)
        readers: list[Account] = [await signed_in(app, client) for _ in range(2)]
        post = await create_post(client, author)
        hidden = await add_comment(client, readers[0], post["id"], "Hidden")
        await add_comment(client, readers[1], post["id"], "Under it", hidden["id"])
        gone = await add_comment(client, readers[0], post["id"], "Deleted")
        await add_comment(client, readers[1], post["id"], "Holds it up", gone["id"])
        await add_comment(client, readers[1], post["id"], "Plain")
        assert (await moderate(client, author, hidden["id"], "hide")).status_code == 200
        deleted = await client.delete(comment_url(gone["id"]), headers=readers[0].headers)
        assert deleted.status_code == 204
        for reader in readers:
            put = await client.put(f"{POSTS}/{post['id']}/bookmark", headers=reader.headers)
            assert put.status_code == 204
    post_id: str = post["id"]
    return post_id


async def _stored_comments_count(url: str, post_id: str) -> int:
    app = create_app(make_settings(url))
    async with LifespanManager(app), app.state.engine.connect() as conn:
        # Only the columns both revisions have.
        count = await conn.scalar(select(Post.comments_count).where(Post.id == uuid.UUID(post_id)))
    return int(count)


async def _as_read(url: str, post_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    app = create_app(make_settings(url))
    async with LifespanManager(app), client_for(app) as client:
        post = (await client.get(f"{POSTS}/{post_id}")).json()
        thread = (await get_thread(client, post_id))["data"]
    return post, thread


def test_posts_written_before_are_recounted(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    post_id = asyncio.run(_post_with_a_history(empty_database))

    command.downgrade(config, BEFORE)
    # The old rule: live comments not hidden themselves ("Under it" counted).
    assert asyncio.run(_stored_comments_count(empty_database, post_id)) == 3

    command.upgrade(config, "head")
    post, thread = asyncio.run(_as_read(empty_database, post_id))
    assert [c["content"] for c in thread] == [None, "Holds it up", "Plain"]
    assert post["comments_count"] == 2
    assert post["bookmarks_count"] == 2
