"""Reading accounts: by id, login or ref, admin lists, and the author columns other reads join."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect, Select

from blogapi.core.config import Role
from blogapi.core.db import escape_like
from blogapi.core.errors import NotFound
from blogapi.core.pagination import PageParams, rows_page
from blogapi.users.models import Follow, User, UserStatus
from blogapi.users.schemas import USERNAME_PATTERN


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
        pattern = f"%{escape_like(search.lower())}%"
        conditions.append(
            or_(User.username.like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
        )
    newest_first = [User.created_at.desc(), User.id.desc()]
    return await rows_page(session, User, conditions, newest_first, params)


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


async def is_following(session: AsyncSession, follower: User | None, followee: User) -> bool | None:
    """Whether `follower` follows `followee`; None for an anonymous reader."""
    if follower is None:
        return None
    found = await session.scalar(
        select(exists().where(Follow.follower_id == follower.id, Follow.followee_id == followee.id))
    )
    return bool(found)


def followed_ids_query(follower_id: ColumnElement[uuid.UUID]) -> Select[uuid.UUID]:
    """The ids of the authors `follower_id` follows (by the pair's key), for feed filters."""
    return select(Follow.followee_id).where(Follow.follower_id == follower_id)


async def followed_among(
    session: AsyncSession, follower: User | None, user_ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `user_ids` `follower` follows (none for an anonymous reader): one statement
    for a page of authors."""
    if follower is None or not user_ids:
        return set()
    rows = await session.scalars(
        select(Follow.followee_id).where(
            Follow.follower_id == follower.id, Follow.followee_id.in_(user_ids)
        )
    )
    return set(rows)
