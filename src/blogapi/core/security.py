"""Password hashing (Argon2id, bcrypt still verifies), access-token encoding (HS256 JWT) and
the opaque refresh tokens."""

import asyncio
import base64
import hashlib
import hmac
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from blogapi.core.config import Environment, Settings
from blogapi.core.errors import InvalidToken, TokenExpired

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["sub", "iat", "exp", "iss", "aud", "jti", "type"]


# Argon2id as OWASP's Password Storage Cheat Sheet lists first: 19 MiB, 2 passes, 1 lane. About
# 18 ms of CPU a hash on the reference machine; pwdlib's defaults (64 MiB, 3 passes, 4 lanes)
# took 160 ms, and 50 sign-ins at once 11-13 s (docs/performance.md, "Start-up and sign-in").
# A stored hash with other parameters (or bcrypt) is rehashed with these at its next sign-in.
ARGON2_MEMORY_KIB = 19_456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1


@lru_cache
def _password_hash(fast: bool) -> PasswordHash:
    # Tests use cheap Argon2 parameters; everything else the ones above.
    argon2 = (
        Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
        if fast
        else Argon2Hasher(
            time_cost=ARGON2_TIME_COST,
            memory_cost=ARGON2_MEMORY_KIB,
            parallelism=ARGON2_PARALLELISM,
        )
    )
    return PasswordHash((argon2, BcryptHasher()))


def _hasher(settings: Settings) -> PasswordHash:
    return _password_hash(settings.environment is Environment.TEST)


def normalise_password(password: str) -> str:
    """NFKC (NIST SP 800-63B 5.1.1.2): a password typed in another Unicode form (a ligature,
    full-width digits, an accent composed or not) is the same password."""
    return unicodedata.normalize("NFKC", password)


async def hash_password(settings: Settings, password: str) -> str:
    return await asyncio.to_thread(_hasher(settings).hash, normalise_password(password))


async def verify_password(
    settings: Settings, password: str, password_hash: str | None
) -> tuple[bool, str | None]:
    """Verify off the event loop; returns (valid, a new hash when the stored one is outdated).

    With no hash (unknown account) a dummy hash is verified as many times, so both cases take
    as long.
    """
    return await asyncio.to_thread(_verify, _hasher(settings), password, password_hash)


def _verify(
    hasher: PasswordHash, password: str, password_hash: str | None
) -> tuple[bool, str | None]:
    normalised = normalise_password(password)
    # Hashes made before passwords were normalised hold the raw string: a password that NFKC
    # changes is tried raw as well, then stored normalised.
    candidates = [normalised] if normalised == password else [normalised, password]
    if password_hash is None:
        for candidate in candidates:
            hasher.verify(candidate, _dummy_hash(hasher))
        return False, None
    valid, new_hash = hasher.verify_and_update(normalised, password_hash)
    if valid or len(candidates) == 1:
        return valid, new_hash
    if hasher.verify(password, password_hash):
        return True, hasher.hash(normalised)
    return False, None


@lru_cache
def _dummy_hash(hasher: PasswordHash) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID | None
    auth_version: int
    issued_at: datetime


def encode_access_token(
    settings: Settings,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    auth_version: int,
    *,
    ttl_seconds: int | None = None,
) -> str:
    """An access token living `ttl_seconds` (ACCESS_TOKEN_TTL_SECONDS unless given)."""
    now = datetime.now(UTC)
    ttl = settings.access_token_ttl_seconds if ttl_seconds is None else ttl_seconds
    claims = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + timedelta(seconds=ttl),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "jti": secrets.token_urlsafe(16),
        "type": "access",
        "sid": str(session_id),
        "ver": auth_version,
    }
    return jwt.encode(claims, settings.jwt_secret(), algorithm=ALGORITHM)


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    """Verify signature (algorithm pinned), expiry and every required claim."""
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired() from None
    except jwt.InvalidTokenError:
        raise InvalidToken("The access token is invalid") from None
    try:
        if claims["type"] != "access":
            raise ValueError("not an access token")
        session = claims.get("sid")
        return AccessClaims(
            user_id=uuid.UUID(claims["sub"]),
            session_id=uuid.UUID(session) if session else None,
            auth_version=int(claims.get("ver", 0)),
            issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        )
    except (ValueError, TypeError):
        raise InvalidToken("The access token is invalid") from None


def new_opaque_token() -> str:
    """A URL-safe random token of 256 bits."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are stored only as a SHA-256: they are random, so need no salt or slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def successor_token(settings: Settings, parent: str) -> str:
    """The refresh token that replaces `parent`: an HMAC of it under the server's key, so the
    same successor can be handed out again (two tabs refreshing at once) while only its hash
    is stored. Without the key, a token says nothing about the next one."""
    key = hmac.digest(settings.jwt_secret().encode(), b"blogapi refresh-token successor", "sha256")
    digest = hmac.digest(key, parent.encode(), "sha256")
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
