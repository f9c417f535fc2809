"""The read side of posts: who may see what, list filters and orders, revisions."""

import enum
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from blogapi.core.config import Role
from blogapi.core.db import TextMatcher, utcnow
from blogapi.core.errors import NotFound, Unauthorized
from blogapi.core.pagination import PageParams
from blogapi.core.responses import Document
from blogapi.posts import access, rendering
from blogapi.posts.models import Post, PostRevision, PostStatus
from blogapi.posts.schemas import (
    AuthorOut,
    RevisionOut,
    RevisionSummary,
)
from blogapi.reactions import service as reactions_service
from blogapi.tags import service as tags_service
from blogapi.users import service as users_service
from blogapi.users.models import User


class PostSort(enum.StrEnum):
    NEWEST = "-published_at"
    OLDEST = "published_at"
    MOST_LIKED = "-likes_count"
    MOST_COMMENTED = "-comments_count"


@dataclass(frozen=True)
class PostFilters:
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    status: PostStatus | None = None
    sort: PostSort = PostSort.NEWEST


def visible_to(viewer: User | None, now: datetime) -> ColumnElement[bool]:
    """`access.visible` with values: for statements that are not shape-cached."""
    return access.visible(access.audience(viewer), now, viewer.id if viewer else access.VIEWER_ID)


def may_edit(post: Post, user: User) -> bool:
    return post.author_id == user.id or user.has_role(Role.EDITOR)


# A post loaded only to decide access (likes, bookmarks, comments) does not need its bodies:
# tens of kilobytes a row. Touching one then raises instead of loading it unseen.
WITHOUT_BODIES = [
    defer(column, raiseload=True) for column in (Post.content, Post.content_html, Post.content_text)
]


@functools.cache
def _post_by_ref(may_be_id: bool, who: access.Audience, bodies: bool) -> Select[Post]:
    statement = select(Post).where(access.ref_condition(may_be_id), access.visible(who))
    return statement if bodies else statement.options(*WITHOUT_BODIES)


async def get_visible(
    session: AsyncSession, ref: str, viewer: User | None, *, bodies: bool = True
) -> Post:
    """A post by id or slug that `viewer` may see, else 404 (whether or not it exists)."""
    values = access.ref_values(ref)
    if values is None:
        raise NotFound("Post not found")
    statement = _post_by_ref("ref_id" in values, access.audience(viewer), bodies)
    post = await session.scalar(statement, {**values, **access.viewer_values(viewer)})
    if post is None:
        raise NotFound("Post not found")
    return post


@dataclass(frozen=True)
class _ListShape:
    """What changes the SQL text of a post list; the rest is bound values."""

    who: access.Audience
    status: PostStatus | None
    author: Literal["id", "name"] | None
    many_tags: bool | None  # None: no tag filter
    sort: PostSort


def _list_shape(filters: PostFilters, viewer: User | None) -> tuple[_ListShape, dict[str, Any]]:
    if viewer is None and filters.status not in (None, PostStatus.PUBLISHED):
        raise Unauthorized("Sign in to list posts that are not published")
    values = access.viewer_values(viewer)
    author: Literal["id", "name"] | None = None
    if filters.author:
        try:
            values["author_id"] = uuid.UUID(filters.author)
            author = "id"
        except ValueError:
            values["author_name"] = filters.author.lower()
            author = "name"
    many_tags = None
    if filters.tags:
        values |= tags_service.tag_values(filters.tags)
        many_tags = "tags" in values
    shape = _ListShape(access.audience(viewer), filters.status, author, many_tags, filters.sort)
    return shape, values


def _status_condition(shape: _ListShape) -> ColumnElement[bool]:
    alive = Post.deleted_at.is_(None)
    if shape.status is None or shape.who is access.Audience.ANONYMOUS:
        return and_(alive, access.is_public(access.NOW))
    condition = and_(Post.status == shape.status.value, alive)
    if shape.who is access.Audience.EDITOR:
        return condition
    return and_(condition, Post.author_id == access.VIEWER_ID)


def _conditions(shape: _ListShape) -> list[ColumnElement[bool]]:
    conditions = [_status_condition(shape)]
    if shape.author == "id":
        conditions.append(Post.author_id == bindparam("author_id", type_=Post.author_id.type))
    elif shape.author == "name":
        username = bindparam("author_name", type_=String())
        conditions.append(Post.author_id == users_service.id_by_username_query(username))
    if shape.many_tags is not None:
        conditions.append(Post.id.in_(tags_service.posts_with_all_tags(shape.many_tags)))
    return conditions


