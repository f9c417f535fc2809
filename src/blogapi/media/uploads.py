"""An uploaded file, measured and hashed as it is read, refused the moment it is too big.

Starlette spools the multipart body to a temporary file (on disk past 1 MiB) while the
request context middleware stops any body past the upload limit; here the file part itself
is read in chunks, never whole, and checked against MAX_UPLOAD_SIZE_MB.
"""

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from fastapi import UploadFile

from blogapi.core.errors import PayloadTooLarge, ValidationFailed

CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class UploadedFile:
    file: BinaryIO
    size: int
    sha256: str


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The file is larger than the upload limit ({limit // 2**20} MiB)")


async def measure(upload: UploadFile, limit: int) -> UploadedFile:
    digest = hashlib.sha256()
    size = 0
    await upload.seek(0)
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        digest.update(chunk)
    if size == 0:
        raise ValidationFailed.on_field("file", "The file is empty")
    await upload.seek(0)
    return UploadedFile(file=upload.file, size=size, sha256=digest.hexdigest())
