"""`blogapi export`: every column of every table with its kind and nothing the database
derives, read in one snapshot while another connection writes; media files from local
storage, keys only from S3; refusals in one line (exit 2)."""

import asyncio
import uuid
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from blogapi.core.db import WRITE_INTENT
from blogapi.models import User, metadata
from blogapi.portability.archive import ArchiveReader, Manifest
from blogapi.portability.columns import kind_of
from blogapi.portability.errors import PortabilityError
from blogapi.portability.exporting import export_archive
from blogapi.portability.importing import import_archive

from .conftest import Bucket
from .moving import (
    Blogapi,
    Place,
    add_account,
    files_in,
    migrate,
    migrated,
    quiet,
    refused,
    serving,
)

DIALECTS = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}


def read_manifest(archive: Path) -> Manifest:
    reader = ArchiveReader.open(archive)
    try:
        return reader.manifest()
    finally:
        reader.close()


def test_export_carries_every_column_of_the_models_with_its_kind(
    target: Place, tmp_path: Path
) -> None:
    """What the models say, read back from the migrated database: UUIDs stay UUIDs on
    SQLite (CHAR(32)), and the search index (FTS5 tables, search_vector) is left out."""
    migrate(target.url)
    archive = tmp_path / "empty.tar.gz"
    asyncio.run(export_archive(target.settings(), archive, quiet()))

    manifest = read_manifest(archive)
    dialect = DIALECTS[target.engine]
    assert {table.name: table.columns for table in manifest.tables} == {
        table.name: {
            name: kind_of(table.c[name].type, dialect, name) for name in sorted(table.c.keys())
        }
        for table in metadata.sorted_tables
    }
    order = [table.name for table in manifest.tables]
    assert order.index("users") < order.index("posts") < order.index("comments")
    assert manifest.engine == target.engine
    assert manifest.media.storage == "local"


async def test_export_reads_one_snapshot_while_another_connection_writes(
    target: Place, tmp_path: Path
) -> None:
    """The service goes on writing during an export: the export neither waits for the
    write nor sees it (SQLite in WAL mode: a writer holding the lock; PostgreSQL: MVCC)."""
    await migrated(target.url)
    await add_account(target)
    archive = tmp_path / "during.tar.gz"
    async with serving(target) as (app, _), app.state.sessionmaker() as writer:
        await writer.connection(execution_options={WRITE_INTENT: True})
        writer.add(User(email="late@example.com", username="late", password_hash="-"))
        await writer.flush()
        await asyncio.wait_for(export_archive(target.settings(), archive, quiet()), 30)
        await writer.rollback()

    users = next(t for t in read_manifest(archive).tables if t.name == "users")
    assert users.rows == 1


async def test_export_of_s3_media_lists_its_keys(
    target: Place, tmp_path: Path, bucket: Bucket, s3_settings: dict[str, object]
) -> None:
    """The objects stay in the bucket: the archive names them, and an import elsewhere
    says where they are."""
    await migrated(target.url)
    key = f"{uuid.uuid4().hex}/original.png"
    bucket.client().put_object(Bucket=bucket.name, Key=key, Body=b"png")
    bucket.client().put_object(Bucket=bucket.name, Key="notes/readme.txt", Body=b"not media")
    archive = tmp_path / "s3.tar.gz"

    await export_archive(target.settings(**s3_settings), archive, quiet())

    media = read_manifest(archive).media
    assert (media.storage, media.bucket, media.keys, media.files) == ("s3", bucket.name, [key], [])
    elsewhere = Place(f"sqlite+aiosqlite:///{tmp_path / 'local.db'}", tmp_path / "local-media")
    progress = quiet()
    done = await import_archive(elsewhere.settings(), archive, progress)
    assert done.media_keys == 1
    said = progress.console.file.getvalue()  # type: ignore[attr-defined]
    assert f"media: 1 keys of S3 bucket {bucket.name} (the objects stay there" in said


def test_export_refuses_an_existing_file_a_missing_folder_and_no_schema(
    demo_blog: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    taken = tmp_path / "taken.tar.gz"
    taken.write_text("mine")
    empty = Place(f"sqlite+aiosqlite:///{tmp_path / 'nothing.db'}", tmp_path / "media")

    existing = refused(blogapi(demo_blog, "export", str(taken)), "export")
    nowhere = tmp_path / "no" / "such" / "dir.tar.gz"
    missing = refused(blogapi(demo_blog, "export", str(nowhere)), "export")
    unmigrated = blogapi(empty, "export", str(tmp_path / "e.tar.gz"))

    assert f"{taken} exists already: choose another name" in existing
    assert taken.read_text() == "mine"
    assert "no such directory" in missing
    assert "the database has no blogapi schema" in refused(unmigrated, "export")
    assert not (tmp_path / "e.tar.gz").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_from_a_database_out_of_reach_says_so(tmp_path: Path, blogapi: Blogapi) -> None:
    away = Place("postgresql+asyncpg://postgres@127.0.0.1:1/blog", tmp_path / "media")

    ran = blogapi(away, "export", str(tmp_path / "blog.tar.gz"))

    assert "blogapi export: error: cannot reach the database: " in refused(ran, "export")
    assert list(tmp_path.iterdir()) == []


async def test_export_from_a_bucket_that_is_not_there_says_so(
    target: Place, tmp_path: Path, s3_settings: dict[str, object]
) -> None:
    await migrated(target.url)
    settings = target.settings(**{**s3_settings, "s3_bucket": "no-such-bucket"})

    out = tmp_path / "out"
    out.mkdir()

    with pytest.raises(PortabilityError, match=r"^cannot list S3 bucket no-such-bucket: "):
        await export_archive(settings, out / "s3.tar.gz", quiet())
    assert files_in(out) == []  # neither the archive nor its scratch files
