"""`blogapi export PATH.tar.gz`: every carried table as JSON Lines, read in one snapshot while
the service runs, with the schema revision and the media, into one archive (archive.py)."""

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Table, func, select, types
from sqlalchemy.ext.asyncio import AsyncConnection

import blogapi
from blogapi.core.config import Settings
from blogapi.media.storage import S3Storage, storage_for
from blogapi.portability import revisions
from blogapi.portability.archive import (
    Manifest,
    MediaEntry,
    MediaFile,
    Part,
    PartFile,
    TableEntry,
    describe_file,
    media_part_name,
    pack,
    table_part_name,
)
from blogapi.portability.columns import encoder, kind_of
from blogapi.portability.database import carried_tables, long_run_engine, snapshot, stored_columns
from blogapi.portability.errors import PortabilityError, check_destination, file_size
from blogapi.portability.media_files import local_files, s3_keys
from blogapi.portability.progress import Progress

ROWS_PER_FETCH = 2_000


@dataclass(frozen=True, slots=True)
class ExportSummary:
    engine: str
    revision: str
    tables: int
    rows: int
    media_files: int
    media_keys: int
    size: int
    seconds: float


def _order(table: Table, columns: list[str], postgres: bool) -> list[ColumnElement[Any]]:
    """Primary-key order, the same on both engines: UUIDs sort as their hex does, and text
    compares byte by byte (PostgreSQL's `C` collation, SQLite's default)."""
    keys: list[ColumnElement[Any]] = list(table.primary_key.columns) or [
        table.c[name] for name in columns
    ]
    return [
        key.collate("C") if postgres and isinstance(key.type, types.String) else key for key in keys
    ]


async def _write_table(
    connection: AsyncConnection, table: Table, index: int, scratch: Path, progress: Progress
) -> tuple[TableEntry, Path]:
    # By name: the engines order a table's columns differently once migrations have added
    # some (SQLite's batch mode rebuilds tables), and a row should read the same from both.
    columns = sorted(stored_columns(table))
    kinds = [kind_of(table.c[n].type, connection.dialect, f"{table.name}.{n}") for n in columns]
    encoders = [encoder(kind) for kind in kinds]
    total = int(await connection.scalar(select(func.count()).select_from(table)) or 0)
    step = progress.step(table.name, "rows", total)
    part = PartFile(scratch / f"{index:04d}.jsonl", table_part_name(index, table.name))
    postgres = connection.dialect.name == "postgresql"
    statement = select(*(table.c[n] for n in columns)).order_by(*_order(table, columns, postgres))
    result = await connection.stream(statement)
    async for rows in result.partitions(ROWS_PER_FETCH):
        part.write(
            b"".join(
                orjson.dumps(
                    {n: e(v) for n, e, v in zip(columns, encoders, row, strict=True)},
                    option=orjson.OPT_APPEND_NEWLINE,
                )
                for row in rows
            )
        )
        step.advance(len(rows))
    step.finish()
    entry = TableEntry(
        name=table.name,
        columns=dict(zip(columns, kinds, strict=True)),
        rows=step.done,
        part=part.close(),
    )
    return entry, part.path


def _media(settings: Settings, progress: Progress) -> tuple[MediaEntry, list[tuple[Part, Path]]]:
    storage = storage_for(settings)
    if isinstance(storage, S3Storage):
        keys = s3_keys(storage)
        progress.say(f"media: {len(keys):,} keys in S3 bucket {storage.bucket} (not copied)")
        return MediaEntry(storage="s3", bucket=storage.bucket, keys=keys), []
    files = local_files(storage.root)
    step = progress.step("media files", "files", len(files))
    entries: list[MediaFile] = []
    sources: list[tuple[Part, Path]] = []
    for key, path in files:
        part = describe_file(path, media_part_name(key))
        entries.append(MediaFile(key=key, part=part))
        sources.append((part, path))
        step.advance(1)
    step.finish()
    return MediaEntry(storage="local", files=entries), sources


async def export_archive(
    settings: Settings, destination: Path, progress: Progress
) -> ExportSummary:
    """Write the archive of the database of `settings` (and its media) to `destination`."""
    started = time.perf_counter()
    check_destination(destination)
    engine = long_run_engine(settings)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".blogapi-export-") as work:
        scratch = Path(work)
        try:
            async with snapshot(engine) as connection:
                revision = await connection.run_sync(revisions.current)
                if revision is None:
                    raise PortabilityError(
                        "the database has no blogapi schema (no Alembic revision): "
                        "nothing to export"
                    )
                tables = await connection.run_sync(carried_tables)
                written = [
                    await _write_table(connection, table, index, scratch, progress)
                    for index, table in enumerate(tables, 1)
                ]
        finally:
            await engine.dispose()
        media, media_sources = _media(settings, progress)
        manifest = Manifest(
            blogapi_version=blogapi.__version__,
            created_at=datetime.now(UTC),
            engine=engine.dialect.name,
            revision=revision,
            tables=[entry for entry, _ in written],
            media=media,
        )
        sources = [(entry.part, path) for entry, path in written] + media_sources
        step = progress.step(
            f"writing {destination.name}", "bytes", sum(p.size for p, _ in sources)
        )
        pack(destination, manifest, sources, step.advance)
        step.finish()
    return ExportSummary(
        engine=manifest.engine,
        revision=revision,
        tables=len(manifest.tables),
        rows=sum(t.rows for t in manifest.tables),
        media_files=len(media.files),
        media_keys=len(media.keys),
        size=file_size(destination),
        seconds=time.perf_counter() - started,
    )
