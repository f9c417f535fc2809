"""SQLite's backups: its online backup API, copying the database page by page.

The copy is made in one step: a copy in several steps starts over whenever another
connection writes, and a running service writes. In one step it is the database at one
moment, while WAL lets the service go on writing. The file is left in rollback-journal mode,
one self-contained file; the app turns WAL on again when it opens a restored database.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from blogapi.portability.errors import DatabaseNotEmpty, PortabilityError

MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30.0


def revision_of(path: Path) -> str | None:
    """The schema revision an SQLite file records, None when it records none."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as database:
        try:
            row = database.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
    return None if row is None else str(row[0])


def backup(source: Path, destination: Path) -> None:
    """A consistent copy of the database at `source`, checked, then renamed into place."""
    if not source.is_file():
        raise PortabilityError(f"there is no SQLite database at {source}")
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as database,
            closing(sqlite3.connect(partial)) as copy,
        ):
            database.backup(copy)  # every page in one step: see the module's docstring
            copy.execute("PRAGMA journal_mode=DELETE")
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise PortabilityError(f"the copy failed SQLite's quick_check: {verdict}")
        Path(partial).replace(destination)
    finally:
        partial.unlink(missing_ok=True)


def refuse_unless_new(target: Path) -> None:
    """A restore writes a whole database: only into a file that is missing or has no table."""
    if not target.exists() or target.stat().st_size == 0:
        return
    with closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)) as database:
        (tables,) = database.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
    if tables:
        raise DatabaseNotEmpty(
            f"{target} has {tables} tables already: restore into a new database file "
            "(point DATABASE_URL at a path that does not exist yet)"
        )


def restore(source: Path, target: Path) -> None:
    """Copy the backup at `source` into the database file `target`, in one transaction."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup_file,
        closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)) as database,
    ):
        backup_file.backup(database)
        (verdict,) = database.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise PortabilityError(f"the restored database failed SQLite's quick_check: {verdict}")
