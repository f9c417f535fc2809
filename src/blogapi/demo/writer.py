"""Bulk loading, per engine, in the caller's transaction.

PostgreSQL: `COPY ... FROM STDIN` (binary) through asyncpg's `copy_records_to_table`; the
generated `search_vector` column fills itself. SQLite: one `executemany` per table; the
FTS5 triggers index each post as it is inserted.
"""

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from blogapi.demo.generator import Existing
from blogapi.models import Post, Tag, User, metadata

Row = tuple[Any, ...]
COPY_TIMEOUT_SECONDS = 600.0
SQLITE_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: Sequence[Row]


# (table, rows written, seconds) after each table.
Progress = Callable[[str, int, float], None]


class DemoSchemaError(RuntimeError):
    """A column the demo data does not fill has no default: the seeder needs updating."""


async def count_posts(conn: AsyncConnection) -> int:
    return int(await conn.scalar(select(func.count()).select_from(Post)) or 0)


async def read_existing(conn: AsyncConnection) -> Existing:
    """Names the new rows must not take: usernames, emails, tag slugs and post slugs."""
    users = (await conn.execute(select(User.username, User.id, User.email))).all()
    tags = (await conn.execute(select(Tag.slug, Tag.name_key, Tag.id))).all()
    slugs = (await conn.scalars(select(Post.slug))).all()
    return Existing(
        users={username: user_id for username, user_id, _ in users},
        emails=frozenset(email for _, _, email in users),
        tags={row.slug: row.id for row in tags},
        tag_names={row.name_key: row.id for row in tags},
        slugs=frozenset(slugs),
    )


def with_defaults(table: Table, rows: TableRows) -> TableRows:
    """Add the columns a later migration gave a Python-side default the generator does not set."""
    names: list[str] = []
    values: list[Any] = []
    for column in table.columns:
        if column.name in rows.columns or column.server_default is not None or column.nullable:
            continue
        default = column.default
        if default is None or not getattr(default, "is_scalar", False):
            raise DemoSchemaError(f"{table.name}.{column.name} has no default for demo rows")
        names.append(column.name)
        values.append(getattr(default, "arg", None))
    if not names:
        return rows
    extra = tuple(values)
    return TableRows(rows.table, rows.columns + tuple(names), [row + extra for row in rows.rows])


async def load(conn: AsyncConnection, tables: Iterable[TableRows], progress: Progress) -> None:
    """Insert every table's rows, parents first, in the transaction `conn` is in."""
    postgres = conn.dialect.name == "postgresql"
    for given in tables:
        rows = with_defaults(metadata.tables[given.table], given)
        started = time.perf_counter()
        if postgres:
            await _copy(conn, rows)
        else:
            await _execute_many(conn, rows)
        progress(rows.table, len(rows.rows), time.perf_counter() - started)


async def _copy(conn: AsyncConnection, rows: TableRows) -> None:
    if not rows.rows:
        return
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection  # the asyncpg connection, in this transaction
    await driver.copy_records_to_table(
        rows.table,
        records=rows.rows,
        columns=list(rows.columns),
        timeout=COPY_TIMEOUT_SECONDS,
    )


def _sqlite_values(conn: AsyncConnection, rows: TableRows) -> list[Row]:
    """Rows as SQLite stores them: SQLAlchemy's own bind processors (uuid hex, UTC text)."""
    table = metadata.tables[rows.table]
    processors = [table.c[name].type.bind_processor(conn.dialect) for name in rows.columns]
    if all(processor is None for processor in processors):
        return list(rows.rows)
    steps = list(enumerate(processors))
    return [
        tuple(
            value if processor is None or value is None else processor(value)
            for (_, processor), value in zip(steps, row, strict=True)
        )
        for row in rows.rows
    ]


async def _execute_many(conn: AsyncConnection, rows: TableRows) -> None:
    columns = ", ".join(rows.columns)
    marks = ", ".join("?" for _ in rows.columns)
    sql = f"INSERT INTO {rows.table} ({columns}) VALUES ({marks})"  # noqa: S608 (our names)
    values = _sqlite_values(conn, rows)
    for start in range(0, len(values), SQLITE_BATCH):
        await conn.exec_driver_sql(sql, values[start : start + SQLITE_BATCH])
