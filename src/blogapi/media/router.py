from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, Response, UploadFile, status
from fastapi.responses import FileResponse, RedirectResponse

from blogapi.auth.dependencies import CurrentUser, ReadWriteLimit, WriterUser
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.errors import (
    NotFound,
)
from blogapi.core.pagination import Page, PageDep
from blogapi.core.responses import json_response
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.media import queries, service, uploads
from blogapi.media.dependencies import DeletableMedia, OwnMedia, StorageDep
from blogapi.media.schemas import MediaOut
from blogapi.media.storage import IMMUTABLE, S3Storage, content_type_of, is_valid_key
from blogapi.posts import covers as posts_covers

MEDIA_PATH = f"{API_PREFIX}/media"
UploadField = Annotated[UploadFile, File(description="JPEG, PNG, WebP, GIF or AVIF")]

router = APIRouter(
    prefix=MEDIA_PATH, tags=["media"], route_class=JSONRoute, dependencies=[ReadWriteLimit]
)
# The files themselves, outside the API prefix: /media/<key>.
files_router = APIRouter(prefix="/media", tags=["media"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MediaOut,
    responses={200: {"model": MediaOut, "description": "The same file was uploaded before"}},
)
async def upload_media(
    file: UploadField,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: WriterUser,
    alt: Annotated[str | None, Form(max_length=500, pattern=r"^[^\x00]*$")] = None,
) -> Response:
    """Upload an image (multipart, field `file`). It is re-encoded (metadata such as GPS
    dropped, orientation applied) with WebP copies 320/768/1280 wide. The same bytes again
    return the earlier media with 200."""
    upload = await uploads.measure(file, settings.max_upload_bytes)
    media, created = await service.upload_media(
        session, storage, settings, user, upload, alt or None
    )
    return json_response(MediaOut.model_validate(media), status_code=201 if created else 200)


@router.get("", response_model=Page[MediaOut])
async def list_media(user: CurrentUser, session: SessionDep, page: PageDep) -> Response:
    """Your images, newest first."""
    items, total = await queries.list_media(session, user.id, page)
    return json_response(
        Page[MediaOut].build([MediaOut.model_validate(m) for m in items], page, total)
    )


@router.get("/{media_id}", response_model=MediaOut)
async def read_media(media: OwnMedia) -> MediaOut:
    return MediaOut.model_validate(media)


@router.delete(
    "/{media_id}",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def delete_media(media: DeletableMedia, session: SessionDep) -> None:
    """Delete (yours, or any as an admin). Refused while a published post has it as cover,
    unless an admin sends `force=true`. The files go a little later."""
    await posts_covers.drop_media(session, media.id)
    await service.delete_media(session, media)


@files_router.get("/{key:path}")
@files_router.head("/{key:path}", summary="The headers GET would send, without the file")
async def media_file(
    key: Annotated[str, Path(max_length=200)], request: Request, storage: StorageDep
) -> Response:
    """A stored file: served from disk, or a redirect to a short-lived S3 URL."""
    if not is_valid_key(key):
        raise NotFound("No such file")
    if isinstance(storage, S3Storage):
        return RedirectResponse(
            storage.presigned_url(key),
            status_code=status.HTTP_307_TEMPORARY_REDIRECT,
            headers={"Cache-Control": "private, max-age=300"},
        )
    path = storage.path_of(key)
    if not path.is_file():
        raise NotFound("No such file")
    etag = f'"{key.replace("/", "-")}"'
    headers = {
        "Cache-Control": IMMUTABLE,
        "ETag": etag,
        # Always an image type (from our own key), never sniffed, never a page.
        "Content-Disposition": f'inline; filename="{key.replace("/", "-")}"',
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return FileResponse(path, media_type=content_type_of(key), headers=headers)
