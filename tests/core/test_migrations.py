"""Migrations on both engines: up, all the way down, up again; and they match the models.

PostgreSQL runs on a database of its own (TEST_MIGRATIONS_DATABASE_URL, else the test
database's name with `_migrations`; one per xdist worker), so dropping tables never disturbs
the other tests.
"""

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from harness import (
    PG_URL,
    ensure_postgres_database,
    make_settings,
    per_worker,
    require_postgres,
    reset_postgres_schema,
)
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url

from blogapi.cli import alembic_config
from blogapi.core.config import get_settings
from blogapi.core.db import create_engine
from blogapi.models import metadata

# Search objects live outside the ORM models (see migrations/env.py).
SQLITE_SEARCH_TABLES = {f"posts_fts{suffix}" for suffix in ("", "_config", "_data", "_docsize")}
SQLITE_SEARCH_TABLES |= {"posts_fts_idx"}
T = TypeVar("T")


def migrations_database_url() -> str:
    """TEST_MIGRATIONS_DATABASE_URL, else the test database's name with `_migrations`; per
    xdist worker either way (the tests drop its tables)."""
    parsed = make_url(os.environ.get("TEST_MIGRATIONS_DATABASE_URL") or PG_URL)
    name = parsed.database if "TEST_MIGRATIONS_DATABASE_URL" in os.environ else None
    database = per_worker(name) if name else f"{parsed.database}_migrations"
    return parsed.set(database=database).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each engine, for this test alone."""
    get_settings.cache_clear()
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/migrations.db"
    url = migrations_database_url()
    require_postgres(url)
    asyncio.run(ensure_postgres_database(url))
    asyncio.run(reset_postgres_schema(url))
    return url


def on_connection(url: str, work: Callable[[Connection], T]) -> T:
    """Run `work` on a sync view of an async connection to `url`."""

    async def run() -> T:
        engine = create_engine(make_settings(url))
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _include_object(
    _obj: object, name: str | None, _type: str, reflected: bool, compare_to: object
) -> bool:
    # As migrations/env.py: search objects exist only in the database.
    if reflected and compare_to is None and name is not None:
        return not (name.startswith("posts_fts") or "search_vector" in name or "trgm" in name)
    return True


def all_tables(url: str) -> set[str]:
    return on_connection(url, lambda sync: set(inspect(sync).get_table_names()))


def tables(url: str) -> set[str]:
    """The tables, without SQLite's full-text search tables."""
    return all_tables(url) - SQLITE_SEARCH_TABLES


def differences(url: str) -> list[Any]:
    def compare(sync: Connection) -> list[Any]:
        opts = {"compare_type": True, "include_object": _include_object}
        return list(compare_metadata(MigrationContext.configure(sync, opts=opts), metadata))

    return on_connection(url, compare)


def current_revision(url: str) -> str | None:
    return on_connection(url, lambda sync: MigrationContext.configure(sync).get_current_revision())


def test_upgrade_downgrade_and_upgrade_again(empty_database: str) -> None:
    config = alembic_config(empty_database)
    head = ScriptDirectory.from_config(config).get_current_head()
    model_tables = set(metadata.tables)

    command.upgrade(config, "head")
    assert current_revision(empty_database) == head
    assert tables(empty_database) == model_tables | {"alembic_version"}

    command.downgrade(config, "base")
    assert current_revision(empty_database) is None
    assert all_tables(empty_database) == {"alembic_version"}

    command.upgrade(config, "head")
    assert current_revision(empty_database) == head
    assert tables(empty_database) == model_tables | {"alembic_version"}
    assert differences(empty_database) == []


def test_every_migration_steps_down_and_up_one_at_a_time(empty_database: str) -> None:
    config = alembic_config(empty_database)
    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
    command.upgrade(config, "head")

    for expected in [*revisions[1:], None]:
        command.downgrade(config, "-1")
        assert current_revision(empty_database) == expected
    for expected in reversed(revisions):
        command.upgrade(config, "+1")
        assert current_revision(empty_database) == expected


def test_the_migrated_schema_matches_the_models(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")

    assert differences(empty_database) == []
    command.check(config)  # alembic's own autogenerate comparison, with env.py's settings
