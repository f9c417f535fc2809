import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from blogapi.auth.dependencies import CurrentUser
from blogapi.core.config import Role
from blogapi.core.db import SessionDep
from blogapi.core.errors import Forbidden
from blogapi.media import queries, service
from blogapi.media.errors import MediaInUse
from blogapi.media.models import Media
from blogapi.media.storage import LocalStorage, S3Storage
from blogapi.posts import covers as posts_covers


async def _storage(request: Request) -> LocalStorage | S3Storage:
    storage: LocalStorage | S3Storage = request.app.state.storage
    return storage


StorageDep = Annotated[LocalStorage | S3Storage, Depends(_storage)]
MediaId = Annotated[uuid.UUID, Path(description="A media id")]


async def _own_media(media_id: MediaId, session: SessionDep, user: CurrentUser) -> Media:
    """Another user's media is a 404, as if it did not exist (admins see all)."""
    media = await queries.get_upload(session, media_id)
    if media is None or not service.may_manage(media, user):
        raise service.not_found()
    return media


OwnMedia = Annotated[Media, Depends(_own_media)]


async def _deletable_media(
    media: OwnMedia,
    session: SessionDep,
    user: CurrentUser,
    force: Annotated[bool, Query(description="Admins: delete even if a post shows it")] = False,
) -> Media:
    if force and not user.has_role(Role.ADMIN):
        raise Forbidden("Only an admin may force a delete")
    if not force and await posts_covers.used_by_published_post(session, media.id):
        raise MediaInUse()
    return media


DeletableMedia = Annotated[Media, Depends(_deletable_media)]
