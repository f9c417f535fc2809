"""Accounts: create, find, update, deactivate; the rules that keep emails and usernames unique."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from blogapi.core.config import Role, Settings
from blogapi.core.db import connection_released, utcnow
from blogapi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from blogapi.core.pagination import PageParams
from blogapi.core.security import hash_password, verify_password
from blogapi.media import service as media_service
from blogapi.posts import service as posts_service
from blogapi.users.models import User, UserStatus
from blogapi.users.passwords import check_password_policy
from blogapi.users.schemas import USERNAME_PATTERN, UserCreate, UserUpdate

# Matches no password: pwdlib recognises no hash in it.
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105
EMAIL_TAKEN = ("EMAIL_TAKEN", "This email is already registered")
USERNAME_TAKEN = ("USERNAME_TAKEN", "This username is taken")


def _conflict_from(error: IntegrityError) -> Conflict:
    text = str(error.orig).lower()
    code, message = EMAIL_TAKEN if "email" in text else USERNAME_TAKEN
    return Conflict(message, code=code)


async def ensure_email_free(
    session: AsyncSession, email: str, *, exclude: uuid.UUID | None = None
) -> None:
    await _ensure_free(session, email=email, username=None, exclude=exclude)


async def _ensure_free(
    session: AsyncSession, *, email: str | None, username: str | None, exclude: uuid.UUID | None
) -> None:
    for column, value, (code, message) in (
        (User.email, email, EMAIL_TAKEN),
        (User.username, username, USERNAME_TAKEN),
    ):
        if value is None:
            continue
        query = select(User.id).where(column == value)
        if exclude is not None:
            query = query.where(User.id != exclude)
        if await session.scalar(query.limit(1)) is not None:
            raise Conflict(message, code=code)


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


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def find_by_login(session: AsyncSession, login: str) -> User | None:
    """The account whose email or username is `login` (deleted accounts are never found)."""
    login = login.strip().lower()
    column = User.email if "@" in login else User.username
    return await session.scalar(select(User).where(column == login, User.deleted_at.is_(None)))


async def get_by_ref(session: AsyncSession, ref: str, *, include_inactive: bool = False) -> User:
    """A user by id or username; deleted (and, unless asked, disabled) accounts are 404."""
    query = select(User).where(User.deleted_at.is_(None))
    try:
        query = query.where(User.id == uuid.UUID(ref))
    except ValueError:
        username = ref.lower()
        if not USERNAME_PATTERN.fullmatch(username):
            raise NotFound("User not found") from None
        query = query.where(User.username == username)
    if not include_inactive:
        query = query.where(User.status == UserStatus.ACTIVE.value)
    user = await session.scalar(query)
    if user is None:
        raise NotFound("User not found")
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
    """Deactivate and anonymise: no email, name or bio is kept, no token works, posts go too."""
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
    await posts_service.delete_posts_of(session, user.id)
    await media_service.delete_media_of(session, user.id)
    await session.flush()


async def list_users(
    session: AsyncSession,
    params: PageParams,
    *,
    role: Role | None,
    status: UserStatus | None,
    search: str | None,
) -> tuple[Sequence[User], int]:
    conditions: list[ColumnElement[bool]] = [User.deleted_at.is_(None)]
    if role is not None:
        conditions.append(User.role == role.value)
    if status is not None:
        conditions.append(User.status == status.value)
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        conditions.append(
            or_(User.username.like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
        )
    total = await session.scalar(select(func.count()).select_from(User).where(*conditions))
    users = await session.scalars(
        select(User)
        .where(*conditions)
        .order_by(User.created_at.desc(), User.id.desc())
        .offset(params.offset)
        .limit(params.limit)
    )
    return users.all(), total or 0


async def change_role(session: AsyncSession, user: User, role: Role) -> User:
    user.role = role.value
    await session.flush()
    return user


async def change_status(
    session: AsyncSession, user: User, status: UserStatus, *, actor: User
) -> User:
    if user.id == actor.id:
        raise Forbidden("You cannot change your own status")
    user.status = status.value
    await session.flush()
    return user


async def get_many(session: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not user_ids:
        return {}
    users = await session.scalars(select(User).where(User.id.in_(user_ids)))
    return {user.id: user for user in users}


def id_by_username_query(username: ColumnElement[str]) -> ScalarSelect[uuid.UUID]:
    """A subquery for the id of `username` (lower case), for filters that name a user."""
    return select(User.id).where(User.username == username).scalar_subquery()


def author_columns() -> list[ColumnElement[Any]]:
    """The public author fields, labelled author_*, for reads that join users."""
    return [
        User.id.label("author_id"),
        User.username.label("author_username"),
        User.display_name.label("author_display_name"),
        User.avatar_url.label("author_avatar_url"),
    ]
