from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status

from blogapi.auth import verification
from blogapi.auth.dependencies import (
    AdminUser,
    CurrentUser,
    OptionalUser,
    ReadWriteLimit,
    WriterUser,
)
from blogapi.core.config import Role, SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.feed_links import feed_links
from blogapi.core.http_cache import cacheable_json
from blogapi.core.pagination import Page, PageDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.media import service as media_service
from blogapi.media import uploads
from blogapi.media.dependencies import StorageDep
from blogapi.posts import service as posts_service
from blogapi.users import queries, service
from blogapi.users.dependencies import ManagedUser, OwnProfile, VisibleUser
from blogapi.users.models import UserStatus
from blogapi.users.schemas import (
    RoleChange,
    StatusChange,
    UserDelete,
    UserPrivate,
    UserProfile,
    UserPublic,
    UserUpdate,
)

AVATAR_PATH = f"{API_PREFIX}/users/me/avatar"

router = APIRouter(
    prefix=f"{API_PREFIX}/users",
    tags=["users"],
    route_class=JSONRoute,
    dependencies=[ReadWriteLimit],
)


@router.get("/me")
async def read_me(user: CurrentUser) -> UserPrivate:
    return UserPrivate.model_validate(user)


@router.patch("/me")
@router.put("/me", summary="The same as PATCH (an alias for older clients)")
async def update_me(
    request: Request,
    changes: UserUpdate,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> UserPrivate:
    """Change your profile. A new email address needs `current_password`, is limited to
    RATE_LIMIT_EMAIL_CHANGE_USER per account, and takes effect once confirmed from it."""
    limiter = request.app.state.rate_limiter
    updated = await verification.update_profile(session, settings, limiter, user, changes)
    return UserPrivate.model_validate(updated)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
async def delete_me(
    data: UserDelete, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> None:
    """Deactivate and anonymise your account (confirm with your password)."""
    await service.deactivate_account(session, settings, user, data.password)
    # Accounts sit below posts and media (docs/design.md, "Domains point one way"): the route
    # composes the three, in the same transaction.
    await posts_service.delete_posts_of(session, user.id)
    await media_service.delete_media_of(session, user.id)


@router.put(
    "/me/avatar",
)
async def set_avatar(
    file: Annotated[UploadFile, File(description="JPEG, PNG, WebP, GIF or AVIF")],
    user: WriterUser,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> UserPrivate:
    """Upload your avatar (multipart, field `file`): a centred square, with smaller copies."""
    upload = await uploads.measure(file, settings.max_upload_bytes)
    return UserPrivate.model_validate(
        await media_service.set_avatar(session, storage, settings, user, upload)
    )


@router.delete("/me/avatar", status_code=status.HTTP_204_NO_CONTENT)
async def remove_avatar(user: CurrentUser, session: SessionDep) -> None:
    """Remove your avatar (its files go a little later)."""
    await media_service.remove_avatar(session, user)


@router.get("")
async def list_users(
    _admin: AdminUser,
    session: SessionDep,
    page: PageDep,
    role: Role | None = None,
    user_status: Annotated[UserStatus | None, Query(alias="status")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[UserPrivate]:
    """Admins: every account, newest first, filtered by role, status or a part of name/email."""
    users, total = await queries.list_users(session, page, role=role, status=user_status, search=q)
    return Page[UserPrivate].build([UserPrivate.model_validate(u) for u in users], page, total)


@router.get("/{ref}", response_model=UserProfile)
async def read_user(
    request: Request,
    user: VisibleUser,
    settings: SettingsDep,
    session: SessionDep,
    viewer: OptionalUser,
) -> Response:
    """A public profile, by id or username, with the author's feeds; `following` says
    whether you follow them (null when not signed in)."""
    fields = {name: getattr(user, name) for name in UserPublic.model_fields}
    feeds = feed_links(settings.public_base_url, f"authors/{user.username}")
    following = await queries.is_following(session, viewer, user)
    profile = UserProfile.model_validate({**fields, "feeds": feeds, "following": following})
    return cacheable_json(request, profile)


@router.put("/{ref}/follow", status_code=status.HTTP_204_NO_CONTENT)
async def follow(user: VisibleUser, me: CurrentUser, session: SessionDep) -> None:
    """Follow an account (idempotent): its posts come into your `/feed`. Yourself: 400."""
    await service.follow(session, me, user)


@router.delete("/{ref}/follow", status_code=status.HTTP_204_NO_CONTENT)
async def unfollow(user: VisibleUser, me: CurrentUser, session: SessionDep) -> None:
    """Stop following an account (idempotent)."""
    await service.unfollow(session, me, user)


@router.patch("/{ref}")
@router.put("/{ref}", summary="The same as PATCH (an alias for older clients)")
async def update_user(
    request: Request,
    changes: UserUpdate,
    user: OwnProfile,
    session: SessionDep,
    settings: SettingsDep,
) -> UserPrivate:
    limiter = request.app.state.rate_limiter
    updated = await verification.update_profile(session, settings, limiter, user, changes)
    return UserPrivate.model_validate(updated)


@router.patch("/{ref}/role")
async def change_role(data: RoleChange, user: ManagedUser, session: SessionDep) -> UserPrivate:
    return UserPrivate.model_validate(await service.change_role(session, user, data.role))


@router.patch("/{ref}/status")
async def change_status(
    data: StatusChange, user: ManagedUser, me: CurrentUser, session: SessionDep
) -> UserPrivate:
    """Admins: disable or re-enable an account. A disabled account's tokens stop working."""
    changed = await service.change_status(session, user, data.status, actor=me)
    return UserPrivate.model_validate(changed)
