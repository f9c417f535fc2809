"""The export archive: a gzipped tar whose first member, `manifest.json`, names every other
part with its size and SHA-256, so a reader can refuse a damaged part before it commits:

    manifest.json              format, schema revision, tables (columns and kinds), media
    tables/0001-users.jsonl    a JSON object per row, primary-key order; parents first
    ...
    media/<key>                the files of local storage (for S3, the manifest lists keys)

Parts are written to scratch files first: a tar member's header states its size, and the
manifest, which comes first, their checksums.
"""

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from blogapi.media.storage import is_valid_key
from blogapi.portability.columns import KINDS
from blogapi.portability.errors import ArchiveDamaged, PortabilityError

FORMAT = "blogapi-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
# The parts of the default demo set (182 MB) with gzip -1: 34.1 MB in 3.6 s; -3: 31.5 MB in
# 5.2 s; -6 (gzip's default): 28.1 MB in 10.0 s. Writing is most of an export's time.
COMPRESS_LEVEL = 1
CHUNK = 1024 * 1024
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Part(_Model):
    name: str
    size: int = Field(ge=0)
    sha256: Sha256


class TableEntry(_Model):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    # Each column's kind (columns.py), in the order of each row's keys.
    columns: dict[str, str]
    rows: int = Field(ge=0)
    part: Part


class MediaFile(_Model):
    key: str
    part: Part


class MediaEntry(_Model):
    storage: Literal["local", "s3"]
    bucket: str | None = None
    files: list[MediaFile] = []
    # S3: the objects stay in the bucket; these are their keys.
    keys: list[str] = []


class Manifest(_Model):
    format: Literal["blogapi-export"] = "blogapi-export"
    format_version: int = FORMAT_VERSION
    blogapi_version: str
    created_at: datetime
    engine: str
    revision: str
    tables: list[TableEntry]
    media: MediaEntry

    def parts(self) -> list[Part]:
        return [t.part for t in self.tables] + [f.part for f in self.media.files]

    def check(self) -> None:
        """What the types cannot say: known kinds, media keys, one name per part."""
        for table in self.tables:
            for column, kind in table.columns.items():
                if kind not in KINDS:
                    raise ArchiveDamaged(f"manifest: {table.name}.{column} has kind {kind!r}")
        keys = [f.key for f in self.media.files] + self.media.keys
        if bad := next((key for key in keys if not is_valid_key(key)), None):
            raise ArchiveDamaged(f"manifest: {bad!r} is not a media key")
        names = [part.name for part in self.parts()]
        if len(set(names)) != len(names) or MANIFEST in names:
            raise ArchiveDamaged("manifest: two parts have the same name")


def table_part_name(index: int, table: str) -> str:
    return f"tables/{index:04d}-{table}.jsonl"


def media_part_name(key: str) -> str:
    return f"media/{key}"


class PartFile:
    """A part written to a scratch file, hashed and measured on the way."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self._file = path.open("wb")
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._hash.update(data)
        self._size += len(data)

    def close(self) -> Part:
        self._file.close()
        return Part(name=self.name, size=self._size, sha256=self._hash.hexdigest())


def describe_file(path: Path, name: str) -> Part:
    """The part a file on disk will be."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return Part(name=name, size=path.stat().st_size, sha256=digest.hexdigest())


class _Counting:
    """A file read by tarfile, reporting the bytes as they go."""

    def __init__(self, file: IO[bytes], advance: Callable[[int], None]) -> None:
        self._file = file
        self._advance = advance

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._advance(len(data))
        return data


