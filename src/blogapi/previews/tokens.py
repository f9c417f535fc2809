"""The secret of a preview link: made once, shown once, kept only as its SHA-256."""

import hashlib
import re
import secrets

TOKEN_BYTES = 32  # 256 bits
# token_urlsafe's alphabet, unpadded: 32 bytes are 43 characters.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hashed(token: str) -> str:
    """What is stored and looked up: the token is random, so a plain SHA-256 is enough (no
    salt or slow hash: there is no dictionary of 256-bit secrets to try)."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    """Whether `token` could be one of ours; anything else is not looked up."""
    return _TOKEN.fullmatch(token) is not None
