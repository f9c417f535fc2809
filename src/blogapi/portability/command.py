"""The `backup`, `restore`, `export` and `import` command lines, and `migrate --to`: their
arguments, the run, a summary on stdout, and refusals as one line on stderr (exit 2)."""

import argparse
import asyncio
import sys
from pathlib import Path
from typing import NoReturn

from rich.filesize import decimal
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from blogapi.core.config import Settings
from blogapi.portability import backups, revisions
from blogapi.portability.errors import PortabilityError
from blogapi.portability.exporting import export_archive
from blogapi.portability.importing import import_archive
from blogapi.portability.progress import Progress

COMMANDS = ("backup", "restore", "export", "import")


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    for name, helped, path_help in (
        (
            "backup",
            "a consistent copy of the database while the service runs (SQLite's backup API, "
            "or pg_dump --format=custom)",
            "the file to write (it must not exist)",
        ),
        (
            "restore",
            "a backup into an empty database of the same engine",
            "a file `blogapi backup` wrote",
        ),
        (
            "export",
            "every table (JSON Lines), the schema revision and the media files into a "
            "portable archive, while the service runs",
            "the archive to write, PATH.tar.gz (it must not exist)",
        ),
        (
            "import",
            "an export into an empty database of either engine, then migrations to head "
            "(one transaction)",
            "an archive `blogapi export` wrote",
        ),
    ):
        commands.add_parser(name, help=helped).add_argument("path", type=Path, help=path_help)


def fail(command: str, message: str) -> NoReturn:
    print(f"blogapi {command}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _one_line(error: Exception) -> str:
    if isinstance(error, ConnectionError | TimeoutError):
        return f"cannot reach the database: {error}"
    if isinstance(error, DBAPIError):
        error_text = str(error.orig) or type(error.orig).__name__
        return f"database error: {error_text.strip().splitlines()[0]}"
    return (str(error) or type(error).__name__).strip().splitlines()[0]


async def _run(command: str, path: Path, settings: Settings, progress: Progress) -> str:
    if command == "backup":
        done = await backups.backup(settings, path, progress)
        return (
            f"backed up the {done.engine} database (schema {done.revision}) to {path}: "
            f"{decimal(done.size)} in {done.seconds:.1f} s"
        )
    if command == "restore":
        done = await backups.restore(settings, path, progress)
        later = "" if done.revision == revisions.head() else "; now run `blogapi migrate`"
        return (
            f"restored {path} (schema {done.revision}) into the {done.engine} database "
            f"in {done.seconds:.1f} s{later}"
        )
    if command == "export":
        out = await export_archive(settings, path, progress)
        media = f"{out.media_files:,} media files"
        if out.media_keys:
            media = f"{out.media_keys:,} S3 media keys"
        return (
            f"exported {out.rows:,} rows of {out.tables} tables and {media} from {out.engine} "
            f"(schema {out.revision}) to {path}: {decimal(out.size)} in {out.seconds:.1f} s"
        )
    into = await import_archive(settings, path, progress)
    count = len(into.upgraded)
    upgraded = f", then {count} migration{'s' * (count != 1)} to head" if count else ""
    media = f"{into.media_written:,} media files written"
    if into.media_present:
        media += f" ({into.media_present:,} were there already)"
    return (
        f"imported {into.rows:,} rows of {into.tables} tables from {into.archive_engine} "
        f"(schema {into.revision}) into {into.engine}{upgraded}; {media}; "
        f"{into.seconds:.1f} s"
    )


def run(args: argparse.Namespace, settings: Settings) -> None:
    try:
        with Progress() as progress:
            summary = asyncio.run(_run(args.command, args.path, settings, progress))
    except PortabilityError as error:
        fail(args.command, str(error))
    except (SQLAlchemyError, OSError) as error:
        fail(args.command, _one_line(error))
    print(summary)


def migrate_to(revision: str, settings: Settings) -> None:
    """`blogapi migrate --to REV`, with what it did (and so what a downgrade lost)."""
    try:
        move = asyncio.run(revisions.migrate_to(settings, revision))
    except PortabilityError as error:
        fail("migrate", str(error))
    except (SQLAlchemyError, OSError) as error:
        fail("migrate", _one_line(error))
    if not move.steps:
        print(f"the database is at {move.end or 'base'} already")
        return
    verb, did = ("downgraded", "undid") if move.downgrade else ("upgraded", "applied")
    print(f"{verb} from {move.start or 'base'} to {move.end or 'base'}; {did}:")
    for step in move.steps:
        print(f"  {step}")
