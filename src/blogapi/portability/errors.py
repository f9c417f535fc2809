"""What the portability commands refuse or fail at: one line each, exit status 2; and the
checks on the files they are given."""

from pathlib import Path


class PortabilityError(Exception):
    """A refusal or failure reported as one line (`blogapi <command>: error: ...`)."""


class ArchiveDamaged(PortabilityError):
    """The archive is not a blogapi export, or a part of it does not match its checksum."""


class DatabaseNotEmpty(PortabilityError):
    """An import or restore was pointed at a database that holds something already."""


class UnknownRevision(PortabilityError):
    """A schema revision this version of blogapi does not have (a newer one, usually)."""


class ToolMissing(PortabilityError):
    """A program the command needs (pg_dump, pg_restore) is not on PATH."""


def check_destination(path: Path) -> None:
    """A file the command will write: not there yet, in a directory that is."""
    if path.exists():
        raise PortabilityError(f"{path} exists already: choose another name")
    if not path.parent.is_dir():
        raise PortabilityError(f"{path.parent}: no such directory")


def file_size(path: Path) -> int:
    return path.stat().st_size
