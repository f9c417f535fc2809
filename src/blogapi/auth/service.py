"""Sign-in, refresh-token rotation with reuse detection, sessions and password change."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.auth.errors import AccountDisabled, InvalidCredentials, TokenReused
from blogapi.auth.models import RefreshToken
from blogapi.core.config import Settings
from blogapi.core.db import connection_released, new_id, utcnow
from blogapi.core.errors import InvalidToken, NotFound, ValidationFailed
from blogapi.core.ratelimit import RateLimiter, hashed
from blogapi.core.security import (
    encode_access_token,
    hash_token,
    new_opaque_token,
    successor_token,
    verify_password,
)
from blogapi.users import queries as users_queries
from blogapi.users import service as users_service
from blogapi.users.models import User


@dataclass(frozen=True, slots=True)
class ClientInfo:
    user_agent: str | None
    ip: str | None


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


def invalid_refresh_token() -> InvalidToken:
    return InvalidToken("The refresh token is invalid or expired")


async def _issue(
    session: AsyncSession,
    settings: Settings,
    user: User,
    client: ClientInfo,
    *,
    family: RefreshToken | None = None,
    raw: str | None = None,
    access_ttl_seconds: int | None = None,
) -> IssuedTokens:
    """A new session (no `family`), or the refresh token `raw` that succeeds `family`; the
    access token lives `access_ttl_seconds` (ACCESS_TOKEN_TTL_SECONDS unless given)."""
    now = utcnow()
    raw = raw or new_opaque_token()
    token = RefreshToken(
        id=new_id(),
        user_id=user.id,
        token_hash=hash_token(raw),
        family_id=family.family_id if family else new_id(),
        parent_id=family.id if family else None,
        user_agent=(client.user_agent or "")[:512] or None,
        ip=client.ip,
        created_at=now,
        session_started_at=family.session_started_at if family else now,
        expires_at=now + timedelta(days=settings.refresh_token_ttl_days),
    )
    session.add(token)
    await session.flush()
    ttl = settings.access_token_ttl_seconds if access_ttl_seconds is None else access_ttl_seconds
    access = encode_access_token(
        settings, user.id, token.family_id, user.auth_version, ttl_seconds=ttl
    )
    return IssuedTokens(access, raw, ttl, user)


async def start_session(
    session: AsyncSession,
    settings: Settings,
    user: User,
    client: ClientInfo,
    *,
    access_ttl_seconds: int | None = None,
) -> IssuedTokens:
    """A new session for an account just created or whose credentials just changed."""
    return await _issue(session, settings, user, client, access_ttl_seconds=access_ttl_seconds)


async def login(
    session: AsyncSession,
    settings: Settings,
    login: str,
    password: str,
    client: ClientInfo,
    limiter: RateLimiter,
    *,
    access_ttl_seconds: int | None = None,
) -> IssuedTokens:
    """Same answer, in about the same time, for an unknown account and a wrong password.

    Each attempt counts twice, before the password is checked (so concurrent guesses cannot
    slip past), and a success clears both counts; the owner waits one window at most:
    - per name typed (hashed), existing or not: past the limit the name gets 429;
    - per account, whichever of its names was typed: past the limit no password is checked,
      the right one gets the same 401 as a wrong one. A 429 here would tell that an email and
      a username are one account. An unknown name counts against itself in its place.
    """
    name_key = hashed(login)
    await limiter.hit("login-account", name_key)
    user = await users_queries.find_by_login(session, login)
    account_key = f"account:{user.id}" if user else f"name:{name_key}"
    may_try = await limiter.within("login-account", account_key)
    async with connection_released(session):
        valid, new_hash = await verify_password(
            settings, password, user.password_hash if user and may_try else None
        )
    if user is None or not may_try or not valid:
        raise InvalidCredentials()
    await limiter.clear("login-account", name_key)
    await limiter.clear("login-account", account_key)
    if not user.is_active:
        raise AccountDisabled()
    if new_hash is not None:  # an older algorithm or parameters: upgrade the stored hash
        user.password_hash = new_hash
    return await _issue(session, settings, user, client, access_ttl_seconds=access_ttl_seconds)


async def refresh(
    session: AsyncSession, settings: Settings, raw_token: str, client: ClientInfo
) -> IssuedTokens:
    """Spend a refresh token for a new pair. Presenting a spent one again gets the same
    successor within REFRESH_REUSE_GRACE_SECONDS; later, it revokes its whole family."""
    now = utcnow()
    token_hash = hash_token(raw_token)
    # One conditional UPDATE claims the token, so of N concurrent refreshes exactly one wins.
    claimed = await session.scalar(
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token_hash,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(RefreshToken)
        .execution_options(synchronize_session=False)
    )
    if claimed is None:
        return await _present_again(session, settings, raw_token, token_hash, now)
    user = await _refreshing_user(session, claimed.user_id)
    successor = successor_token(settings, raw_token)
    return await _issue(session, settings, user, client, family=claimed, raw=successor)


async def _refreshing_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await users_queries.get_user(session, user_id)
    if user is None or user.deleted_at is not None:
        raise invalid_refresh_token()
    if not user.is_active:
        raise AccountDisabled()
    return user


async def _present_again(
    session: AsyncSession, settings: Settings, raw_token: str, token_hash: str, now: datetime
) -> IssuedTokens:
    """A token that could not be claimed: unknown, revoked or expired (401); rotated moments
    ago and its successor still unused (its successor again, with a new access token); else
    spent (reuse: its family ends, 401 TOKEN_REUSED)."""
    token = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))
    if token is None or token.revoked_at is not None or token.used_at is None:
        raise invalid_refresh_token()
    grace = timedelta(seconds=settings.refresh_reuse_grace_seconds)
    if token.used_at > now - grace:
        # Only the parent of the live token: once the successor is spent too, this is reuse.
        successor = successor_token(settings, raw_token)
        live = await session.scalar(
            select(RefreshToken.id).where(
                RefreshToken.token_hash == hash_token(successor),
                RefreshToken.parent_id == token.id,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
                RefreshToken.expires_at > now,
            )
        )
        if live is not None:
            user = await _refreshing_user(session, token.user_id)
            access = encode_access_token(settings, user.id, token.family_id, user.auth_version)
            return IssuedTokens(access, successor, settings.access_token_ttl_seconds, user)
    await _revoke_families(session, RefreshToken.family_id == token.family_id)
    # The revocation must outlive the error response that reports the reuse.
    await session.commit()
    raise TokenReused()


async def _revoke_families(session: AsyncSession, *conditions: object) -> int:
    """Revoke every token matching `conditions`; the number revoked.

    Repeated until a pass finds nothing: a refresh that held one of these tokens while the
    first pass waited for it has added a successor that pass could not see (PostgreSQL
    re-checks only the rows it found), and the session would live on through it.
    """
    revoked = 0
    while True:
        result = await session.execute(
            update(RefreshToken)
            .where(RefreshToken.revoked_at.is_(None), *conditions)  # type: ignore[arg-type]
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        count = int(result.rowcount)  # type: ignore[attr-defined]
        if count == 0:
            return revoked
        revoked += count


async def sessions_revoked_since(
    session: AsyncSession, since: datetime
) -> list[tuple[uuid.UUID, datetime]]:
    """The sessions (families) with a token revoked after `since`, and when the last one was
    (served by ix_refresh_tokens_revoked_at)."""
    rows = await session.execute(
        select(RefreshToken.family_id, func.max(RefreshToken.revoked_at))
        .where(RefreshToken.revoked_at > since)
        .group_by(RefreshToken.family_id)
    )
    return [(family_id, at) for family_id, at in rows if at is not None]


async def logout(session: AsyncSession, raw_token: str) -> None:
    token = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_token(raw_token))
    )
    if token is None:
        raise invalid_refresh_token()
    await _revoke_families(session, RefreshToken.family_id == token.family_id)


async def logout_all(session: AsyncSession, user: User) -> None:
    """End every session and make every access token issued so far stop working."""
    await _revoke_families(session, RefreshToken.user_id == user.id)
    user.auth_version += 1
    await session.flush()


async def list_sessions(session: AsyncSession, user: User) -> Sequence[RefreshToken]:
    """The live token of each of the user's sessions, newest first."""
    tokens = await session.scalars(
        select(RefreshToken)
        .where(
            RefreshToken.user_id == user.id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > utcnow(),
        )
        .order_by(RefreshToken.created_at.desc())
    )
    return tokens.all()


