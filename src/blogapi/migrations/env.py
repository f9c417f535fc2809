"""Alembic environment: runs migrations on the async engine of DATABASE_URL (or the URL given)."""

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from blogapi.core.config import get_settings
from blogapi.core.db import UTCDateTime, create_engine
from blogapi.models import metadata

config = context.config
target_metadata = metadata


def _render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations name plain SQLAlchemy types, so renaming app code never breaks an old revision.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Full-text search lives outside the ORM models (a generated tsvector and trigram indexes on
# PostgreSQL, an FTS5 table on SQLite), so autogenerate must not try to drop it.
SEARCH_OBJECTS = {
    "search_vector",
    "ix_posts_search_vector",
    "ix_posts_title_trgm",
    "ix_tags_name_key_trgm",
}


def _include_object(
    _obj: Any, name: str | None, _type: str, reflected: bool, compare_to: Any
) -> bool:
    if reflected and compare_to is None and name is not None:
        return not (name in SEARCH_OBJECTS or name.startswith("posts_fts"))
    return True


def _do_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    settings = get_settings()
    url = config.get_main_option("sqlalchemy.url")
    if url:
        settings = settings.model_copy(update={"database_url": url})
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_do_run)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _do_run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(
        url=get_settings().database_url, target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
