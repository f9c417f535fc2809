"""Helpers for the moving tests: throwaway databases of each engine (named after this run's
test database), the demo data in one, running `blogapi`, and archives taken apart and put
back together (to damage or edit them)."""

import asyncio
import hashlib
import io
import json
import sqlite3
import tarfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from alembic import command
from asgi_lifespan import LifespanManager
from factories import create_user
from fastapi import FastAPI
from harness import (
    PG_URL,
    TEST_SECRET,
    ensure_postgres_database,
    make_settings,
    require_postgres,
    reset_postgres_schema,
)
from rich.console import Console
from sqlalchemy import text
from sqlalchemy.engine import make_url

from blogapi import cli
from blogapi.core.config import Settings, get_settings
from blogapi.core.db import create_engine
from blogapi.demo.generator import SeedOptions
from blogapi.demo.seed import seed_demo
from blogapi.main import create_app
from blogapi.portability import database
from blogapi.portability.progress import Progress

ENGINES = ["sqlite", "postgresql"]
# Small enough for CI on both engines, with threads, tags, drafts, likes and cover images.
SMALL = SeedOptions(users=20, posts=60, comments=200, tags=15, render_workers=0, images=2)


def pg_database(suffix: str) -> str:
    """A PostgreSQL database of this run's own, `<test database>_<suffix>`, with no tables."""
    require_postgres()
    parsed = make_url(PG_URL)
    url = parsed.set(database=f"{parsed.database}_{suffix}").render_as_string(hide_password=False)
    asyncio.run(ensure_postgres_database(url))
    asyncio.run(reset_postgres_schema(url))
    return url


def empty_database(engine: str, tmp_path: Path, name: str) -> str:
    """A database of `engine` with no tables at all."""
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
    return pg_database(name)


@dataclass(frozen=True)
class Place:
    """A database and its media directory: where a blog lives."""

    url: str
    media: Path

    @property
    def engine(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    def settings(self, **overrides: object) -> Settings:
        # A webhook may point at this machine (the round trip's fails to a closed port).
        values = {"webhook_allowed_private_hosts": ["127.0.0.1"], **overrides}
        return make_settings(self.url, media_dir=str(self.media), **values)


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(cli.alembic_config(url), revision)


async def migrated(url: str) -> None:
    """`migrate` from a test's event loop (Alembic's env.py runs a loop of its own)."""
    await asyncio.to_thread(migrate, url)


async def seed(place: Place, options: SeedOptions = SMALL) -> None:
    await seed_demo(place.settings(), options, io.StringIO())


def quiet() -> Progress:
    """Progress written nowhere (as to a log, not a terminal)."""
    return Progress(Console(file=io.StringIO(), highlight=False))


@asynccontextmanager
async def serving(place: Place) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app on `place` and a client (rate limits off); the data stays."""
    application = create_app(place.settings())
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield application, client


async def add_account(place: Place) -> None:
    """One account, made as the app makes them."""
    async with serving(place) as (app, _):
        await create_user(app)


async def query(url: str, sql: str) -> list[tuple[object, ...]]:
    """Run `sql` and commit; its rows, if it returns any."""
    engine = create_engine(make_settings(url))
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(sql))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


async def table_names(url: str) -> set[str]:
    engine = create_engine(make_settings(url))
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(database.table_names))
    finally:
        await engine.dispose()


async def row_counts(url: str) -> dict[str, int]:
    """Rows of every carried table."""
    engine = create_engine(make_settings(url))
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(database.carried_tables)
            counts = {}
            for table in tables:
                count = f"SELECT count(*) FROM {table.name}"
                counts[table.name] = int((await connection.execute(text(count))).scalar_one())
            return counts
    finally:
        await engine.dispose()


@dataclass
class Ran:
    code: int | str | None
    out: str
    err: str


def run_blogapi(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    place: Place,
    *args: str,
) -> Ran:
    """`blogapi <args>` on `place`, as from a shell: its exit code and what it printed."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", place.url)
    monkeypatch.setenv("MEDIA_DIR", str(place.media))
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    capsys.readouterr()
    code: int | str | None = 0
    try:
        cli.main(list(args))
    except SystemExit as stopped:
        code = stopped.code
    finally:
        get_settings.cache_clear()
    printed = capsys.readouterr()
    return Ran(code, printed.out, printed.err)


class Blogapi(Protocol):
    """`blogapi <args>` on a place (the `blogapi` fixture)."""

    def __call__(self, place: Place, *args: str) -> Ran: ...


def refused(ran: Ran, command_name: str) -> str:
    """The one-line error of a command that refused (exit 2)."""
    assert ran.code == 2, ran
    lines = ran.err.strip().splitlines()
    assert lines, ran
    assert lines[-1].startswith(f"blogapi {command_name}: error: "), ran.err
    return lines[-1]


def rewrite(
    source: Path,
    destination: Path,
    parts: dict[str, Callable[[bytes], bytes]] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    *,
    rehash: bool = False,
) -> None:
    """A copy of the archive with some parts changed (and, with `rehash`, their sizes and
    checksums updated in the manifest, as an editor would) and the manifest edited."""
    with tarfile.open(source, "r:gz") as original:
        members = []
        for member in original.getmembers():
            file = original.extractfile(member)
            assert file is not None
            members.append((member, file.read()))
    changes = parts or {}
    members = [(m, changes[m.name](data) if m.name in changes else data) for m, data in members]
    document = json.loads(members[0][1])
    if rehash:
        for part in [t["part"] for t in document["tables"]] + [
            f["part"] for f in document["media"]["files"]
        ]:
            data = next(data for m, data in members if m.name == part["name"])
            part.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    if manifest is not None:
        manifest(document)
    members[0] = (members[0][0], json.dumps(document).encode())
    with tarfile.open(destination, "w:gz") as copy:
        for member, data in members:
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def member_names(archive: Path) -> list[str]:
    with tarfile.open(archive, "r:gz") as opened:
        return opened.getnames()


def table_part(archive: Path, table: str) -> str:
    """The name of the part that holds `table`."""
    return next(name for name in member_names(archive) if name.endswith(f"-{table}.jsonl"))


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def files_in(folder: Path) -> list[str]:
    """The names in `folder`, hidden ones (scratch files) included."""
    return sorted(path.name for path in folder.iterdir())


def assert_nothing_written(place: Place) -> None:
    """The database still has no table, the media directory no file."""
    assert asyncio.run(table_names(place.url)) == set()
    assert media_files(place.media) == []


def sqlite_revision(path: Path, revision: str) -> None:
    """Write another revision into an SQLite file's alembic_version."""
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
