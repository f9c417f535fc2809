from typing import Annotated

from fastapi import Depends, Path

from blogapi.auth.dependencies import AdminUser, CurrentUser
from blogapi.core.db import SessionDep
from blogapi.core.errors import Forbidden
from blogapi.users import queries
from blogapi.users.models import User

UserRef = Annotated[str, Path(min_length=1, max_length=64, description="A user id or username")]


async def _visible_user(ref: UserRef, session: SessionDep) -> User:
    return await queries.get_by_ref(session, ref)


async def _own_profile(user: Annotated[User, Depends(_visible_user)], me: CurrentUser) -> User:
    if user.id != me.id:
        raise Forbidden("You can only change your own profile")
    return me


async def _any_user_for_admin(ref: UserRef, session: SessionDep, _admin: AdminUser) -> User:
    return await queries.get_by_ref(session, ref, include_inactive=True)


VisibleUser = Annotated[User, Depends(_visible_user)]
OwnProfile = Annotated[User, Depends(_own_profile)]
ManagedUser = Annotated[User, Depends(_any_user_for_admin)]
