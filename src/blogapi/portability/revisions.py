"""The schema's revisions (Alembic): which ones this code knows, where a database stands, and
moving it to a named one, on a connection the caller holds, so that a move can share the
caller's transaction (an import migrates and loads in one)."""

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection

from blogapi.core.config import Settings
from blogapi.portability.database import long_run_engine, write_transaction
from blogapi.portability.errors import UnknownRevision

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    """Alembic's configuration for our migrations, on DATABASE_URL (or this URL), or on a
    connection already open (migrations/env.py then runs in its transaction)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    found = _scripts().get_current_head()
    assert found is not None, "the migrations have no head"
    return found


def resolve(revision: str) -> str | None:
    """The full id of `revision` (`head`, `base`, an id or a unique prefix of one); None is
    base, the empty schema."""
    if revision == "base":
        return None
    try:
        found = _scripts().get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise UnknownRevision(
            f"this blogapi has no schema revision {revision!r} (its newest is {head()}; "
            "a newer revision needs a newer blogapi)"
        )
    return found.revision


def is_known(revision: str) -> bool:
    try:
        resolve(revision)
    except UnknownRevision:
        return False
    return True


def current(connection: Connection) -> str | None:
    """The revision the database of `connection` is at; None when it has no schema."""
    return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True, slots=True)
class Move:
    start: str | None
    end: str | None
    downgrade: bool
    # "<revision> <what it does>" of each migration applied (or undone), in the order run.
    steps: tuple[str, ...]


def plan(start: str | None, end: str | None) -> Move:
    """The migrations between two revisions, and whether they are undone."""
    if start is not None and not is_known(start):
        raise UnknownRevision(
            f"the database is at schema revision {start}, which this blogapi does not have "
            "(it was migrated by a newer one): use that version"
        )
    if start == end:
        return Move(start, end, downgrade=False, steps=())
    scripts = _scripts()
    below_start = (
        set() if start is None else {r.revision for r in scripts.iterate_revisions(start, "base")}
    )
    downgrade = end is None or end in below_start
    upper, lower = (start, end) if downgrade else (end, start)
    revisions = list(scripts.iterate_revisions(upper, lower or "base"))
    if not downgrade:
        revisions.reverse()
    steps = tuple(f"{r.revision} {(r.doc or '').splitlines()[0]}".strip() for r in revisions)
    return Move(start, end, downgrade=downgrade, steps=steps)


def move(connection: Connection, end: str | None) -> Move:
    """Migrate the database of `connection` to `end`, in the transaction it is in."""
    planned = plan(current(connection), end)
    if planned.steps:
        config = alembic_config(connection=connection)
        if planned.downgrade:
            command.downgrade(config, end or "base")
        else:
            command.upgrade(config, end or "head")
    return planned


async def migrate_to(settings: Settings, revision: str) -> Move:
    """`blogapi migrate --to REV`: upgrade or downgrade to a named revision, in one transaction."""
    end = resolve(revision)
    engine = long_run_engine(settings)
    try:
        async with write_transaction(engine) as connection:
            return await connection.run_sync(move, end)
    finally:
        await engine.dispose()
