"""Email bodies at rest: AES-256-GCM under a key derived from SECRET_KEY.

A body holds links that reset a password or confirm an address, so the outbox never keeps
one in clear: a copy of the table (a backup, a replica, a read-only leak) yields no usable
link. The key is HKDF-SHA256 of SECRET_KEY with a label of its own, so it is not the key
that signs access tokens. The email's id is the associated data: a sealed body copied onto
another row does not open.
"""

import functools
import os
import uuid
from dataclasses import dataclass

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from blogapi.core.config import Settings

# Changing the label or the format needs a new version byte, and opening the old one until
# no queued email carries it.
KEY_LABEL = b"blogapi outbox bodies v1"
VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16


class UnreadableBody(Exception):
    """A body that does not open: sealed under another SECRET_KEY, altered, or erased."""


@dataclass(frozen=True, slots=True)
class Body:
    text: str
    html: str


@functools.lru_cache(maxsize=4)
def _cipher(secret: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_LABEL).derive(
        secret.encode()
    )
    return AESGCM(key)


def seal(settings: Settings, email_id: uuid.UUID, body: Body) -> bytes:
    """Version byte, random nonce, then the ciphertext of both bodies with its tag."""
    nonce = os.urandom(NONCE_BYTES)
    plain = orjson.dumps({"text": body.text, "html": body.html})
    return VERSION + nonce + _cipher(settings.jwt_secret()).encrypt(nonce, plain, email_id.bytes)


def open_sealed(settings: Settings, email_id: uuid.UUID, sealed: bytes | None) -> Body:
    """The body `seal` stored for this email; UnreadableBody when it cannot be had."""
    if sealed is None:
        raise UnreadableBody("the body was erased")
    if sealed[:1] != VERSION or len(sealed) < 1 + NONCE_BYTES + TAG_BYTES:
        raise UnreadableBody("the body is not in a format this version can open")
    nonce, ciphertext = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        plain = _cipher(settings.jwt_secret()).decrypt(nonce, ciphertext, email_id.bytes)
    except InvalidTag as error:
        raise UnreadableBody(
            "the body does not open with this SECRET_KEY (changed since it was queued?)"
        ) from error
    fields = orjson.loads(plain)
    return Body(text=fields["text"], html=fields["html"])
