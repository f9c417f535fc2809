"""An archive's table into the database, in the caller's transaction.

PostgreSQL: one binary `COPY` per table, fed as the part is read; its foreign keys are
checked at the end of the statement, so a reply may come before the comment it answers.
SQLite: `executemany` in batches, foreign keys checked at commit
(database.write_transaction). The derived search data follows by itself: PostgreSQL
computes `search_vector` on insert, and SQLite's FTS5 triggers index each post as it comes.
"""

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs; only its error class is used
import orjson
from sqlalchemy import Column, MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from blogapi.portability.archive import TableEntry
from blogapi.portability.columns import BIND_TYPES, copy_value, decoder
from blogapi.portability.database import LONG_RUN_SECONDS
from blogapi.portability.errors import ArchiveDamaged, PortabilityError
from blogapi.portability.progress import Step

BATCH = 2_000
Row = tuple[Any, ...]


def _rows(entry: TableEntry, lines: Iterable[bytes]) -> Iterator[Row]:
    names = list(entry.columns)
    expected = set(names)
    where = entry.part.name
    decoders: list[Callable[[Any], Any]] = [
        decoder(kind, f"{where}: {name}") for name, kind in entry.columns.items()
    ]
    for number, line in enumerate(lines, 1):
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise ArchiveDamaged(f"{where}: line {number} is not JSON") from None
        if not isinstance(row, dict) or row.keys() != expected:
            raise ArchiveDamaged(f"{where}: line {number} does not have the table's columns")
        yield tuple(decode(row[name]) for name, decode in zip(names, decoders, strict=True))


async def load_table(
    connection: AsyncConnection, entry: TableEntry, lines: Iterable[bytes], step: Step
) -> None:
    """Insert the rows of one part; its checksum is checked before the insert completes."""
    rows = _rows(entry, lines)
    if connection.dialect.name == "postgresql":
        await _copy(connection, entry, rows, step)
    else:
        await _insert(connection, entry, rows, step)
    if step.done != entry.rows:
        raise ArchiveDamaged(
            f"{entry.part.name} has {step.done:,} rows where the manifest says {entry.rows:,}"
        )


async def _copy(
    connection: AsyncConnection, entry: TableEntry, rows: Iterator[Row], step: Step
) -> None:
    converters = [copy_value(kind) for kind in entry.columns.values()]
    pending = 0

    async def records() -> AsyncIterator[Row]:
        nonlocal pending
        for row in rows:
            yield tuple(convert(v) for convert, v in zip(converters, row, strict=True))
            pending += 1
            if pending == BATCH:
                step.advance(pending)
                pending = 0

    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection  # asyncpg's, inside this transaction
    try:
        await driver.copy_records_to_table(
            entry.name,
            records=records(),
            columns=list(entry.columns),
            timeout=LONG_RUN_SECONDS,
        )
    except asyncpg.PostgresError as error:
        raise PortabilityError(f"PostgreSQL refused the rows of {entry.name}: {error}") from None
    step.advance(pending)


async def _insert(
    connection: AsyncConnection, entry: TableEntry, rows: Iterator[Row], step: Step
) -> None:
    # Bound with the kinds' generic types, SQLAlchemy stores values as the app does.
    table = Table(
        entry.name,
        MetaData(),
        *(Column(name, BIND_TYPES[kind]()) for name, kind in entry.columns.items()),
    )
    names = list(entry.columns)
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(dict(zip(names, row, strict=True)))
        if len(batch) == BATCH:
            await connection.execute(table.insert(), batch)
            step.advance(len(batch))
            batch = []
    if batch:
        await connection.execute(table.insert(), batch)
        step.advance(len(batch))
