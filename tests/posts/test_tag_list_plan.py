"""A tag's page of posts and an author's, newest first, and their totals are ranges of an
index, as the front page is: no sort of the matching posts, no scan of a table. Checked with
each engine's own EXPLAIN over a demo data set big enough for the planner to prefer indexes,
seeded once per module; what seed-demo wrote into the links is checked too."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from harness import empty_tables, seed_for_plans
from sqlalchemy import ClauseElement, Executable, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from blogapi.demo.generator import SeedOptions
from blogapi.posts.lists import PostFilters, PostSort, list_statements

from .test_tag_list_sync import links_out_of_step

SIZE = SeedOptions(users=40, posts=2_000, comments=0, tags=12, render_workers=0, images=0)
TAG_INDEX = "ix_post_tags_public_feed"
AUTHOR_INDEX = "ix_posts_author_public_feed"


class Explain(Executable, ClauseElement):
    """EXPLAIN (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of a statement, its values bound."""

    inherit_cache = False

    def __init__(self, statement: Any) -> None:
        self.statement = statement


@compiles(Explain)
def _explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if compiler.dialect.name == "sqlite" else "EXPLAIN "
    sql = prefix + compiler.process(element.statement, **kw)
    compiler._result_columns = []  # the rows are the plan's, not the statement's
    return sql


@pytest.fixture(scope="module")
async def seeded(app: FastAPI) -> AsyncIterator[None]:
    """SIZE seeded once for the module (the tests only read it), the statistics fresh."""
    await seed_for_plans(app, SIZE)
    yield
    await empty_tables(app)


async def _busiest(app: FastAPI, sql: str) -> str:
    async with app.state.engine.connect() as conn:
        return str((await conn.execute(text(sql))).scalar_one())


async def busiest_tag(app: FastAPI) -> str:
    return await _busiest(
        app,
        "SELECT t.slug FROM tags t JOIN post_tags pt ON pt.tag_id = t.id "
        "GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 1",
    )


async def busiest_author(app: FastAPI) -> str:
    return await _busiest(
        app,
        "SELECT u.username FROM users u JOIN posts p ON p.author_id = u.id "
        "GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 1",
    )


async def plans(app: FastAPI, filters: PostFilters) -> dict[str, str]:
    """The plan of each of the list's statements (the total, the first page, a later page)."""
    statements, values = list_statements(filters, None)
    found: dict[str, str] = {}
    async with app.state.engine.connect() as conn:
        for name, offset in (("total", 0), ("first", 0), ("later", 40)):
            statement = getattr(statements, name)
            bound = {**values, "offset": offset, "limit": 20}
            rows = (await conn.execute(Explain(statement), bound)).all()
            found[name] = "\n".join(str(row[-1]) for row in rows)
    return found


def assert_ranges(found: dict[str, str], index: str, engine: str) -> None:
    """Every statement reads `index` as a range; none scans posts or links, none sorts the
    matches (a later page sorts its 20 rows, as the front page's does)."""
    for name, plan in found.items():
        assert index in plan, (name, plan)
        if engine == "sqlite":
            assert f"USING COVERING INDEX {index}" in plan or f"USING INDEX {index}" in plan
            for table in ("posts", "post_tags", "tag_feed"):
                assert f"SCAN {table}" not in plan, (name, plan)
            if name != "later":
                assert "TEMP B-TREE" not in plan, (name, plan)
        else:
            for table in ("posts", "post_tags"):
                assert f"Seq Scan on {table}" not in plan, (name, plan)
            assert "Bitmap" not in plan, (name, plan)
            if name != "later":
                assert "Sort" not in plan, (name, plan)
    if engine == "postgresql":
        assert f"Index Only Scan using {index}" in found["total"], found["total"]


async def test_a_tag_page_and_its_total_are_a_range_of_the_tag_index(
    app: FastAPI, seeded: None, engine_name: str
) -> None:
    tag = await busiest_tag(app)
    found = await plans(app, PostFilters(tags=[tag]))
    assert_ranges(found, TAG_INDEX, engine_name)


async def test_an_author_page_and_its_total_are_a_range_of_the_author_index(
    app: FastAPI, seeded: None, engine_name: str
) -> None:
    author = await busiest_author(app)
    found = await plans(app, PostFilters(author=author))
    assert_ranges(found, AUTHOR_INDEX, engine_name)


async def test_another_order_or_a_status_keeps_the_old_plan(
    app: FastAPI, seeded: None, engine_name: str
) -> None:
    """Only the public feed newest first is a range of the tag's feed; the checks above
    would catch a plan that is not (they fail on this one)."""
    tag = await busiest_tag(app)
    found = await plans(app, PostFilters(tags=[tag], sort=PostSort.MOST_LIKED))
    assert TAG_INDEX not in found["first"]
    with pytest.raises(AssertionError):
        assert_ranges(found, TAG_INDEX, engine_name)


async def test_seeded_links_carry_their_posts_place_in_the_feed(app: FastAPI, seeded: None) -> None:
    """seed-demo writes links as (post_id, tag_id) only (COPY on PostgreSQL): the database
    fills in the rest."""
    assert await links_out_of_step(app.state.engine) == []
    async with app.state.engine.connect() as conn:
        listed = await conn.execute(text("SELECT count(post_published_at) FROM post_tags"))
        assert listed.scalar_one() > 1_000