def pack(
    destination: Path,
    manifest: Manifest,
    sources: list[tuple[Part, Path]],
    advance: Callable[[int], None],
) -> None:
    """Write the archive: to a temporary name beside `destination`, renamed when complete."""
    partial = destination.with_name(f".{destination.name}.partial")
    stamp = int(manifest.created_at.timestamp())
    try:
        with tarfile.open(partial, "w:gz", compresslevel=COMPRESS_LEVEL) as tar:
            body = manifest.model_dump_json(indent=1).encode()
            tar.addfile(_member(MANIFEST, len(body), stamp), _Counting(io.BytesIO(body), advance))
            for part, path in sources:
                with path.open("rb") as file:
                    tar.addfile(_member(part.name, part.size, stamp), _Counting(file, advance))
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def _member(name: str, size: int, stamp: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = stamp
    info.mode = 0o644
    return info


@contextlib.contextmanager
def _reading(what: str) -> Iterator[None]:
    """Any way a tar.gz can be broken, as one refusal."""
    try:
        yield
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveDamaged(f"the archive is damaged or cut short ({what}: {error})") from None


class ArchiveReader:
    """Reads an archive front to back, once (the tar is a stream), checking every part."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self._tar = tar

    @classmethod
    def open(cls, path: Path) -> "ArchiveReader":
        if not path.is_file():
            raise PortabilityError(f"{path}: no such file")
        with _reading("opening it"):
            return cls(tarfile.open(path, "r|gz"))

    def close(self) -> None:
        self._tar.close()

    def _next(self, expected: Part | None) -> tarfile.TarInfo | None:
        name = expected.name if expected else "the end"
        with _reading(name):
            member = self._tar.next()
        if expected is None:
            if member is not None:
                raise ArchiveDamaged(f"{member.name} is not in the manifest")
            return None
        if member is None or member.name != expected.name or not member.isfile():
            found = "the end" if member is None else member.name
            raise ArchiveDamaged(f"the archive should have {expected.name} next, not {found}")
        if member.size != expected.size:
            raise ArchiveDamaged(f"{expected.name} is {member.size:,} bytes, not {expected.size:,}")
        return member

    def manifest(self) -> Manifest:
        with _reading(MANIFEST):
            member = self._tar.next()
        if member is None or member.name != MANIFEST or member.size > MAX_MANIFEST_BYTES:
            raise ArchiveDamaged(f"not a blogapi export: it does not start with {MANIFEST}")
        body = self._read_all(member, MANIFEST)
        try:
            raw = json.loads(body)
        except ValueError:
            raise ArchiveDamaged(f"{MANIFEST} is not JSON") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ArchiveDamaged(f"not a blogapi export: {MANIFEST} names another format")
        version = raw.get("format_version")
        if not isinstance(version, int):
            raise ArchiveDamaged(f"{MANIFEST}: format_version is not a whole number")
        if version > FORMAT_VERSION:
            raise PortabilityError(
                f"the archive's format version {version!r} is newer than this blogapi reads "
                f"({FORMAT_VERSION}): import it with a newer blogapi"
            )
        try:
            manifest = Manifest.model_validate(raw)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ArchiveDamaged(f"{MANIFEST}: {where}: {first['msg']}") from None
        manifest.check()
        return manifest

    def _read_all(self, member: tarfile.TarInfo, name: str) -> bytes:
        with _reading(name):
            file = self._tar.extractfile(member)
            assert file is not None
            return file.read()

    def lines(self, part: Part) -> "PartLines":
        """The lines of the next part, which must be `part`."""
        member = self._next(part)
        assert member is not None
        with _reading(part.name):
            file = self._tar.extractfile(member)
        assert file is not None
        return PartLines(part, file)

    def content(self, part: Part) -> bytes:
        """The whole of the next part, which must be `part`, checked."""
        member = self._next(part)
        assert member is not None
        data = self._read_all(member, part.name)
        _verify(part, hashlib.sha256(data))
        return data

    def finish(self) -> None:
        """Nothing may follow the last part the manifest lists."""
        self._next(None)


class PartLines:
    """The lines of a part, hashed as they are read; its checksum is checked once the last
    line has been read, before the caller's loop over them ends."""

    def __init__(self, part: Part, file: IO[bytes]) -> None:
        self.part = part
        self._file = file
        self._digest = hashlib.sha256()
        self._read = False

    def __iter__(self) -> Iterator[bytes]:
        with _reading(self.part.name):
            for line in self._file:
                self._digest.update(line)
                yield line
        self._read = True
        _verify(self.part, self._digest)

    def verify_rest(self) -> None:
        """After a failure part-way (a line that is no JSON, a row the database refused):
        read what is left, so that a part that does not match its checksum is reported as
        damaged rather than by the first symptom of the damage."""
        if self._read:
            return
        with _reading(self.part.name):
            while chunk := self._file.read(CHUNK):
                self._digest.update(chunk)
        self._read = True
        _verify(self.part, self._digest)


def _verify(part: Part, digest: "hashlib._Hash") -> None:
    if digest.hexdigest() != part.sha256:
        raise ArchiveDamaged(f"{part.name} does not match its SHA-256 in the manifest")
