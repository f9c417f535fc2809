"""Accounts: create, update, deactivate; the rules that keep emails and usernames unique."""

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.config import Role, Settings
from blogapi.core.db import connection_released, insert_or_ignore, utcnow
from blogapi.core.errors import Conflict, Forbidden, ValidationFailed
from blogapi.core.security import hash_password, verify_password
from blogapi.users.errors import EmailTaken, UsernameTaken
from blogapi.users.models import Follow, User, UserStatus
from blogapi.users.passwords import check_password_policy
from blogapi.users.schemas import UserCreate, UserUpdate

# Matches no password: pwdlib recognises no hash in it.
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105


def _conflict_from(error: IntegrityError) -> EmailTaken | UsernameTaken:
    return EmailTaken() if "email" in str(error.orig).lower() else UsernameTaken()


async def ensure_email_free(
    session: AsyncSession, email: str, *, exclude: uuid.UUID | None = None
) -> None:
    await _ensure_free(session, email=email, username=None, exclude=exclude)


async def _ensure_free(
    session: AsyncSession, *, email: str | None, username: str | None, exclude: uuid.UUID | None
) -> None:
    taken: tuple[tuple[Any, str | None, type[Conflict]], ...] = (
        (User.email, email, EmailTaken),
        (User.username, username, UsernameTaken),
    )
    for column, value, error in taken:
        if value is None:
            continue
        query = select(User.id).where(column == value)
        if exclude is not None:
            query = query.where(User.id != exclude)
        if await session.scalar(query.limit(1)) is not None:
            raise error()


async def _flush_unique(session: AsyncSession) -> None:
    """Flush; a unique index that a racing request beat us to becomes a 409."""
    try:
        await session.flush()
    except IntegrityError as error:
        raise _conflict_from(error) from None


async def create_user(
    session: AsyncSession, settings: Settings, data: UserCreate, *, role: Role | None = None
) -> User:
    check_password_policy(data.password, username=data.username, email=data.email, field="password")
    await _ensure_free(session, email=data.email, username=data.username, exclude=None)
    async with connection_released(session):
        password_hash = await hash_password(settings, data.password)
    user = User(
        email=data.email,
        username=data.username,
        password_hash=password_hash,
        display_name=data.display_name,
        role=(role or settings.registration_default_role).value,
    )
    session.add(user)
    await _flush_unique(session)
    return user


async def update_profile(session: AsyncSession, user: User, changes: UserUpdate) -> User:
    fields = changes.model_dump(exclude_unset=True)
    if "display_name" in fields and fields["display_name"] is None:
        raise ValidationFailed.on_field("display_name", "must not be null")
    for required in ("username", "email"):
        if required in fields and fields[required] is None:
            raise ValidationFailed.on_field(required, "must not be null")
    await _ensure_free(
        session, email=fields.get("email"), username=fields.get("username"), exclude=user.id
    )
    if "email" in fields and fields["email"] != user.email:
        user.email_verified_at = None
    for name, value in fields.items():
        setattr(user, name, value)
    await _flush_unique(session)
    return user


async def set_password(
    session: AsyncSession, settings: Settings, user: User, new_password: str, *, field: str
) -> None:
    """Store a new password and end every access token issued before now."""
    check_password_policy(new_password, username=user.username, email=user.email, field=field)
    user.password_hash = await hash_password(settings, new_password)
    user.auth_version += 1
    await session.flush()


async def check_password(settings: Settings, user: User, password: str) -> bool:
    valid, _ = await verify_password(settings, password, user.password_hash)
    return valid


async def deactivate_account(
    session: AsyncSession, settings: Settings, user: User, password: str
) -> None:
    """Deactivate and anonymise: no email, name or bio is kept, no token works. (The route
    removes the account's posts and media: those domains build on this one.)"""
    if not await check_password(settings, user, password):
        raise ValidationFailed.on_field("password", "The password is not correct")
    marker = uuid.uuid4().hex[:12]
    user.email = f"deleted-{marker}@deleted.invalid"
    user.username = f"deleted_{marker}"
    user.display_name = None
    user.bio = None
    user.avatar_url = None
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.status = UserStatus.DISABLED.value
    user.deleted_at = utcnow()
    user.auth_version += 1
    await session.flush()


async def _keep_an_active_admin(session: AsyncSession, user: User) -> None:
    """Refuse a change that would leave no active admin: `user` stops being one.

    Every active admin's row is locked, always in id order, so two admins demoting each other
    at once queue up instead of both seeing the other still there (PostgreSQL re-reads a
    locked row once it is released; SQLite writers run one at a time)."""
    admins = await session.scalars(
        select(User.id)
        .where(
            User.role == Role.ADMIN.value,
            User.status == UserStatus.ACTIVE.value,
            User.deleted_at.is_(None),
        )
        .order_by(User.id)
        .with_for_update()
    )
    if list(admins) == [user.id]:
        raise Conflict("This is the last active admin; make another admin first")


async def change_role(session: AsyncSession, user: User, role: Role) -> User:
    if role is not Role.ADMIN:
        await _keep_an_active_admin(session, user)
    await session.refresh(user)
    user.role = role.value
    await session.flush()
    return user


async def change_status(
    session: AsyncSession, user: User, status: UserStatus, *, actor: User
) -> User:
    if user.id == actor.id:
        raise Forbidden("You cannot change your own status")
    if status is not UserStatus.ACTIVE:
        await _keep_an_active_admin(session, user)
    await session.refresh(user)
    user.status = status.value
    await session.flush()
    return user


async def follow(session: AsyncSession, follower: User, followee: User) -> None:
    """Follow an author (idempotent). ON CONFLICT DO NOTHING: twenty racing follows make
    one row. Following yourself is a 400."""
    if follower.id == followee.id:
        raise ValidationFailed.on_field("user", "You cannot follow yourself")
    row = {"follower_id": follower.id, "followee_id": followee.id, "created_at": utcnow()}
    await insert_or_ignore(session, Follow, [row])


async def unfollow(session: AsyncSession, follower: User, followee: User) -> None:
    """Stop following (idempotent); yourself is a 400, as for `follow`."""
    if follower.id == followee.id:
        raise ValidationFailed.on_field("user", "You cannot follow yourself")
    await session.execute(
        delete(Follow).where(Follow.follower_id == follower.id, Follow.followee_id == followee.id)
    )
