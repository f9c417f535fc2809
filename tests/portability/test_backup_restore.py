"""`blogapi backup` and `blogapi restore`: a copy taken while the service writes, restored
into an empty database of the same engine where passwords still sign in; and the refusals,
one line each with exit status 2 (a missing pg_dump or pg_restore named)."""

import asyncio
import shutil
from pathlib import Path

import pytest

from blogapi.core.db import WRITE_INTENT
from blogapi.demo.generator import DEMO_PASSWORD
from blogapi.models import User
from blogapi.portability import backups, revisions
from blogapi.portability.importing import import_archive

from .moving import (
    Blogapi,
    Place,
    migrate,
    pg_database,
    quiet,
    refused,
    row_counts,
    serving,
    sqlite_revision,
)

PG_ONLY_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/never_reached"


async def signs_in(place: Place) -> bool:
    async with serving(place) as (_, client):
        response = await client.post(
            "/api/v1/auth/login",
            json={"email": "demo_reader@example.com", "password": DEMO_PASSWORD},
        )
    return response.status_code == 200


async def test_an_sqlite_backup_taken_during_a_write_restores_into_a_new_file(
    demo_blog: Place, tmp_path: Path
) -> None:
    copy = tmp_path / "blog.backup"
    async with serving(demo_blog) as (app, _), app.state.sessionmaker() as writer:
        await writer.connection(execution_options={WRITE_INTENT: True})
        writer.add(User(email="late@example.com", username="late", password_hash="-"))
        await writer.flush()
        # The writer holds SQLite's write lock: the copy neither waits nor sees its row.
        done = await asyncio.wait_for(backups.backup(demo_blog.settings(), copy, quiet()), 30)
        await writer.rollback()
    assert copy.read_bytes().startswith(b"SQLite format 3\0")
    assert done.revision == revisions.head()

    restored = Place(f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}", demo_blog.media)
    await backups.restore(restored.settings(), copy, quiet())

    assert await row_counts(restored.url) == await row_counts(demo_blog.url)
    assert await signs_in(restored)


def test_postgresql_backup_and_restore_with_pg_dump(
    demo_archive: Path,
    pg_place: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    asyncio.run(import_archive(pg_place.settings(), demo_archive, quiet()))
    dump = tmp_path / "blog.dump"

    backed_up = blogapi(pg_place, "backup", str(dump))

    assert backed_up.code == 0, backed_up.err
    assert f"backed up the postgresql database (schema {revisions.head()}) to {dump}" in (
        backed_up.out
    )
    assert dump.read_bytes().startswith(b"PGDMP")
    restored = Place(pg_database("restored"), pg_place.media)
    ran = blogapi(restored, "restore", str(dump))
    assert ran.code == 0, ran.err
    assert "pg_restore: " in ran.err  # progress: how many tables it restored
    assert asyncio.run(row_counts(restored.url)) == asyncio.run(row_counts(pg_place.url))
    assert asyncio.run(signs_in(restored))

    again = refused(blogapi(restored, "restore", str(dump)), "restore")
    assert "tables already: restore into a new, empty database (createdb)" in again


@pytest.fixture(scope="module")
def demo_backup(demo_blog: Place, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`blogapi backup` of the demo blog: do not change it (copy it first)."""
    copy = tmp_path_factory.mktemp("demo-backup") / "blog.backup"
    asyncio.run(backups.backup(demo_blog.settings(), copy, quiet()))
    return copy


def test_sqlite_restore_refuses_a_file_with_tables_another_engine_and_no_backup(
    demo_blog: Place, demo_backup: Path, tmp_path: Path, blogapi: Blogapi
) -> None:
    copy = demo_backup
    into_demo = blogapi(demo_blog, "restore", str(copy))
    as_postgres = blogapi(Place(PG_ONLY_URL, tmp_path), "restore", str(copy))
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    fresh = Place(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", tmp_path / "media")
    not_a_backup = blogapi(fresh, "restore", str(text))
    again = blogapi(demo_blog, "backup", str(copy))

    assert "tables already: restore into a new database file" in refused(into_demo, "restore")
    assert (
        "is an SQLite database and DATABASE_URL names a postgresql database: a backup restores "
        "into its own engine (to move between engines: export, import)"
    ) in refused(as_postgres, "restore")
    assert f"{text} is not a backup" in refused(not_a_backup, "restore")
    assert f"{copy} exists already" in refused(again, "backup")
    assert not (tmp_path / "fresh.db").exists()


def test_restore_refuses_a_backup_of_a_newer_schema(
    demo_backup: Path, tmp_path: Path, blogapi: Blogapi
) -> None:
    copy = tmp_path / "newer.backup"
    shutil.copy(demo_backup, copy)
    sqlite_revision(copy, "ffffffffffff")
    target = Place(f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}", tmp_path / "media")

    error = refused(blogapi(target, "restore", str(copy)), "restore")

    assert "the backup is at schema revision ffffffffffff, which this blogapi does not have" in (
        error
    )
    assert not (tmp_path / "restored.db").exists()


@pytest.mark.parametrize(("command", "tool"), [("backup", "pg_dump"), ("restore", "pg_restore")])
def test_a_missing_postgresql_tool_is_named(
    command: str,
    tool: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    blogapi: Blogapi,
) -> None:
    dump = tmp_path / "blog.dump"
    if command == "restore":
        dump.write_bytes(b"PGDMP" + bytes(100))
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without the PostgreSQL client tools
    assert shutil.which(tool) is None

    ran = blogapi(Place(PG_ONLY_URL, tmp_path), command, str(dump))

    assert f"{tool} is not installed (or not on PATH): install the PostgreSQL client tools" in (
        refused(ran, command)
    )
    if command == "backup":
        assert not dump.exists()


def test_restore_into_an_sqlite_file_with_tables_leaves_it_alone(
    demo_backup: Path, tmp_path: Path, blogapi: Blogapi
) -> None:
    target = Place(f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}", tmp_path / "media")
    migrate(target.url)

    error = refused(blogapi(target, "restore", str(demo_backup)), "restore")

    assert "tables already" in error
    assert set(asyncio.run(row_counts(target.url)).values()) == {0}