def ordering(sort: PostSort, *, unpublished: bool = True) -> list[ColumnElement[Any]]:
    """The list order. Published posts always have `published_at`: without unpublished ones
    in the set, no NULLS LAST is needed, and the newest-first order is the public feed
    index's own (one page read, then stop)."""
    newest = Post.published_at.desc()
    by: dict[PostSort, ColumnElement[Any]] = {
        PostSort.NEWEST: newest.nulls_last() if unpublished else newest,
        PostSort.OLDEST: Post.published_at.asc().nulls_last(),
        PostSort.MOST_LIKED: Post.likes_count.desc(),
        PostSort.MOST_COMMENTED: Post.comments_count.desc(),
    }
    return [by[sort], Post.created_at.desc(), Post.id.desc()]


@functools.cache
def _list_statements(shape: _ListShape) -> rendering.PageStatements:
    unpublished = shape.status not in (None, PostStatus.PUBLISHED)
    order = ordering(shape.sort, unpublished=unpublished)
    viewer = shape.who is not access.Audience.ANONYMOUS
    return rendering.page_statements(_conditions(shape), order, viewer=viewer)


def filtered(
    filters: PostFilters, viewer: User | None
) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    """The list's conditions and the values they bind, for statements built elsewhere (search)."""
    shape, values = _list_shape(filters, viewer)
    return _conditions(shape), values


async def list_posts(
    session: AsyncSession, filters: PostFilters, params: PageParams, viewer: User | None
) -> Document:
    """A `Page[PostSummary]` document."""
    shape, values = _list_shape(filters, viewer)
    viewer_flags = shape.who is not access.Audience.ANONYMOUS
    statements = _list_statements(shape)
    return await rendering.run_page(session, statements, values, params, viewer=viewer_flags)


async def list_bookmarked(session: AsyncSession, user: User, params: PageParams) -> Document:
    """The reader's bookmarks that they can still see, the most recently bookmarked first."""
    post_id = Post.__table__.c.id
    bookmarked_at = reactions_service.bookmarked_at(user.id, post_id)
    conditions = [
        visible_to(user, utcnow()),
        reactions_service.bookmarked_column(user.id, post_id),
    ]
    order: list[ColumnElement[Any]] = [bookmarked_at.desc(), Post.id.desc()]
    return await rendering.page_of_summaries(session, conditions, params, order, user.id)


@functools.cache
def _full_post(may_be_id: bool, who: access.Audience) -> Select[Any]:
    viewer = who is not access.Audience.ANONYMOUS
    condition = and_(access.ref_condition(may_be_id), access.visible(who))
    return rendering.post_select(viewer=viewer, full=True).where(condition)


async def read_post(session: AsyncSession, ref: str, viewer: User | None) -> tuple[Document, int]:
    """A post the viewer may see, by id or slug (a PostOut document), and its version; else 404."""
    values = access.ref_values(ref)
    if values is None:
        raise NotFound("Post not found")
    statement = _full_post("ref_id" in values, access.audience(viewer))
    values |= access.viewer_values(viewer)
    return await rendering.full_post(session, statement, values, viewer=viewer is not None)


@functools.cache
def _full_post_by_id() -> Select[Any]:
    return rendering.post_select(viewer=True, full=True).where(Post.id == access.REF_ID)


async def render_post(session: AsyncSession, post: Post, viewer: User) -> tuple[Document, int]:
    values = {"ref_id": post.id, "viewer_id": viewer.id}
    return await rendering.full_post(session, _full_post_by_id(), values, viewer=True)


async def render_revisions(
    session: AsyncSession, revisions: Sequence[PostRevision], *, full: bool = False
) -> list[RevisionSummary]:
    editors = await users_service.get_many(
        session, {r.editor_id for r in revisions if r.editor_id is not None}
    )
    model = RevisionOut if full else RevisionSummary
    result: list[RevisionSummary] = []
    for revision in revisions:
        editor = editors.get(revision.editor_id) if revision.editor_id else None
        fields: dict[str, object] = {
            "number": revision.number,
            "title": revision.title,
            "editor": AuthorOut.model_validate(editor) if editor else None,
            "created_at": revision.created_at,
        }
        if full:
            fields |= {"summary": revision.summary, "content": revision.content}
        result.append(model.model_validate(fields))
    return result


async def suggest_titles(
    session: AsyncSession, matching: TextMatcher, limit: int
) -> list[tuple[str, str]]:
    """(title, slug) of public posts whose titles match, for autocomplete."""
    condition, order = matching(func.lower(Post.title))
    rows = await session.execute(
        select(Post.title, Post.slug)
        .where(condition, Post.deleted_at.is_(None), access.is_public(utcnow()))
        .order_by(*order)
        .limit(limit)
    )
    return [(title, slug) for title, slug in rows]
