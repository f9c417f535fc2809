"""Announcing publications: the `post.published` event, recorded once per publication.

Visibility never waits for this: a post is public when `published_at <= now` (access.py),
worker or not. What needs a process is the announcement. A post published for now is
announced in its own transaction; one published for later is announced by the worker's
announcer when it comes due (`announce_due`, claimed with FOR UPDATE SKIP LOCKED and guarded
by `announced_at IS NULL`, so many workers make one announcement). Leaving `published`, or
moving the date to the future, clears `announced_at`: the next publication is announced anew.
"""

import uuid
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

PUBLISHED = "post.published"
BATCH = 100


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


async def after_change(session: AsyncSession, post: Post) -> None:
    """Keep `announced_at` right after a write of the post, in its transaction: a post that is
    now public and was not announced is announced now; one that is not public any more, or
    not yet, is unannounced (a deleted post keeps it: it cannot come back)."""
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
            PUBLISH_LAG.observe(max((now - published_at).total_seconds(), 0.0))
    if announced:
        await _record(session, announced)
        POSTS_ANNOUNCED.labels("due").inc(len(announced))
    return len(announced)
