"""Small secrets at rest: AES-256-GCM under a key derived from SECRET_KEY, one key per use.

Each use names its own HKDF-SHA256 label, so no two share a key (nor the one that signs
access tokens). The caller's associated data (a row's id) binds a sealed value to its row: a
value copied onto another row does not open. Format: a version byte, a random 12-byte nonce,
then the ciphertext and its 16-byte tag.
"""

import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Changing the format needs a new version byte, and opening the old one until no row
# carries it.
VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16


class Unsealable(Exception):
    """A sealed value that does not open."""


class UnknownFormat(Unsealable):
    """Not in a format this version can open (truncated, or another version byte)."""


class WrongKey(Unsealable):
    """Sealed under another SECRET_KEY or label, altered, or moved to another row."""


@functools.lru_cache(maxsize=8)
def _cipher(secret: str, label: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret.encode())
    return AESGCM(key)


def seal(secret: str, label: bytes, associated: bytes, plain: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + _cipher(secret, label).encrypt(nonce, plain, associated)


def unseal(secret: str, label: bytes, associated: bytes, sealed: bytes) -> bytes:
    """What `seal` sealed with the same secret, label and associated data."""
    if sealed[:1] != VERSION or len(sealed) < 1 + NONCE_BYTES + TAG_BYTES:
        raise UnknownFormat()
    nonce, ciphertext = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return _cipher(secret, label).decrypt(nonce, ciphertext, associated)
    except InvalidTag as error:
        raise WrongKey() from error
