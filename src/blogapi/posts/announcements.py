"""Announcing what happens to posts: the post events, recorded in the change's transaction.

`post.published` is recorded once per publication; `post.updated` when a public post's title,
summary, content, slug or tags change (`changed` names them); `post.unpublished` when a public
post stops being public (not deleted); `post.scheduled` when a post is published for a later
date, or moved to another; `post.submitted` when it goes to review; `post.deleted` with its id
and slug only.

Visibility never waits for this: a post is public when `published_at <= now` (access.py),
worker or not. What needs a process is the announcement. A post published for now is
announced in its own transaction; one published for later is announced by the worker's
announcer when it comes due (`announce_due`, claimed with FOR UPDATE SKIP LOCKED and guarded
by `announced_at IS NULL`, so many workers make one announcement). Leaving `published`, or
moving the date to the future, clears `announced_at`: the next publication is announced anew.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import utcnow
from blogapi.core.metrics import POSTS_ANNOUNCED, PUBLISH_LAG
from blogapi.events import service as events_service
from blogapi.posts import access, rendering
from blogapi.posts.models import UNANNOUNCED_PREDICATE, Post, PostStatus
from blogapi.posts.queries import post_select
from blogapi.tags import queries as tags_queries

PUBLISHED = "post.published"
UPDATED = "post.updated"
UNPUBLISHED = "post.unpublished"
SCHEDULED = "post.scheduled"
SUBMITTED = "post.submitted"
DELETED = "post.deleted"
# The changes of a public post that readers see, in the order `changed` names them.
WATCHED = ("title", "summary", "content", "slug")
BATCH = 100


@dataclass(frozen=True)
class Before:
    """What a post was before a change, as far as its events care."""

    public: bool
    status: str
    published_at: datetime | None
    fields: tuple[str, ...]
    tag_ids: frozenset[uuid.UUID] | None  # read only when the change names tags


async def before(session: AsyncSession, post: Post, *, tags: bool) -> Before:
    """The post as it is, before a change (its tags read only if the change names them)."""
    public = access.is_public(post)
    tag_ids = await tags_queries.tag_ids_of(session, post.id) if tags and public else None
    fields = tuple(getattr(post, name) for name in WATCHED)
    return Before(public, post.status, post.published_at, fields, tag_ids)


async def _event_data(session: AsyncSession, post_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Each post's public representation without its bodies (receivers fetch those)."""
    statement = post_select(viewer=False, full=False).where(Post.id.in_(post_ids))
    rows = (await session.execute(statement)).mappings()
    documents = (rendering.summary_document(row, viewer=False) for row in rows)
    return {
        document["id"]: rendering.summary_model(document).model_dump(mode="json")
        for document in documents
    }


async def _record(session: AsyncSession, post_ids: list[uuid.UUID]) -> None:
    data = await _event_data(session, post_ids)
    for post_id in post_ids:
        await events_service.record(session, PUBLISHED, {"post": data[post_id]}, subject_id=post_id)


async def _changes(session: AsyncSession, post: Post, was: Before | None) -> list[str]:
    """The watched changes of a post public before and after."""
    changed = [
        name
        for name, old in zip(WATCHED, was.fields if was else (), strict=False)
        if getattr(post, name) != old
    ]
    tags_before = was.tag_ids if was is not None else None
    if tags_before is not None and await tags_queries.tag_ids_of(session, post.id) != tags_before:
        changed.append("tags")
    return changed


async def _other_events(
    session: AsyncSession, post: Post, was: Before | None, now: datetime
) -> list[tuple[str, dict[str, Any]]]:
    """The events besides `post.published` that the change makes, with their extra data."""
    public = access.is_public(post, now)
    events: list[tuple[str, dict[str, Any]]] = []
    if was is not None and was.public and not public:
        events.append((UNPUBLISHED, {}))
    published = post.status == PostStatus.PUBLISHED.value
    if published and post.published_at is not None and post.published_at > now:
        moved = was is None or (was.status, was.published_at) != (post.status, post.published_at)
        if moved:
            events.append((SCHEDULED, {}))
    submitted = post.status == PostStatus.PENDING_REVIEW.value
    if submitted and (was is None or was.status != post.status):
        events.append((SUBMITTED, {}))
    if was is not None and was.public and public:
        changed = await _changes(session, post, was)
        if changed:
            events.append((UPDATED, {"changed": changed}))
    return events


async def after_change(session: AsyncSession, post: Post, was: Before | None = None) -> None:
    """Record the change's events, in its transaction; `was` is the post before the change
    (None: a new post). `announced_at` is kept right: a post now public and not announced is
    announced now; one not public any more, or not yet, is unannounced (a deleted post keeps
    it: it cannot come back)."""
    if post.deleted_at is not None:
        return
    now = utcnow()
    if access.is_public(post, now):
        if post.announced_at is None:
            post.announced_at = now
            await session.flush()
            await _record(session, [post.id])
            POSTS_ANNOUNCED.labels("now").inc()
    elif post.announced_at is not None:
        post.announced_at = None
        await session.flush()
    events = await _other_events(session, post, was, now)
    if events:
        [document] = (await _event_data(session, [post.id])).values()
        for type_, extra in events:
            data = {"post": document, **extra}
            await events_service.record(session, type_, data, subject_id=post.id)


async def deleted_ref(session: AsyncSession, post_id: uuid.UUID, slug: str) -> None:
    """`post.deleted`: its id and slug only (nothing of a deleted post travels further)."""
    data = {"post": {"id": str(post_id), "slug": slug}}
    await events_service.record(session, DELETED, data, subject_id=post_id)


_DUE = (
    select(Post.id, Post.published_at)
    .where(text(UNANNOUNCED_PREDICATE), Post.published_at <= access.NOW)
    .order_by(Post.published_at)
    .limit(bindparam("batch", type_=Integer()))
    .with_for_update(skip_locked=True)
)
_MARK = (
    update(Post)
    .where(
        Post.id == access.REF_ID,
        Post.announced_at.is_(None),
        Post.status == PostStatus.PUBLISHED.value,
        Post.deleted_at.is_(None),
        Post.published_at <= access.NOW,
    )
    .values(announced_at=access.NOW, updated_at=Post.updated_at)  # no edit of the post
    .execution_options(synchronize_session=False)
)


async def announce_due(
    session: AsyncSession, now: datetime | None = None, *, batch: int = BATCH
) -> int:
    """Announce up to `batch` posts that came due, in the caller's transaction; returns how
    many. Each is marked by a guarded UPDATE before its event is written: a post another
    worker announced first matches no row and gets no second event."""
    now = now or utcnow()
    due = (await session.execute(_DUE, {"now": now, "batch": batch})).all()
    announced: list[uuid.UUID] = []
    for post_id, published_at in due:
        result = await session.execute(_MARK, {"ref_id": post_id, "now": now})
        if result.rowcount == 1:  # type: ignore[attr-defined]
            announced.append(post_id)
            lag = (now - (published_at or now)).total_seconds()  # due: never None
            PUBLISH_LAG.observe(max(lag, 0.0))
    if announced:
        await _record(session, announced)
        POSTS_ANNOUNCED.labels("due").inc(len(announced))
    return len(announced)
