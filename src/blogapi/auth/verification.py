"""Email flows: verify an address, change it, reset a forgotten password.

Tokens are 256-bit random strings stored only as SHA-256, single use, with a lifetime per
purpose. Every email goes through the outbox in the same transaction as the change.
"""

import asyncio
import enum
import time
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.auth.errors import AlreadyVerified
from blogapi.auth.models import EmailToken, RefreshToken
from blogapi.core.config import Settings
from blogapi.core.db import utcnow
from blogapi.core.errors import ValidationFailed
from blogapi.core.ratelimit import RateLimiter
from blogapi.core.security import hash_token, new_opaque_token
from blogapi.mail import service as mail_service
from blogapi.mail import templates
from blogapi.users import queries as users_queries
from blogapi.users import service as users_service
from blogapi.users.models import User
from blogapi.users.schemas import UserCreate, UserUpdate

# A reset request answers no sooner than this, whether or not the account exists.
RESET_RESPONSE_FLOOR_SECONDS = 0.25


class Purpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    CHANGE_EMAIL = "change_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 (a purpose, not a secret)


LIFETIME = {
    Purpose.VERIFY_EMAIL: timedelta(hours=24),
    Purpose.CHANGE_EMAIL: timedelta(hours=24),
    Purpose.RESET_PASSWORD: timedelta(hours=1),
}


def invalid_token() -> ValidationFailed:
    return ValidationFailed.on_field("token", "This token is invalid, expired or already used")


def _name(user: User) -> str:
    return user.display_name or user.username


async def _new_token(
    session: AsyncSession, user: User, purpose: Purpose, *, new_email: str | None = None
) -> str:
    """Issue a token; earlier unused tokens of the same purpose stop working."""
    now = utcnow()
    await session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.purpose == purpose.value,
            EmailToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    raw = new_opaque_token()
    session.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose.value,
            token_hash=hash_token(raw),
            new_email=new_email,
            created_at=now,
            expires_at=now + LIFETIME[purpose],
        )
    )
    await session.flush()
    return raw


# The tokens a link of each page takes (pages/router.py); verify_email spends either.
RESET_PURPOSES = frozenset({Purpose.RESET_PASSWORD})
ADDRESS_PURPOSES = frozenset({Purpose.VERIFY_EMAIL, Purpose.CHANGE_EMAIL})


def _live(raw: str, purposes: frozenset[Purpose], now: datetime) -> list[ColumnElement[bool]]:
    return [
        EmailToken.token_hash == hash_token(raw),
        EmailToken.purpose.in_([p.value for p in purposes]),
        EmailToken.used_at.is_(None),
        EmailToken.expires_at > now,
    ]


async def token_works(session: AsyncSession, raw: str, purposes: frozenset[Purpose]) -> bool:
    """Whether a token would be accepted now, without spending it (a page asks first)."""
    found = await session.scalar(select(EmailToken.id).where(*_live(raw, purposes, utcnow())))
    return found is not None


async def _spend(session: AsyncSession, raw: str, purposes: frozenset[Purpose]) -> EmailToken:
    """Mark a live token used in one conditional UPDATE (a token works once, even racing)."""
    now = utcnow()
    token = await session.scalar(
        update(EmailToken)
        .where(*_live(raw, purposes, now))
        .values(used_at=now)
        .returning(EmailToken)
        .execution_options(synchronize_session=False)
    )
    if token is None:
        raise invalid_token()
    return token


async def send_verification(session: AsyncSession, settings: Settings, user: User) -> None:
    raw = await _new_token(session, user, Purpose.VERIFY_EMAIL)
    message = templates.verify_email(_name(user), templates.verify_link(settings, raw))
    await mail_service.enqueue(session, settings, user.email, message)


async def register(session: AsyncSession, settings: Settings, data: UserCreate) -> User:
    """Create the account and queue its verification email, in one transaction."""
    user = await users_service.create_user(session, settings, data)
    await send_verification(session, settings, user)
    return user


async def resend_verification(session: AsyncSession, settings: Settings, user: User) -> None:
    if user.email_verified:
        raise AlreadyVerified()
    await send_verification(session, settings, user)


async def verify_email(session: AsyncSession, raw: str) -> User:
    """Confirm an address: the account's own, or the new one of an address change."""
    token = await _spend(session, raw, ADDRESS_PURPOSES)
    user = await users_queries.get_user(session, token.user_id)
    if user is None or not user.is_active:
        raise invalid_token()
    if token.purpose == Purpose.CHANGE_EMAIL.value and token.new_email:
        await users_service.update_profile(session, user, UserUpdate(email=token.new_email))
    user.email_verified_at = utcnow()
    await session.flush()
    return user


async def update_profile(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
    changes: UserUpdate,
) -> User:
    """Apply profile changes; a new email address only takes effect once it is confirmed.

    Asking for a new address needs the current password (someone holding a stolen access
    token must not move the account's mail elsewhere) and is limited per account, as each
    ask sends mail to an address of the caller's choosing.
    """
    # The password proves who asks; it is no profile field.
    fields = changes.model_dump(exclude_unset=True, exclude={"current_password"})
    new_email = changes.email
    if new_email is None or new_email == user.email:
        return await users_service.update_profile(session, user, UserUpdate(**fields))
    del fields["email"]
    if changes.current_password is None:
        raise ValidationFailed.on_field("current_password", "Needed to change the email address")
    await limiter.hit("email-change-user", str(user.id))
    if not await users_service.check_password(settings, user, changes.current_password):
        raise ValidationFailed.on_field("current_password", "The current password is not correct")
    await users_service.ensure_email_free(session, new_email, exclude=user.id)
    user = await users_service.update_profile(session, user, UserUpdate(**fields))
    raw = await _new_token(session, user, Purpose.CHANGE_EMAIL, new_email=new_email)
    confirm = templates.confirm_new_email(_name(user), templates.verify_link(settings, raw))
    await mail_service.enqueue(session, settings, new_email, confirm)
    notice = templates.email_change_notice(_name(user), new_email)
    await mail_service.enqueue(session, settings, user.email, notice)
    return user


async def request_password_reset(session: AsyncSession, settings: Settings, email: str) -> None:
    """Queue a reset email if the account exists; the answer and its timing never tell."""
    started = time.monotonic()
    user = await users_queries.find_by_login(session, email)
    if user is not None and user.is_active and "@" in email:
        raw = await _new_token(session, user, Purpose.RESET_PASSWORD)
        message = templates.password_reset(_name(user), templates.reset_link(settings, raw))
        await mail_service.enqueue(session, settings, user.email, message)
    await asyncio.sleep(max(0.0, RESET_RESPONSE_FLOOR_SECONDS - (time.monotonic() - started)))


async def reset_password(
    session: AsyncSession, settings: Settings, raw: str, new_password: str
) -> None:
    """Set the new password, spend the token and end every session."""
    token = await _spend(session, raw, RESET_PURPOSES)
    user = await users_queries.get_user(session, token.user_id)
    if user is None or not user.is_active:
        raise invalid_token()
    await users_service.set_password(session, settings, user, new_password, field="new_password")
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
