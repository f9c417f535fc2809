"""PostgreSQL's backups: `pg_dump --format=custom` (a consistent snapshot of its own, taken
while the service runs) and `pg_restore` in one transaction. The connection comes from
DATABASE_URL through libpq's environment variables, so the password never shows in `ps`.
"""

import os
import re
import shutil
import subprocess
from collections import deque
from pathlib import Path

from sqlalchemy.engine import make_url

from blogapi.portability.errors import PortabilityError, ToolMissing
from blogapi.portability.progress import Step

MAGIC = b"PGDMP"
# What --verbose says as it reaches each table.
_TABLE_LINE = re.compile(
    r'(?:dumping contents of|processing data for) table "(?:[^".]+\.)?([^"]+)"'
)
_SSL_MODES = {"true": "require", "false": "disable"}


def tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a refusal naming it."""
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(
            f"{name} is not installed (or not on PATH): install the PostgreSQL client tools, "
            "version 15 or newer (Debian and Ubuntu: apt-get install postgresql-client)"
        )
    return found


def libpq_environment(database_url: str) -> dict[str, str]:
    """This process's environment plus PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and
    PGSSLMODE from the SQLAlchemy URL."""
    url = make_url(database_url)
    ssl = url.query.get("sslmode") or url.query.get("ssl")
    ssl_mode = ssl if isinstance(ssl, str) else None
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password if isinstance(url.password, str) else None,
        "PGDATABASE": url.database,
        "PGSSLMODE": _SSL_MODES.get(ssl_mode, ssl_mode) if ssl_mode else None,
    }
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def _run(name: str, arguments: list[str], database_url: str, step: Step, watch: Path | None) -> str:
    """Run a client program with --verbose, showing the table it is at (and the bytes of
    `watch` written so far); returns its standard output, or raises with its error line."""
    process = subprocess.Popen(  # noqa: S603 (our arguments; the tool found on PATH)
        [tool(name), "--verbose", "--no-password", *arguments],
        env=libpq_environment(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stdout is not None
    last = deque[str](maxlen=20)
    for line in process.stderr:
        last.append(line.rstrip())
        if match := _TABLE_LINE.search(line):
            step.set_label(f"{name}: {match.group(1)}")
            if watch is None:
                step.advance(1)
        if watch is not None and watch.exists():
            step.advance(watch.stat().st_size - step.done)
    output = process.stdout.read()
    if process.wait() != 0:
        errors = [line for line in last if ": error:" in line or "FATAL" in line]
        detail = (errors or list(last) or ["no message"])[-1]
        raise PortabilityError(f"{name} failed: {detail.removeprefix(f'{name}: error: ')}")
    return output


def dump(database_url: str, destination: Path, step: Step) -> None:
    """`pg_dump --format=custom` of the database to `destination`, renamed when complete."""
    tool("pg_dump")
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        _run("pg_dump", ["--format=custom", f"--file={partial}"], database_url, step, partial)
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)


def revision_of(database_url: str, source: Path) -> str | None:
    """The schema revision a dump holds: the rows of its alembic_version table."""
    tool("pg_restore")
    result = subprocess.run(  # noqa: S603 (as above)
        [tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(source)],
        env=libpq_environment(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise PortabilityError(f"pg_restore cannot read {source}: {message}")
    lines = result.stdout.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("COPY ")]
    if not starts or starts[0] + 1 >= len(lines) or lines[starts[0] + 1] == "\\.":
        return None
    return lines[starts[0] + 1].strip()


def restore(database_url: str, source: Path, step: Step) -> None:
    """`pg_restore` of the dump into the (empty) database, in one transaction."""
    database = make_url(database_url).database or ""
    quoted = database.replace("\\", "\\\\").replace("'", "\\'")
    _run(
        "pg_restore",
        [
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",  # objects belong to whoever restores: the roles may differ
            "--no-privileges",
            f"--dbname=dbname='{quoted}'",
            str(source),
        ],
        database_url,
        step,
        None,
    )
