"""`blogapi import` refuses, in one line with exit status 2, and writes nothing (one
transaction; media files it stored are taken back): a database with rows, a damaged or
truncated archive, one of a newer schema or format, an edited one, and what is no archive."""

import asyncio
import io
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .moving import (
    Blogapi,
    Place,
    add_account,
    assert_nothing_written,
    media_files,
    member_names,
    migrate,
    refused,
    rewrite,
    row_counts,
    table_names,
    table_part,
)


def flip_a_bit(data: bytes) -> bytes:
    return data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:]


def import_refused(
    blogapi: Blogapi,
    target: Place,
    archive: Path,
) -> str:
    return refused(blogapi(target, "import", str(archive)), "import")


def test_a_database_with_rows_is_refused_and_keeps_them(
    demo_archive: Path,
    target: Place,
    blogapi: Blogapi,
) -> None:
    migrate(target.url)
    asyncio.run(add_account(target))
    before = asyncio.run(row_counts(target.url))

    error = import_refused(blogapi, target, demo_archive)

    assert "the database is not empty (users has rows): import into an empty database" in error
    assert asyncio.run(row_counts(target.url)) == before
    assert not target.media.exists()


@pytest.mark.parametrize("damaged", ["comments", "post_tags", "the last media file"])
def test_a_damaged_part_is_refused_and_nothing_is_written(
    damaged: str,
    demo_archive: Path,
    target: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    """A bit flipped in a table part (after other tables were loaded) or in the last media
    file (after five were stored): the rows and the stored files are all taken back."""
    last = member_names(demo_archive)[-1]
    part = last if damaged == "the last media file" else table_part(demo_archive, damaged)
    archive = tmp_path / "damaged.tar.gz"
    rewrite(demo_archive, archive, {part: flip_a_bit})

    error = import_refused(blogapi, target, archive)

    assert f"{part} does not match its SHA-256 in the manifest" in error
    assert_nothing_written(target)


def test_an_archive_cut_short_is_refused_and_nothing_is_written(
    demo_archive: Path,
    target: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    archive = tmp_path / "cut.tar.gz"
    data = demo_archive.read_bytes()
    archive.write_bytes(data[: len(data) * 2 // 3])

    error = import_refused(blogapi, target, archive)

    assert "the archive is damaged or cut short" in error
    assert_nothing_written(target)


def _revision(revision: str) -> Callable[[dict[str, Any]], None]:
    return lambda manifest: manifest.update(revision=revision)


def _format_version(manifest: dict[str, Any]) -> None:
    manifest.update(format_version=2, something_new=True)


def _columns_of_another_schema(manifest: dict[str, Any]) -> None:
    users = next(table for table in manifest["tables"] if table["name"] == "users")
    users["columns"]["nickname"] = "text"


def _fewer_rows(manifest: dict[str, Any]) -> None:
    posts = next(table for table in manifest["tables"] if table["name"] == "posts")
    posts["rows"] -= 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _revision("ffffffffffff"),
            "the archive is at schema revision ffffffffffff, which this blogapi does not have",
        ),
        (_format_version, "the archive's format version 2 is newer than this blogapi reads"),
        (_columns_of_another_schema, "table users in the archive does not match revision"),
        (_fewer_rows, "-posts.jsonl has 60 rows where the manifest says 59"),
    ],
    ids=["newer-revision", "newer-format", "other-columns", "row-count"],
)
def test_an_archive_this_blogapi_cannot_read_as_it_says_is_refused(
    edit: Callable[[dict[str, Any]], None],
    message: str,
    demo_archive: Path,
    target: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    archive = tmp_path / "edited.tar.gz"
    rewrite(demo_archive, archive, manifest=edit)

    assert message in import_refused(blogapi, target, archive)
    assert_nothing_written(target)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (b'"not-a-uuid"', "uuid"),
        (b'"2026-12-05T08:00:00"', "datetime"),  # no zone: which time was it?
        (b"1", "boolean"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused(
    value: bytes,
    kind: str,
    demo_archive: Path,
    target: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    """An edited part whose checksum was updated too: the values are still checked."""
    column = {"uuid": b"id", "datetime": b"created_at", "boolean": b"summary_is_custom"}[kind]

    def edit(data: bytes) -> bytes:
        first, rest = data.split(b"\n", 1)
        start = first.index(b'"' + column + b'":') + len(column) + 3
        end = first.index(b',"', start)
        return first[:start] + value + first[end:] + b"\n" + rest

    archive = tmp_path / "edited.tar.gz"
    part = table_part(demo_archive, "posts")
    rewrite(demo_archive, archive, {part: edit}, rehash=True)

    error = import_refused(blogapi, target, archive)

    assert f"{part}: {column.decode()}: not a {kind} value" in error
    assert_nothing_written(target)


def _plain_tar(path: Path) -> None:
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: path.write_text("just text\n"), "the archive is damaged or cut short"),
        (_plain_tar, "not a blogapi export: it does not start with manifest.json"),
        (lambda _path: None, "no such file"),
    ],
    ids=["text-file", "other-tar", "missing"],
)
def test_what_is_not_an_export_is_refused(
    make: Callable[[Path], None],
    message: str,
    target: Place,
    tmp_path: Path,
    blogapi: Blogapi,
) -> None:
    path = tmp_path / "blog.tar.gz"
    make(path)

    assert message in import_refused(blogapi, target, path)
    assert_nothing_written(target)


def test_a_media_file_there_with_other_bytes_is_refused_and_nothing_is_written(
    demo_archive: Path,
    target: Place,
    blogapi: Blogapi,
) -> None:
    key = member_names(demo_archive)[-1].removeprefix("media/")
    (target.media / key).parent.mkdir(parents=True)
    (target.media / key).write_bytes(b"someone else's picture")

    error = import_refused(blogapi, target, demo_archive)

    assert f"MEDIA_DIR has {key} already, with other content" in error
    assert asyncio.run(table_names(target.url)) == set()
    assert media_files(target.media) == [target.media / key]
    assert (target.media / key).read_bytes() == b"someone else's picture"
