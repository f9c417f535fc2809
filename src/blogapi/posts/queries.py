"""The read side of posts: who may see what, list filters and orders, revisions."""

import enum
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from blogapi.core.config import Role
from blogapi.core.db import TextMatcher, utcnow
from blogapi.core.errors import NotFound, Unauthorized
from blogapi.core.pagination import Page, PageParams
from blogapi.posts import rendering
from blogapi.posts.models import Post, PostRevision, PostStatus
from blogapi.posts.schemas import (
    AuthorOut,
    PostOut,
    PostSummary,
    RevisionOut,
    RevisionSummary,
)
from blogapi.reactions import service as reactions_service
from blogapi.tags import service as tags_service
from blogapi.users import service as users_service
from blogapi.users.models import User

_REF = re.compile(r"[A-Za-z0-9-]{1,100}")


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


def is_public(now: datetime) -> ColumnElement[bool]:
    return and_(Post.status == PostStatus.PUBLISHED.value, Post.published_at <= now)


def visible_to(viewer: User | None, now: datetime) -> ColumnElement[bool]:
    """Published and due for everyone; the author's own posts; everything for editors."""
    alive = Post.deleted_at.is_(None)
    if viewer is None:
        return and_(alive, is_public(now))
    if viewer.has_role(Role.EDITOR):
        return alive
    return and_(alive, or_(is_public(now), Post.author_id == viewer.id))


def may_edit(post: Post, user: User) -> bool:
    return post.author_id == user.id or user.has_role(Role.EDITOR)


def by_ref(ref: str) -> ColumnElement[bool]:
    """A post by id or by slug (a slug may look like an id: a title can be hex digits).

    A ref that can be neither matches nothing, without sending odd bytes (NUL) to the database.
    """
    if not _REF.fullmatch(ref):
        return false()
    slug = Post.slug == ref.lower()
    try:
        return or_(Post.id == uuid.UUID(ref), slug)
    except ValueError:
        return slug


def visible_by_ref(ref: str, viewer: User | None) -> ColumnElement[bool]:
    return and_(by_ref(ref), visible_to(viewer, utcnow()))


# A post loaded only to decide access (likes, bookmarks, comments) does not need its bodies:
# tens of kilobytes a row. Touching one then raises instead of loading it unseen.
WITHOUT_BODIES = [
    defer(column, raiseload=True) for column in (Post.content, Post.content_html, Post.content_text)
]


async def get_visible(
    session: AsyncSession, ref: str, viewer: User | None, *, bodies: bool = True
) -> Post:
    """A post by id or slug that `viewer` may see, else 404 (whether or not it exists)."""
    statement = select(Post).where(visible_by_ref(ref, viewer))
    if not bodies:
        statement = statement.options(*WITHOUT_BODIES)
    post = await session.scalar(statement)
    if post is None:
        raise NotFound("Post not found")
    return post


def _author_condition(author: str) -> ColumnElement[bool]:
    try:
        return Post.author_id == uuid.UUID(author)
    except ValueError:
        return Post.author_id == users_service.id_by_username_query(author)


def _status_condition(status: PostStatus, viewer: User | None) -> ColumnElement[bool]:
    if viewer is None:
        if status is not PostStatus.PUBLISHED:
            raise Unauthorized("Sign in to list posts that are not published")
        return and_(Post.deleted_at.is_(None), is_public(utcnow()))
    condition = and_(Post.status == status.value, Post.deleted_at.is_(None))
    if viewer.has_role(Role.EDITOR):
        return condition
    return and_(condition, Post.author_id == viewer.id)


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


def filtered(filters: PostFilters, viewer: User | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status is None:
        conditions.append(and_(Post.deleted_at.is_(None), is_public(utcnow())))
    else:
        conditions.append(_status_condition(filters.status, viewer))
    if filters.author:
        conditions.append(_author_condition(filters.author))
    if filters.tags:
        conditions.append(Post.id.in_(tags_service.posts_with_all_tags(filters.tags)))
    return conditions


async def list_posts(
    session: AsyncSession, filters: PostFilters, params: PageParams, viewer: User | None
) -> Page[PostSummary]:
    conditions = filtered(filters, viewer)
    viewer_id = viewer.id if viewer else None
    unpublished = filters.status not in (None, PostStatus.PUBLISHED)
    order = ordering(filters.sort, unpublished=unpublished)
    return await rendering.page_of_summaries(session, conditions, params, order, viewer_id)


async def list_bookmarked(
    session: AsyncSession, user: User, params: PageParams
) -> Page[PostSummary]:
    """The reader's bookmarks that they can still see, the most recently bookmarked first."""
    post_id = Post.__table__.c.id
    bookmarked_at = reactions_service.bookmarked_at(user.id, post_id)
    conditions = [
        visible_to(user, utcnow()),
        reactions_service.bookmarked_column(user.id, post_id),
    ]
    order: list[ColumnElement[Any]] = [bookmarked_at.desc(), Post.id.desc()]
    return await rendering.page_of_summaries(session, conditions, params, order, user.id)


async def read_post(session: AsyncSession, ref: str, viewer: User | None) -> tuple[PostOut, int]:
    """A post the viewer may see, by id or slug, and its version; else 404."""
    return await rendering.full_post(
        session, visible_by_ref(ref, viewer), viewer.id if viewer else None
    )


async def render_post(session: AsyncSession, post: Post, viewer: User) -> tuple[PostOut, int]:
    return await rendering.full_post(session, Post.id == post.id, viewer.id)


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
        .where(condition, Post.deleted_at.is_(None), is_public(utcnow()))
        .order_by(*order)
        .limit(limit)
    )
    return [(title, slug) for title, slug in rows]
