"""A thread page is a range of the (post_id, path) index, and readers' total reads only the
post's deleted comments (its partial index) besides the post: no statement scans the thread
or matches comments against the hidden ones. Checked with each engine's own EXPLAIN on the
most commented post of a demo data set, seeded once per module; what seed-demo wrote into
`concealed` is checked against the rule too."""

import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from harness import empty_tables, seed_for_plans
from posts.test_tag_list_plan import Explain
from sqlalchemy import func, select

from blogapi.comments import access, queries
from blogapi.comments.models import Comment
from blogapi.demo.generator import SeedOptions

SIZE = SeedOptions(users=40, posts=300, comments=4_000, tags=5, render_workers=0, images=0)
PATH_INDEX = "ix_comments_post_id_path"
DELETED_INDEX = "ix_comments_post_id_path_deleted"


@pytest.fixture(scope="module")
async def seeded(app: FastAPI) -> AsyncIterator[None]:
    """SIZE seeded once for the module (the tests only read it), the statistics fresh."""
    await seed_for_plans(app, SIZE)
    yield
    await empty_tables(app)


async def _most_commented(app: FastAPI) -> uuid.UUID:
    async with app.state.engine.connect() as conn:
        statement = (
            select(Comment.post_id)
            .group_by(Comment.post_id)
            .order_by(func.count().desc(), Comment.post_id)
            .limit(1)
        )
        return uuid.UUID(str((await conn.execute(statement)).scalar_one()))


async def _plans(app: FastAPI, *, moderator: bool) -> tuple[str, str]:
    """The plans of the thread's total and of its first page."""
    total, page = queries._thread_statements(moderator=moderator)
    values = {"post_id": await _most_commented(app), "offset": 0, "limit": 50}
    found = []
    async with app.state.engine.connect() as conn:
        for statement in (total, page):
            rows = (await conn.execute(Explain(statement), values)).all()
            found.append("\n".join(str(row[-1]) for row in rows))
    return found[0], found[1]


def _assert_no_scan_of_comments(plan: str, engine: str) -> None:
    if engine == "sqlite":
        assert "SCAN comments" not in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert "Seq Scan on comments" not in plan, plan
        assert "Sort" not in plan, plan
        assert "Join" not in plan.replace("Nested Loop", ""), plan  # no hash or semi join


async def test_readers_total_reads_only_the_deleted_comments(
    app: FastAPI, seeded: None, engine_name: str
) -> None:
    total, _ = await _plans(app, moderator=False)
    assert DELETED_INDEX in total, total
    _assert_no_scan_of_comments(total, engine_name)
    # Each deleted comment looks for one live reply, by the path index's range.
    assert PATH_INDEX in total.replace(DELETED_INDEX, ""), total


async def test_readers_page_is_a_range_of_the_path_index(
    app: FastAPI, seeded: None, engine_name: str
) -> None:
    _, page = await _plans(app, moderator=False)
    assert PATH_INDEX in page, page
    _assert_no_scan_of_comments(page, engine_name)


async def test_the_moderators_thread_keeps_its_plan(
    app: FastAPI, seeded: None, engine_name: str
) -> None:
    """Moderators' total still counts their thread (a range of the path index); the checks
    above would catch a total that does (this one reads no partial index)."""
    total, page = await _plans(app, moderator=True)
    assert DELETED_INDEX not in total, total
    assert PATH_INDEX in total, total
    _assert_no_scan_of_comments(page, engine_name)


async def test_seeded_comments_are_concealed_by_the_rule(app: FastAPI, seeded: None) -> None:
    """seed-demo writes `concealed` itself; it must be what the rule says, on a set with
    hidden subtrees to get wrong."""
    async with app.state.engine.connect() as conn:
        wrong = await conn.scalar(
            select(func.count()).where(Comment.concealed != access.under_hidden(Comment))
        )
        concealed = await conn.scalar(select(func.count()).where(Comment.concealed))
        hidden = await conn.scalar(select(func.count()).where(Comment.status == "hidden"))
    assert wrong == 0
    assert (concealed or 0) > (hidden or 0) > 0  # some hidden comments have replies
