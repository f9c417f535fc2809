"""`blogapi import PATH.tar.gz`: an archive into an empty database of either engine, in one
transaction: migrate to the archive's revision, load its rows (each part checked against
its SHA-256 as it is read), store its media, then migrate to head. Any refusal or failure
rolls all of it back, and the media files it wrote are removed."""

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from blogapi.core.config import Settings
from blogapi.media.storage import S3Storage, storage_for
from blogapi.portability import revisions
from blogapi.portability.archive import ArchiveReader, Manifest
from blogapi.portability.database import (
    advance_identities,
    carried_tables,
    long_run_engine,
    rebuild_search_indexes,
    stored_columns,
    tables_with_rows,
    vacuum_analyze,
    write_transaction,
)
from blogapi.portability.errors import (
    ArchiveDamaged,
    DatabaseNotEmpty,
    UnknownRevision,
)
from blogapi.portability.loading import load_table
from blogapi.portability.media_files import MediaWriter
from blogapi.portability.progress import Progress


@dataclass(frozen=True, slots=True)
class ImportSummary:
    engine: str
    archive_engine: str
    revision: str
    # Migrations run after the rows were loaded (the archive's revision up to head).
    upgraded: tuple[str, ...]
    tables: int
    rows: int
    media_written: int
    media_present: int
    media_keys: int
    seconds: float


def refuse_unless_empty(connection: Connection) -> None:
    if filled := tables_with_rows(connection):
        shown = ", ".join(filled[:3]) + (" ..." if len(filled) > 3 else "")
        raise DatabaseNotEmpty(
            f"the database is not empty ({shown} {'has' if len(filled) == 1 else 'have'} rows): "
            "import into an empty database"
        )


def _check_tables(connection: Connection, manifest: Manifest) -> None:
    """The archive's tables and columns are those of its revision here."""
    here = {table.name: set(stored_columns(table)) for table in carried_tables(connection)}
    carried = {entry.name: set(entry.columns) for entry in manifest.tables}
    for name in sorted(here.keys() | carried.keys()):
        if here.get(name) != carried.get(name):
            raise ArchiveDamaged(
                f"table {name} in the archive does not match revision {manifest.revision} "
                "of the schema (an edited archive?)"
            )


async def _store_media(
    manifest: Manifest, reader: ArchiveReader, writer: MediaWriter, progress: Progress
) -> None:
    if manifest.media.storage == "s3":
        advice = ""
        if not isinstance(writer.storage, S3Storage):
            advice = "; to use them, set STORAGE_BACKEND=s3 and S3_BUCKET"
        progress.say(
            f"media: {len(manifest.media.keys):,} keys of S3 bucket {manifest.media.bucket} "
            f"(the objects stay there{advice})"
        )
        return
    step = progress.step("media files", "files", len(manifest.media.files))
    for media_file in manifest.media.files:
        await writer.put(media_file.key, reader.content(media_file.part))
        step.advance(1)
    step.finish()


async def _load(
    engine: AsyncEngine,
    manifest: Manifest,
    reader: ArchiveReader,
    writer: MediaWriter,
    progress: Progress,
) -> tuple[str, ...]:
    async with write_transaction(engine) as connection:
        await connection.run_sync(refuse_unless_empty)
        await connection.run_sync(revisions.move, manifest.revision)
        await connection.run_sync(_check_tables, manifest)
        for entry in manifest.tables:
            step = progress.step(entry.name, "rows", entry.rows)
            lines = reader.lines(entry.part)
            try:
                await load_table(connection, entry, lines, step)
            except Exception:
                lines.verify_rest()  # a damaged part says so, whatever it broke first
                raise
            step.finish()
        await _store_media(manifest, reader, writer, progress)
        reader.finish()
        upgraded = await connection.run_sync(revisions.move, revisions.head())
        await connection.run_sync(rebuild_search_indexes)
        await connection.run_sync(advance_identities)
    return upgraded.steps


async def import_archive(settings: Settings, source: Path, progress: Progress) -> ImportSummary:
    """Load the archive at `source` into the (empty) database of `settings`."""
    started = time.perf_counter()
    reader = ArchiveReader.open(source)
    try:
        manifest = reader.manifest()
        if not revisions.is_known(manifest.revision):
            raise UnknownRevision(
                f"the archive is at schema revision {manifest.revision}, which this blogapi "
                f"does not have (its newest is {revisions.head()}): import it with a blogapi "
                "at least as new as the one that exported it"
            )
        engine = long_run_engine(settings)
        writer = MediaWriter(storage_for(settings))
        try:
            try:
                upgraded = await _load(engine, manifest, reader, writer, progress)
            except BaseException:
                await writer.undo()
                raise
            if engine.dialect.name == "postgresql":
                await vacuum_analyze(engine)
        finally:
            await engine.dispose()
    finally:
        reader.close()
    return ImportSummary(
        engine=engine.dialect.name,
        archive_engine=manifest.engine,
        revision=manifest.revision,
        upgraded=upgraded,
        tables=len(manifest.tables),
        rows=sum(entry.rows for entry in manifest.tables),
        media_written=len(writer.written),
        media_present=writer.present,
        media_keys=len(manifest.media.keys),
        seconds=time.perf_counter() - started,
    )
