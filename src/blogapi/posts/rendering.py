"""Posts as responses, read with SQLAlchemy Core: exactly the columns a response needs, the
author joined, tags aggregated and the reader's like/bookmark flags as EXISTS, in one
statement, so a page costs two statements (count and page) whatever its size, and no ORM
object is built on the hot read paths. Models are assembled with `model_construct` (the
database already holds valid data) and serialised once.
"""

import functools
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, RowMapping, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.errors import NotFound
from blogapi.core.pagination import Page, PageParams, Pagination
from blogapi.posts import covers
from blogapi.posts.access import VIEWER_ID
from blogapi.posts.models import Post, PostStatus
from blogapi.posts.schemas import AuthorOut, PostOut, PostSummary
from blogapi.reactions import service as reactions_service
from blogapi.tags import service as tags_service
from blogapi.users import service as users_service
from blogapi.users.models import User

OFFSET = bindparam("offset", type_=Integer())
LIMIT = bindparam("limit", type_=Integer())
SUMMARY_COLUMNS = (
    "id",
    "slug",
    "title",
    "summary",
    "published_at",
    "created_at",
    "updated_at",
    "likes_count",
    "comments_count",
    "reading_time_minutes",
)


@functools.cache
def post_select(*, viewer: bool, full: bool) -> Select[Any]:
    """The response's columns, the reader's flags bound to VIEWER_ID; built once per shape."""
    post_id = Post.__table__.c.id
    columns: list[Any] = [getattr(Post, name) for name in SUMMARY_COLUMNS]
    columns += [Post.status, *users_service.author_columns()]
    columns.append(tags_service.slugs_column(post_id).label("tag_slugs"))
    columns += covers.cover_columns(post_id)
    if viewer:
        columns.append(reactions_service.liked_column(VIEWER_ID, post_id).label("liked"))
        columns.append(reactions_service.bookmarked_column(VIEWER_ID, post_id).label("bookmarked"))
    if full:
        columns += [Post.content, Post.content_html, Post.version]
    return select(*columns).join(User, User.id == Post.author_id)


def _fields(row: RowMapping, viewer: bool) -> dict[str, Any]:
    fields = {name: row[name] for name in SUMMARY_COLUMNS}
    fields["status"] = PostStatus(row["status"])
    fields["author"] = AuthorOut.model_construct(
        id=row["author_id"],
        username=row["author_username"],
        display_name=row["author_display_name"],
        avatar_url=row["author_avatar_url"],
    )
    fields["tags"] = sorted(row["tag_slugs"].split(",")) if row["tag_slugs"] else []
    fields["cover_media_id"] = row["cover_media_id"]
    fields["cover_url"] = row["cover_url"]
    fields["liked"] = bool(row["liked"]) if viewer else None
    fields["bookmarked"] = bool(row["bookmarked"]) if viewer else None
    return fields


async def page_of_summaries(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    params: PageParams,
    order: Sequence[ColumnElement[Any]],
    viewer_id: uuid.UUID | None,
) -> Page[PostSummary]:
    """One page and the total, for conditions built with values (not shape-cached)."""
    viewer = viewer_id is not None
    statements = page_statements(conditions, order, viewer=viewer)
    values = {"viewer_id": viewer_id} if viewer else {}
    return await run_page(session, statements, values, params, viewer=viewer)


def page_statements(
    conditions: Sequence[ColumnElement[bool]], order: Sequence[ColumnElement[Any]], *, viewer: bool
) -> tuple[Select[Any], Select[Any]]:
    """The count and the page of posts matching `conditions`: OFFSET and LIMIT bound."""
    count = select(func.count()).select_from(Post).where(*conditions)
    page = post_select(viewer=viewer, full=False).where(*conditions).order_by(*order)
    return count, page.offset(OFFSET).limit(LIMIT)


async def run_page(
    session: AsyncSession,
    statements: tuple[Select[Any], Select[Any]],
    values: dict[str, Any],
    params: PageParams,
    *,
    viewer: bool,
) -> Page[PostSummary]:
    """One page and the total, in two statements."""
    count, page = statements
    total = await session.scalar(count, values)
    rows = await session.execute(page, {**values, "offset": params.offset, "limit": params.limit})
    items = [PostSummary.model_construct(**_fields(r, viewer)) for r in rows.mappings()]
    return _page(items, params, total or 0)


def _page(items: list[PostSummary], params: PageParams, total: int) -> Page[PostSummary]:
    pagination = Pagination(
        page=params.page,
        limit=params.limit,
        total=total,
        total_pages=(total + params.limit - 1) // params.limit,
    )
    return Page[PostSummary].model_construct(data=items, pagination=pagination)


async def summaries_by_id(
    session: AsyncSession, post_ids: Sequence[uuid.UUID], viewer_id: uuid.UUID | None
) -> list[PostSummary]:
    """Summaries of the given posts, in the given order (search results)."""
    if not post_ids:
        return []
    statement = post_select(viewer=viewer_id is not None, full=False).where(Post.id.in_(post_ids))
    rows = await session.execute(statement, {"viewer_id": viewer_id} if viewer_id else {})
    by_id = {
        r["id"]: PostSummary.model_construct(**_fields(r, viewer_id is not None))
        for r in rows.mappings()
    }
    return [by_id[i] for i in post_ids if i in by_id]


async def full_post(
    session: AsyncSession, statement: Select[Any], values: dict[str, Any], *, viewer: bool
) -> tuple[PostOut, int]:
    """The post `statement` (a `post_select(full=True)`) finds, and its version (for the ETag)."""
    row = (await session.execute(statement, values)).mappings().first()
    if row is None:
        raise NotFound("Post not found")
    fields = _fields(row, viewer)
    fields["content"] = row["content"]
    fields["content_html"] = row["content_html"]
    return PostOut.model_construct(**fields), int(row["version"])
