"""Media files on the move: which files an export carries (local storage: every file under
MEDIA_DIR named by a media key; S3: only the keys, since the objects stay in the bucket),
and storing an archive's files so that a failed import can take back what it wrote."""

import hashlib
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from blogapi.media.storage import LocalStorage, S3Storage, StorageUnavailable, content_type_of
from blogapi.media.storage import is_valid_key as is_media_key
from blogapi.portability.errors import PortabilityError


def local_files(root: Path) -> list[tuple[str, Path]]:
    """(key, path) of every media file under `root`, in key order; the storage's scratch
    files (`.upload-*`) and anything else that is not a key are left alone."""
    if not root.is_dir():
        return []
    found = (
        (path.relative_to(root).as_posix(), path) for path in root.rglob("*") if path.is_file()
    )
    return sorted((key, path) for key, path in found if is_media_key(key))


def s3_keys(storage: S3Storage) -> list[str]:
    """The media keys in the bucket, in key order."""
    keys: list[str] = []
    try:
        for page in storage.client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket):
            keys.extend(item["Key"] for item in page.get("Contents", []) if "Key" in item)
    except (BotoCoreError, ClientError) as error:
        raise PortabilityError(f"cannot list S3 bucket {storage.bucket}: {error}") from None
    return sorted(key for key in keys if is_media_key(key))


class MediaWriter:
    """Stores an archive's media files, remembering which it wrote so `undo` can remove them
    (and only them) when the import fails."""

    def __init__(self, storage: LocalStorage | S3Storage) -> None:
        self.storage = storage
        self.written: list[str] = []
        self.present = 0  # already there, the same file

    async def _already_there(self, key: str, data: bytes) -> bool:
        if isinstance(self.storage, S3Storage):
            # Keys are never reused for other bytes (a new upload gets a new key).
            return await self.storage.exists(key)
        path = self.storage.path_of(key)
        if not path.is_file():
            return False
        if hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(data).digest():
            raise PortabilityError(
                f"MEDIA_DIR has {key} already, with other content: import into an empty "
                "media directory"
            )
        return True

    async def put(self, key: str, data: bytes) -> None:
        if await self._already_there(key, data):
            self.present += 1
            return
        try:
            await self.storage.put(key, data, content_type_of(key))
        except StorageUnavailable as error:
            raise PortabilityError(f"cannot store media file {key}: {error}") from None
        self.written.append(key)

    async def undo(self) -> None:
        await self.storage.delete(self.written)
        self.written = []
