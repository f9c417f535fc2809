"""The database being moved: an engine for long runs, its transactions, which of its tables
an archive carries (in dependency order), and whether it is empty.

Tables are read by reflection rather than from the models, so that an archive always
carries the schema its revision has, whichever revision that is. Left out, because the
database derives them: Alembic's own table, SQLite's full-text index (FTS5 virtual tables
and their shadow tables, kept by triggers as rows arrive) and generated columns
(PostgreSQL's `search_vector`).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import MetaData, Table, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from blogapi.core.config import Settings
from blogapi.core.db import WRITE_INTENT, create_engine

# A bulk load or a dump may take hours: no statement timeout to speak of.
LONG_RUN_SECONDS = 24 * 3600.0
ALEMBIC_TABLE = "alembic_version"


def long_run_engine(settings: Settings) -> AsyncEngine:
    """One connection, with a statement timeout long enough for a whole table."""
    return create_engine(
        settings.model_copy(
            update={
                "db_statement_timeout_seconds": LONG_RUN_SECONDS,
                "db_pool_size": 1,
                "db_max_overflow": 0,
            }
        )
    )


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One transaction that writes: on SQLite it takes the write lock first (BEGIN
    IMMEDIATE) and checks foreign keys at commit, so rows may arrive before the rows they
    name (a reply before its parent comment)."""
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.execution_options(**{WRITE_INTENT: True})
        async with connection.begin():
            if sqlite:
                await connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            yield connection


@asynccontextmanager
async def snapshot(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A read-only transaction that sees the database as it was at its first read, while
    the service goes on writing: REPEATABLE READ on PostgreSQL; on SQLite (WAL), any read
    transaction."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            if connection.dialect.name == "postgresql":
                await connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection


def _derived_tables(connection: Connection) -> set[str]:
    """SQLite's virtual tables (the FTS5 index) and their shadow tables."""
    if connection.dialect.name != "sqlite":
        return set()
    names = set(connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")))
    virtual = {
        name
        for (name,) in connection.execute(
            text(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
            )
        )
    }
    return virtual | {name for (name,) in names if any(name.startswith(f"{v}_") for v in virtual)}


def carried_tables(connection: Connection) -> list[Table]:
    """The tables an archive carries, parents before children, as reflected (their generated
    columns still in them: see `stored_columns`)."""
    metadata = MetaData()
    left_out = _derived_tables(connection) | {ALEMBIC_TABLE}
    metadata.reflect(
        bind=connection, only=lambda name, _metadata: name not in left_out, resolve_fks=False
    )
    return list(metadata.sorted_tables)


def stored_columns(table: Table) -> list[str]:
    """The columns whose values are stored, not computed by the database."""
    return [str(column.name) for column in table.columns if column.computed is None]


def tables_with_rows(connection: Connection) -> list[str]:
    """The carried tables that hold at least one row."""
    return [
        str(table.name)
        for table in carried_tables(connection)
        if connection.execute(select(text("1")).select_from(table).limit(1)).first() is not None
    ]


def table_names(connection: Connection) -> list[str]:
    """Every table of the schema, Alembic's and the derived ones included."""
    return [
        name
        for (name,) in connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if connection.dialect.name == "sqlite"
            else text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    ]


async def vacuum_analyze(engine: AsyncEngine) -> None:
    """PostgreSQL after a bulk load: statistics and the visibility map, so the first queries
    get the plans they will have later."""
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.exec_driver_sql("VACUUM (ANALYZE)")


def advance_identities(connection: Connection) -> None:
    """PostgreSQL: each identity column's sequence goes on after the values imported
    (`comments.number`): the rows kept their numbers, and the next insert must not take one
    of them. SQLite's trigger numbers from the table's own max."""
    if connection.dialect.name != "postgresql":
        return
    identities = connection.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE is_identity = 'YES' AND table_schema = current_schema()"
        )
    )
    for name, key in identities.all():
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', '{key}'), "  # noqa: S608 (the schema's names)
            f"coalesce((SELECT max({key}) FROM {name}), 0) + 1, false)"
        )


def rebuild_search_indexes(connection: Connection) -> None:
    """SQLite: rebuild every FTS5 index from its content (the triggers filled it row by row;
    a rebuild leaves it as compact as a fresh one, whatever order the rows came in)."""
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL's search column is generated, computed as each row arrived
    indexes = connection.execute(
        text(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'"
        )
    )
    for (name,) in indexes.all():
        rebuild = f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')'  # noqa: S608 (the schema's names)
        connection.exec_driver_sql(rebuild)