async def revoke_session(session: AsyncSession, user: User, session_id: uuid.UUID) -> None:
    revoked = await _revoke_families(
        session, RefreshToken.user_id == user.id, RefreshToken.family_id == session_id
    )
    if revoked == 0:
        raise NotFound("Session not found")


async def change_password(
    session: AsyncSession,
    settings: Settings,
    user: User,
    current_password: str,
    new_password: str,
    *,
    keep_session: uuid.UUID | None,
) -> None:
    """Set a new password; every other session ends and earlier access tokens stop working."""
    if not await users_service.check_password(settings, user, current_password):
        raise ValidationFailed.on_field("current_password", "The current password is not correct")
    await users_service.set_password(session, settings, user, new_password, field="new_password")
    conditions: list[object] = [RefreshToken.user_id == user.id]
    if keep_session is not None:
        conditions.append(RefreshToken.family_id != keep_session)
    await _revoke_families(session, *conditions)


async def replace_password(
    session: AsyncSession, settings: Settings, user: User, new_password: str, *, field: str
) -> None:
    """A new password on a signed-in token alone (RealWorld's PUT /user has no current
    password): the core's password rules apply, and every session and access token ends."""
    await users_service.set_password(session, settings, user, new_password, field=field)
    await _revoke_families(session, RefreshToken.user_id == user.id)
