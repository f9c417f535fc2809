"""`blogapi backup PATH` and `blogapi restore PATH`: a copy of the database as its engine
makes one (sqlite_backups.py, pg_backups.py), and that copy back into an empty database of
the same engine. Media files are not in a backup: copy MEDIA_DIR beside it
(docs/operations.md). To change engines, use export and import."""

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from blogapi.core.config import Settings
from blogapi.portability import pg_backups, revisions, sqlite_backups
from blogapi.portability.database import long_run_engine, table_names, vacuum_analyze
from blogapi.portability.errors import (
    DatabaseNotEmpty,
    PortabilityError,
    UnknownRevision,
    check_destination,
    file_size,
)
from blogapi.portability.progress import Progress

ENGINE_NAMES = {"sqlite": "an SQLite database", "postgresql": "a PostgreSQL dump (pg_dump)"}


@dataclass(frozen=True, slots=True)
class BackupSummary:
    engine: str
    revision: str | None
    size: int
    seconds: float


def _engine(settings: Settings) -> str:
    sqlite = make_url(settings.database_url).drivername.startswith("sqlite")
    return "sqlite" if sqlite else "postgresql"


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise PortabilityError("DATABASE_URL names an in-memory SQLite database: nothing to copy")
    return Path(database)


async def _revision(settings: Settings) -> str | None:
    engine = long_run_engine(settings)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(revisions.current)
    finally:
        await engine.dispose()


async def backup(settings: Settings, destination: Path, progress: Progress) -> BackupSummary:
    started = time.perf_counter()
    check_destination(destination)
    engine = _engine(settings)
    if engine == "postgresql":
        pg_backups.tool("pg_dump")  # before anything else: the one thing that may be missing
        revision = await _revision(settings)
        step = progress.step("pg_dump", "bytes")
        pg_backups.dump(settings.database_url, destination, step)
    else:
        source = _sqlite_path(settings)
        step = progress.step(f"copying {source.name}", "bytes")
        sqlite_backups.backup(source, destination)
        step.advance(file_size(destination))
        revision = sqlite_backups.revision_of(destination)
    step.finish()
    return BackupSummary(engine, revision, file_size(destination), time.perf_counter() - started)


def _kind_of_file(source: Path) -> str | None:
    if not source.is_file():
        raise PortabilityError(f"{source}: no such file")
    with source.open("rb") as file:
        start = file.read(len(sqlite_backups.MAGIC))
    if start.startswith(sqlite_backups.MAGIC):
        return "sqlite"
    if start.startswith(pg_backups.MAGIC):
        return "postgresql"
    return None


async def _refuse_unless_no_tables(settings: Settings) -> None:
    engine = long_run_engine(settings)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(table_names)
    finally:
        await engine.dispose()
    if tables:
        raise DatabaseNotEmpty(
            f"the database has {len(tables)} tables already: restore into a new, empty "
            "database (createdb), or drop and create this one"
        )


async def restore(settings: Settings, source: Path, progress: Progress) -> BackupSummary:
    started = time.perf_counter()
    engine, found = _engine(settings), _kind_of_file(source)
    if found is None:
        kinds = " nor ".join(ENGINE_NAMES.values())
        raise PortabilityError(f"{source} is not a backup: neither {kinds}")
    if found != engine:
        raise PortabilityError(
            f"{source} is {ENGINE_NAMES[found]} and DATABASE_URL names a {engine} database: a "
            "backup restores into its own engine (to move between engines: export, import)"
        )
    if engine == "postgresql":
        revision = pg_backups.revision_of(settings.database_url, source)
    else:
        revision = sqlite_backups.revision_of(source)
    if revision is None:
        raise PortabilityError(f"{source} holds no blogapi schema (no Alembic revision)")
    if not revisions.is_known(revision):
        raise UnknownRevision(
            f"the backup is at schema revision {revision}, which this blogapi does not have: "
            "restore it with the blogapi version that made it"
        )
    if engine == "postgresql":
        pg_backups.tool("pg_restore")
        await _refuse_unless_no_tables(settings)
        step = progress.step("pg_restore", "tables")
        pg_backups.restore(settings.database_url, source, step)
        engine_for_analysis = long_run_engine(settings)
        try:
            await vacuum_analyze(engine_for_analysis)
        finally:
            await engine_for_analysis.dispose()
    else:
        target = _sqlite_path(settings)
        sqlite_backups.refuse_unless_new(target)
        step = progress.step(f"restoring {target.name}", "bytes")
        sqlite_backups.restore(source, target)
        step.advance(file_size(source))
    step.finish()
    return BackupSummary(engine, revision, file_size(source), time.perf_counter() - started)
