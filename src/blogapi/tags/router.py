from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from blogapi.auth.dependencies import ReadWriteLimit, require_role
from blogapi.core.config import Role, Settings, SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.feed_links import feed_links
from blogapi.core.http_cache import cacheable_json
from blogapi.core.pagination import Page, PageDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.posts import access as posts_access
from blogapi.tags import queries, service
from blogapi.tags.models import Tag
from blogapi.tags.naming import MAX_SLUG_LENGTH
from blogapi.tags.schemas import TagOut, TagRename
from blogapi.users.models import User

router = APIRouter(
    prefix=f"{API_PREFIX}/tags", tags=["tags"], route_class=JSONRoute, dependencies=[ReadWriteLimit]
)

# A slug, or a name in any case (GET /tags/C%2B%2B finds C++).
TagSlug = Annotated[
    str, Path(min_length=1, max_length=MAX_SLUG_LENGTH, description="A slug, or a name")
]
Editor = Annotated[User, Depends(require_role(Role.EDITOR))]


def _out(tag: Tag, post_count: int, settings: Settings) -> TagOut:
    return TagOut(
        slug=tag.slug,
        name=tag.name,
        post_count=post_count,
        created_at=tag.created_at,
        feeds=feed_links(settings.public_base_url, f"tags/{tag.slug}"),
    )


@router.get("", response_model=Page[TagOut])
async def list_tags(
    request: Request, session: SessionDep, settings: SettingsDep, page: PageDep
) -> Response:
    """Tags with published posts, the most used first."""
    rows, total = await queries.list_tags(session, page, posts_access.public_post_ids())
    items = [_out(tag, count, settings) for tag, count in rows]
    return cacheable_json(request, Page[TagOut].build(items, page, total))


@router.get("/{slug}", response_model=TagOut)
async def read_tag(
    request: Request, slug: TagSlug, session: SessionDep, settings: SettingsDep
) -> Response:
    """A tag by slug, or by name in any case."""
    tag, count = await queries.get_tag(session, slug, posts_access.public_post_ids())
    return cacheable_json(request, _out(tag, count, settings))


@router.patch("/{slug}")
async def rename_tag(
    slug: TagSlug, data: TagRename, session: SessionDep, settings: SettingsDep, _editor: Editor
) -> TagOut:
    """Editors: rename a tag (a new name, a new slug), respell it (the same name in another
    case, the same slug), or merge it into the tag that already has the new name."""
    tag, _ = await queries.get_tag(session, slug, posts_access.public_post_ids())
    renamed = await service.rename(session, tag, data.name)
    renamed_tag, count = await queries.get_tag(
        session, renamed.slug, posts_access.public_post_ids()
    )
    return _out(renamed_tag, count, settings)
