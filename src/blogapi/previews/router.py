"""Shareable draft previews: secret links that show a post as it is now to whoever holds one,
made and revoked by the post's author or an editor."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from fastapi.responses import RedirectResponse, Response

from blogapi.auth.dependencies import CurrentUser, ReadWriteLimit, limit_by_ip
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep, utcnow
from blogapi.core.http_cache import CarriesSecrets
from blogapi.core.responses import dump
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.previews import queries, service
from blogapi.previews.dependencies import PreviewedPost
from blogapi.previews.errors import PREVIEW_HEADERS
from blogapi.previews.schemas import (
    PostPreview,
    PreviewLinkCreate,
    PreviewLinkCreated,
    PreviewLinkOut,
)

router = APIRouter(prefix=API_PREFIX, tags=["posts"], route_class=JSONRoute)

LINKS = "/posts/{ref}/preview-links"


@router.post(
    LINKS,
    status_code=status.HTTP_201_CREATED,
    dependencies=[ReadWriteLimit, CarriesSecrets],
)
async def create_preview_link(
    post: PreviewedPost,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    data: PreviewLinkCreate | None = None,
) -> PreviewLinkCreated:
    """A secret link that shows the post, as it is at each visit, without an account, for
    `expires_in_hours` (1 to 720, default 72). The post's author or an editor; at most 10 live
    links a post. The token is shown this once: only its hash is kept."""
    hours = (data or PreviewLinkCreate()).expires_in_hours
    link, token = await service.create_link(session, post, user, hours=hours)
    base = settings.public_base_url.rstrip("/")
    return PreviewLinkCreated(
        id=link.id,
        url=f"{base}{API_PREFIX}/preview/{token}",
        token=token,
        expires_at=link.expires_at,
    )


@router.get(LINKS, dependencies=[ReadWriteLimit])
async def list_preview_links(post: PreviewedPost, session: SessionDep) -> list[PreviewLinkOut]:
    """The post's live links (neither revoked nor expired), newest first, without tokens."""
    links = await queries.live_links(session, post.id, utcnow())
    return [PreviewLinkOut.model_validate(link) for link in links]


@router.delete(
    f"{LINKS}/{{link_id}}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[ReadWriteLimit],
)
async def revoke_preview_link(link_id: uuid.UUID, post: PreviewedPost, session: SessionDep) -> None:
    """Revoke a live link: it opens nothing from now on. Again, or for a dead link, 404."""
    await service.revoke_link(session, post, link_id)


@router.get(
    "/preview/{token:path}",
    response_model=PostPreview,
    responses={301: {"description": "The post is public now: its own address"}},
    dependencies=[Depends(limit_by_ip("preview-ip"))],
)
async def open_preview(
    token: Annotated[str, Path(description="The token of a preview link")],
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The post as it is now (draft, pending review or scheduled), for whoever holds the
    link, with `preview.expires_at`; no account needed. Once the post is public: 301 to it.
    A token that opens nothing is one 404, whatever the reason."""
    preview = await queries.read_preview(session, token, utcnow())
    if preview.public:
        base = settings.public_base_url.rstrip("/")
        location = f"{base}{API_PREFIX}/posts/{preview.document['slug']}"
        return RedirectResponse(location, status_code=301, headers=PREVIEW_HEADERS)
    document = {**preview.document, "preview": {"expires_at": preview.expires_at}}
    return Response(dump(document), media_type="application/json", headers=PREVIEW_HEADERS)
