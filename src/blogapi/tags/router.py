from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from blogapi.auth.dependencies import ReadWriteLimit, require_role
from blogapi.core.config import Role
from blogapi.core.db import SessionDep
from blogapi.core.errors import Forbidden, NotFound, Unauthorized, error_responses
from blogapi.core.http_cache import cacheable_json
from blogapi.core.pagination import Page, PageDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.tags import service
from blogapi.tags.schemas import TagOut, TagRename
from blogapi.users.models import User

router = APIRouter(
    prefix=f"{API_PREFIX}/tags", tags=["tags"], route_class=JSONRoute, dependencies=[ReadWriteLimit]
)

TagSlug = Annotated[str, Path(min_length=1, max_length=30)]
Editor = Annotated[User, Depends(require_role(Role.EDITOR))]


@router.get("", response_model=Page[TagOut])
async def list_tags(request: Request, session: SessionDep, page: PageDep) -> Response:
    """Tags with published posts, the most used first."""
    rows, total = await service.list_tags(session, page)
    items = [
        TagOut(slug=tag.slug, post_count=count, created_at=tag.created_at) for tag, count in rows
    ]
    return cacheable_json(request, Page[TagOut].build(items, page, total))


@router.get("/{slug}", response_model=TagOut, responses=error_responses(NotFound))
async def read_tag(request: Request, slug: TagSlug, session: SessionDep) -> Response:
    tag, count = await service.get_tag(session, slug)
    return cacheable_json(
        request, TagOut(slug=tag.slug, post_count=count, created_at=tag.created_at)
    )


@router.patch("/{slug}", responses=error_responses(Unauthorized, Forbidden, NotFound))
async def rename_tag(
    slug: TagSlug, data: TagRename, session: SessionDep, _editor: Editor
) -> TagOut:
    """Editors: rename a tag, or merge it into the tag that already has the new name."""
    tag, _ = await service.get_tag(session, slug)
    renamed = await service.rename(session, tag, data.name)
    tag, count = await service.get_tag(session, renamed.slug)
    return TagOut(slug=tag.slug, post_count=count, created_at=tag.created_at)
