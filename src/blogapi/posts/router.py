from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status

from blogapi.auth.dependencies import CurrentUser, OptionalUser, ReadWriteLimit, WriterUser
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.errors import (
    Forbidden,
    ValidationFailed,
)
from blogapi.core.http_cache import cacheable_json, if_match_versions
from blogapi.core.pagination import Page, PageDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.posts import access, lists, queries, service
from blogapi.posts.dependencies import AuthorFilter, EditablePost, PostRef, TagFilter
from blogapi.posts.lists import ListStatus, PostFilters, PostSort
from blogapi.posts.models import PostStatus
from blogapi.posts.schemas import (
    PostCreate,
    PostOut,
    PostSummary,
    PostUpdate,
    RevisionOut,
    RevisionSummary,
)
from blogapi.search import queries as search_queries

router = APIRouter(
    prefix=f"{API_PREFIX}/posts",
    tags=["posts"],
    route_class=JSONRoute,
    dependencies=[ReadWriteLimit],
)


@router.get("", response_model=Page[PostSummary])
async def list_posts(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: OptionalUser,
    page: PageDep,
    author: AuthorFilter = None,
    tag: TagFilter = None,
    post_status: Annotated[ListStatus | None, Query(alias="status")] = None,
    sort: PostSort | None = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Full-text search")
    ] = None,
) -> Response:
    """Published posts, newest first. `status` lists your own posts (any, for editors);
    `scheduled`: published with a date still to come.

    With `q`, the results of `/search` in post form, best match first.
    """
    if q is not None:
        if post_status is not None or sort is not None:
            raise ValidationFailed.on_field(
                "q", "A search lists published posts by relevance: drop status and sort"
            )
        query = search_queries.SearchQuery(text=q, author=author, tags=tag or [])
        found = await search_queries.search_posts(session, settings, query, page, viewer)
        return cacheable_json(request, found)
    filters = PostFilters(
        author=author, tags=tag or [], status=post_status, sort=sort or PostSort.NEWEST
    )
    return cacheable_json(request, await lists.list_posts(session, filters, page, viewer))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PostOut,
)
async def create_post(
    data: PostCreate, request: Request, session: SessionDep, settings: SettingsDep, user: WriterUser
) -> Response:
    """Write a post. A future `published_at` schedules it; the slug comes from the title."""
    limit = settings.markdown_render_timeout_seconds
    post = await service.create_post(session, user, data, render_limit_seconds=limit)
    out, version = await queries.reread(session, post, user)
    return cacheable_json(request, out, version=version, status_code=201)


@router.get("/{ref}", response_model=PostOut)
async def read_post(
    ref: PostRef, request: Request, session: SessionDep, viewer: OptionalUser
) -> Response:
    """A post by id or slug, with an ETag (send If-None-Match to get 304)."""
    out, version = await queries.read_post(session, ref, viewer)
    return cacheable_json(request, out, version=version)


@router.patch(
    "/{ref}",
    response_model=PostOut,
)
@router.put(
    "/{ref}", response_model=PostOut, summary="The same as PATCH (an alias for older clients)"
)
async def update_post(
    changes: PostUpdate,
    post: EditablePost,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Edit (author or editor; a contributor only until the post is published). Send the ETag
    as If-Match: a stale one is 412, nothing changes."""
    unpublishing = changes.status not in (None, PostStatus.PUBLISHED)
    if not access.may_rewrite(post, user, unpublishing=unpublishing):
        raise Forbidden("A contributor may not edit a post once it is published or scheduled")
    expected = if_match_versions(if_match)
    limit = settings.markdown_render_timeout_seconds
    post = await service.update_post(
        session, post, user, changes, expected_versions=expected, render_limit_seconds=limit
    )
    out, version = await queries.reread(session, post, user)
    return cacheable_json(request, out, version=version)


@router.delete(
    "/{ref}",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def delete_post(post: EditablePost, session: SessionDep) -> None:
    await service.delete_post(session, post)


@router.get("/{ref}/revisions")
async def list_revisions(post: EditablePost, session: SessionDep) -> list[RevisionSummary]:
    """Earlier versions of the title, summary and content, newest first."""
    return await queries.list_revisions(session, post)


@router.get("/{ref}/revisions/{number}")
async def read_revision(
    number: Annotated[int, Path(ge=1, le=1_000_000)], post: EditablePost, session: SessionDep
) -> RevisionOut:
    return await queries.get_revision(session, post, number)
