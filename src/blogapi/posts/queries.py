"""Reading one post: by ref for a reader, again after a write, its revisions; posts by id
(search hits) and titles for autocomplete. Lists of posts are in `lists.py`.

Reads answer with SQLAlchemy Core: exactly the columns a response needs, the author joined,
tags aggregated and the reader's like/bookmark flags as EXISTS, in one statement, and no ORM
object on the hot paths. Statements are built once per shape (see `access.py`).
"""

import functools
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from blogapi.core.db import TextMatcher, core_execute, utcnow
from blogapi.core.errors import NotFound
from blogapi.core.responses import Document
from blogapi.posts import access, covers, rendering
from blogapi.posts.models import Post, PostRevision
from blogapi.posts.schemas import PostSummary, RevisionOut, RevisionSummary
from blogapi.reactions import queries as reactions_queries
from blogapi.tags import queries as tags_queries
from blogapi.users import queries as users_queries
from blogapi.users.models import User

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
    "bookmarks_count",
    "views_count",
    "reading_time_minutes",
)

# A post loaded only to decide access (likes, bookmarks, comments) does not need its bodies:
# tens of kilobytes a row. Touching one then raises instead of loading it unseen.
WITHOUT_BODIES = [
    defer(column, raiseload=True) for column in (Post.content, Post.content_html, Post.content_text)
]


@functools.cache
def post_select(*, viewer: bool, full: bool) -> Select[Any]:
    """The response's columns, the reader's flags bound to VIEWER_ID; built once per shape."""
    post_id = Post.__table__.c.id
    columns: list[Any] = [getattr(Post, name) for name in SUMMARY_COLUMNS]
    columns += [Post.status, *users_queries.author_columns()]
    columns.append(tags_queries.tags_column(post_id).label("tags"))
    columns += covers.cover_columns(post_id)
    if viewer:
        liked = reactions_queries.liked_column(access.VIEWER_ID, post_id)
        bookmarked = reactions_queries.bookmarked_column(access.VIEWER_ID, post_id)
        columns += [liked.label("liked"), bookmarked.label("bookmarked")]
    if full:
        columns += [Post.content, Post.content_html, Post.version]
    return select(*columns).join(User, User.id == Post.author_id)


@functools.cache
def _post_by_ref(is_id: bool, who: access.Audience, bodies: bool) -> Select[Post]:
    statement = select(Post).where(access.ref_condition(is_id), access.visible(who))
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


async def _document(
    session: AsyncSession, statement: Select[Any], values: dict[str, Any], *, viewer: bool
) -> tuple[Document, int]:
    """The post `statement` (a `post_select(full=True)`) finds, as a PostOut document, and its
    version (for the ETag)."""
    row = (await core_execute(session, statement, values)).mappings().first()
    if row is None:
        raise NotFound("Post not found")
    return rendering.post_document(row, viewer), int(row["version"])


@functools.cache
def _full_post(is_id: bool, who: access.Audience) -> Select[Any]:
    viewer = who is not access.Audience.ANONYMOUS
    return post_select(viewer=viewer, full=True).where(
        access.ref_condition(is_id), access.visible(who)
    )


async def read_post(session: AsyncSession, ref: str, viewer: User | None) -> tuple[Document, int]:
    """A post the viewer may see, by id or slug (a PostOut document), and its version; else 404."""
    values = access.ref_values(ref)
    if values is None:
        raise NotFound("Post not found")
    statement = _full_post("ref_id" in values, access.audience(viewer))
    values |= access.viewer_values(viewer)
    return await _document(session, statement, values, viewer=viewer is not None)


@functools.cache
def _full_post_by_id() -> Select[Any]:
    return post_select(viewer=True, full=True).where(Post.id == access.REF_ID)


async def reread(session: AsyncSession, post: Post, viewer: User) -> tuple[Document, int]:
    """The post as `viewer` reads it now (after a write), a PostOut document, and its version."""
    values = {"ref_id": post.id, "viewer_id": viewer.id}
    return await _document(session, _full_post_by_id(), values, viewer=True)


@functools.cache
def _alive_post_by_id() -> Select[Any]:
    public = access.public().label("is_public")
    return (
        post_select(viewer=False, full=True)
        .add_columns(public)
        .where(Post.id == access.REF_ID, Post.deleted_at.is_(None))
    )


async def document_by_id(session: AsyncSession, post_id: uuid.UUID) -> tuple[Document, bool] | None:
    """A post that is not deleted, whatever its status and whoever asks (a preview link's
    holder), as an anonymous reader's PostOut document, and whether it is public now."""
    values = {"ref_id": post_id, "now": utcnow()}
    row = (await core_execute(session, _alive_post_by_id(), values)).mappings().first()
    if row is None:
        return None
    return rendering.post_document(row, False), bool(row["is_public"])


async def summaries_by_id(
    session: AsyncSession, post_ids: Sequence[uuid.UUID], viewer_id: uuid.UUID | None
) -> list[PostSummary]:
    """Summaries of the given posts, in the given order (search results)."""
    if not post_ids:
        return []
    viewer = viewer_id is not None
    statement = post_select(viewer=viewer, full=False).where(Post.id.in_(post_ids))
    rows = await session.execute(statement, {"viewer_id": viewer_id} if viewer else {})
    by_id = {
        row["id"]: rendering.summary_model(rendering.summary_document(row, viewer))
        for row in rows.mappings()
    }
    return [by_id[i] for i in post_ids if i in by_id]


async def _editors(
    session: AsyncSession, revisions: Sequence[PostRevision]
) -> dict[uuid.UUID, User]:
    ids = {r.editor_id for r in revisions if r.editor_id is not None}
    return await users_queries.get_many(session, ids)


async def list_revisions(session: AsyncSession, post: Post) -> list[RevisionSummary]:
    """The post's earlier versions, newest first, with their editors."""
    revisions = list(
        await session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.number.desc())
        )
    )
    editors = await _editors(session, revisions)
    return [
        rendering.revision_summary(r, editors.get(r.editor_id) if r.editor_id else None)
        for r in revisions
    ]


async def get_revision(session: AsyncSession, post: Post, number: int) -> RevisionOut:
    """Revision `number` of the post, else 404."""
    revision = await session.scalar(
        select(PostRevision).where(PostRevision.post_id == post.id, PostRevision.number == number)
    )
    if revision is None:
        raise NotFound("Revision not found")
    editors = await _editors(session, [revision])
    editor = editors.get(revision.editor_id) if revision.editor_id else None
    return rendering.revision_out(revision, editor)


async def suggest_titles(
    session: AsyncSession, matching: TextMatcher, limit: int
) -> list[tuple[str, str]]:
    """(title, slug) of public posts whose titles match, for autocomplete."""
    condition, order = matching(func.lower(Post.title))
    rows = await session.execute(
        select(Post.title, Post.slug)
        .where(condition, access.public(utcnow()))
        .order_by(*order)
        .limit(limit)
    )
    return [(title, slug) for title, slug in rows]


async def slug_of(session: AsyncSession, post_id: uuid.UUID) -> str:
    """A post's slug (for the events about its comments)."""
    return (await session.execute(select(Post.slug).where(Post.id == post_id))).scalar_one()
