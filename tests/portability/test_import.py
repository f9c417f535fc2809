"""`blogapi import` into an empty database of either engine: every row and media file, the
search index rebuilt, progress on stderr and a summary on stdout; an archive of an older
schema is loaded at its revision and then migrated to head."""

import asyncio
from pathlib import Path

from blogapi.portability import revisions
from blogapi.portability.archive import ArchiveReader
from blogapi.portability.exporting import export_archive
from blogapi.portability.importing import import_archive

from .conftest import Bucket
from .moving import (
    Blogapi,
    Place,
    media_files,
    migrate,
    query,
    quiet,
    row_counts,
    seed,
)


def manifest_rows(archive: Path) -> dict[str, int]:
    reader = ArchiveReader.open(archive)
    try:
        return {table.name: table.rows for table in reader.manifest().tables}
    finally:
        reader.close()


def test_import_loads_every_row_and_media_file(
    demo_archive: Path,
    demo_blog: Place,
    target: Place,
    blogapi: Blogapi,
) -> None:
    ran = blogapi(target, "import", str(demo_archive))

    assert ran.code == 0, ran.err
    rows = manifest_rows(demo_archive)
    assert asyncio.run(row_counts(target.url)) == rows
    assert f"imported {sum(rows.values()):,} rows of {len(rows)} tables from sqlite" in ran.out
    # Progress: a line per table and for the media (stderr is not a terminal here).
    assert f"posts: {rows['posts']} rows in " in ran.err
    assert "media files: 6 files in " in ran.err
    names = [path.relative_to(target.media) for path in media_files(target.media)]
    assert names == [path.relative_to(demo_blog.media) for path in media_files(demo_blog.media)]
    [(revision,)] = asyncio.run(query(target.url, "SELECT version_num FROM alembic_version"))
    assert revision == revisions.head()


def test_import_rebuilds_the_search_index(
    demo_archive: Path,
    target: Place,
    blogapi: Blogapi,
) -> None:
    assert blogapi(target, "import", str(demo_archive)).code == 0

    if target.engine == "sqlite":
        indexed = "SELECT count(*) FROM posts_fts"
        # FTS5 compares its index with the posts it was built from, and fails on a mismatch.
        asyncio.run(
            query(target.url, "INSERT INTO posts_fts(posts_fts) VALUES ('integrity-check')")
        )
    else:
        indexed = "SELECT count(*) FROM posts WHERE search_vector <> ''::tsvector"
    [(count,)] = asyncio.run(query(target.url, indexed))
    assert count == manifest_rows(demo_archive)["posts"]


def test_import_into_a_migrated_empty_database(
    demo_archive: Path,
    target: Place,
    blogapi: Blogapi,
) -> None:
    """`blogapi migrate` first, by habit, is fine: the tables are there but empty."""
    migrate(target.url)

    ran = blogapi(target, "import", str(demo_archive))

    assert ran.code == 0, ran.err
    assert asyncio.run(row_counts(target.url)) == manifest_rows(demo_archive)


def test_an_archive_of_an_older_schema_is_migrated_to_head_after_loading(
    tmp_path: Path,
    target: Place,
    blogapi: Blogapi,
) -> None:
    """Exported one revision before head (as a release behind would), imported by this one:
    loaded at its revision, then the newest migration runs over the rows."""
    older = Place(f"sqlite+aiosqlite:///{tmp_path / 'older.db'}", tmp_path / "older-media")
    previous = revisions.plan(revisions.head(), None).steps[1].split()[0]
    migrate(older.url)
    asyncio.run(seed(older))
    assert blogapi(older, "migrate", "--to", previous).code == 0
    archive = tmp_path / "older.tar.gz"
    asyncio.run(export_archive(older.settings(), archive, quiet()))

    ran = blogapi(target, "import", str(archive))

    assert ran.code == 0, ran.err
    assert f"(schema {previous})" in ran.out
    assert "then 1 migration to head" in ran.out
    [(revision,)] = asyncio.run(query(target.url, "SELECT version_num FROM alembic_version"))
    assert revision == revisions.head()
    counts = asyncio.run(row_counts(target.url))
    assert counts["posts"] == manifest_rows(archive)["posts"] > 0
    assert counts["users"] == manifest_rows(archive)["users"] > 0


def test_media_files_already_there_with_the_same_bytes_are_kept(
    demo_archive: Path,
    target: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    """A second copy of the blog beside the first, sharing its media directory."""
    assert blogapi(target, "import", str(demo_archive)).code == 0
    beside = Place(f"sqlite+aiosqlite:///{tmp_path / 'beside.db'}", target.media)

    ran = blogapi(beside, "import", str(demo_archive))

    assert ran.code == 0, ran.err
    assert "0 media files written (6 were there already)" in ran.out


def test_import_onto_s3_uploads_the_files(
    demo_archive: Path,
    demo_blog: Place,
    target: Place,
    bucket: Bucket,
    s3_settings: dict[str, object],
) -> None:
    done = asyncio.run(import_archive(target.settings(**s3_settings), demo_archive, quiet()))

    keys = [path.relative_to(demo_blog.media).as_posix() for path in media_files(demo_blog.media)]
    assert bucket.keys() == keys
    assert done.media_written == len(keys) == 6
    assert media_files(target.media) == []
