"""Writing posts: create, edit with revisions and optimistic concurrency, status moves, delete."""

import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Executable, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.config import Role
from blogapi.core.db import new_id, utcnow
from blogapi.core.errors import PreconditionFailed, ValidationFailed
from blogapi.core.slugs import slugify, with_suffix
from blogapi.media import queries as media_queries
from blogapi.media.schemas import ResponsiveImage
from blogapi.posts import announcements, covers, markdown, render_workers
from blogapi.posts.errors import SlugTaken
from blogapi.posts.models import Post, PostRevision, PostStatus
from blogapi.posts.schemas import RESERVED_SLUGS, PostCreate, PostUpdate
from blogapi.posts.status import check_initial_status, check_transition
from blogapi.reactions import service as reactions_service
from blogapi.reactions.models import Reaction
from blogapi.tags import service as tags_service
from blogapi.users.models import User

SLUG_ATTEMPTS = 20
REVISED_FIELDS = ("title", "summary", "content")
REQUIRED_FIELDS = ("title", "content", "tags", "status", "slug")


async def _rendered(
    content: str, images: Mapping[str, ResponsiveImage] | None, limit_seconds: float
) -> markdown.Rendered:
    try:
        return await render_workers.render_off_loop(content, images, limit_seconds=limit_seconds)
    except render_workers.RenderTimeout:
        raise ValidationFailed.on_field(
            "content", f"takes too long to render (over {limit_seconds:g} s): simplify its markup"
        ) from None


async def _apply_content(
    session: AsyncSession,
    post: Post,
    content: str,
    summary: str | None,
    *,
    render_limit_seconds: float,
) -> None:
    """Render once, at write time, in a worker process: HTML (our images made responsive),
    the text search reads, reading time and (unless written) the summary."""
    rendered = await _rendered(content, None, render_limit_seconds)
    images = await media_queries.responsive_images(session, rendered.image_sources)
    if images:  # our own images get their size and srcset: a second pass, as long allowed
        rendered = await _rendered(content, images, render_limit_seconds)
    post.content = content
    post.content_html = rendered.html
    post.content_text = rendered.search_text
    post.reading_time_minutes = rendered.reading_time_minutes
    if summary is not None:
        post.summary, post.summary_is_custom = summary, True
    elif not post.summary_is_custom:
        post.summary = rendered.summary


def _published_at(requested: datetime | None, current: datetime | None) -> datetime:
    """When a post being published goes public: as asked, as it was, or now."""
    return requested or current or utcnow()


async def _slugs_of_title(session: AsyncSession, title: str) -> tuple[Iterator[str], set[str]]:
    """The title's slug and its `-2`, `-3`... in order, and those of them already taken."""
    base = slugify(title) or "post"
    taken = set(
        await session.scalars(
            select(Post.slug).where((Post.slug == base) | Post.slug.like(f"{base}-%"))
        )
    )
    candidates = (base if n == 1 else with_suffix(base, n) for n in range(1, 10**6))
    return candidates, taken


async def slug_for_title(session: AsyncSession, post: Post, title: str) -> str:
    """The slug `post` takes for a new `title` (RealWorld re-slugs on a title change): its own
    when it is already one of the title's, else the first free one. Saved with `update_post`
    (`slug`), whose unique index has the last word on a race."""
    candidates, taken = await _slugs_of_title(session, title)
    for candidate in candidates:
        if candidate == post.slug:
            return candidate
        if candidate not in taken and candidate not in RESERVED_SLUGS:
            return candidate
    raise ValidationFailed.on_field("title", "No free slug for this title")


async def _insert_with_unique_slug(session: AsyncSession, post: Post, title: str) -> None:
    """Take the title's slug, or the first free `-2`, `-3`...; a racing insert just moves on."""
    candidates, taken = await _slugs_of_title(session, title)
    attempts = 0
    for candidate in candidates:
        if candidate in taken or candidate in RESERVED_SLUGS:
            continue
        post.slug = candidate
        try:
            async with session.begin_nested():
                session.add(post)
                await session.flush()
            return
        except IntegrityError:
            attempts += 1
            if attempts >= SLUG_ATTEMPTS:
                raise
            taken.add(candidate)


async def create_post(
    session: AsyncSession, author: User, data: PostCreate, *, render_limit_seconds: float
) -> Post:
    """A new post; its content must render within `render_limit_seconds` (else 400)."""
    default = PostStatus.PUBLISHED if author.has_role(Role.AUTHOR) else PostStatus.DRAFT
    status = data.status or default
    check_initial_status(status, author)
    post = Post(id=new_id(), author_id=author.id, title=data.title, status=status.value)
    await _apply_content(
        session, post, data.content, data.summary, render_limit_seconds=render_limit_seconds
    )
    if status is PostStatus.PUBLISHED:
        post.published_at = _published_at(data.published_at, None)
    else:
        post.published_at = data.published_at
    if data.slug is not None:
        post.slug = data.slug
        try:
            async with session.begin_nested():
                session.add(post)
                await session.flush()
        except IntegrityError:
            raise SlugTaken() from None
    else:
        await _insert_with_unique_slug(session, post, data.title)
    await tags_service.set_post_tags(session, post.id, data.tags)
    if data.cover_media_id is not None:
        await covers.set_cover(session, post, data.cover_media_id, author)
    await announcements.after_change(session, post)
    return post


async def update_post(
    session: AsyncSession,
    post: Post,
    editor: User,
    changes: PostUpdate,
    *,
    expected_versions: set[str] | None,
    render_limit_seconds: float,
) -> Post:
    """Apply `changes`; `expected_versions` (from If-Match, `*` for any) must name the post's
    current version, else 412 and nothing changes. New content must render within
    `render_limit_seconds` (else 400)."""
    # Lock the row (PostgreSQL) so the version check and the revision number cannot race.
    await session.refresh(post, with_for_update=True)
    if expected_versions is not None and not {"*", str(post.version)} & expected_versions:
        raise PreconditionFailed("The post changed since you read it; fetch it again")
    fields = changes.model_dump(exclude_unset=True)
    was = await announcements.before(session, post, tags="tags" in fields)
    for required in REQUIRED_FIELDS:
        if required in fields and fields[required] is None:
            raise ValidationFailed.on_field(required, "must not be null")
    revised = any(name in fields and fields[name] != getattr(post, name) for name in REVISED_FIELDS)
    if revised:
        await _keep_revision(session, post, editor)
    target = PostStatus(fields.get("status") or post.status)
    clears_date = "published_at" in fields and fields["published_at"] is None
    if clears_date and target is PostStatus.PUBLISHED:
        raise ValidationFailed.on_field("published_at", "A published post needs a date")
    if "status" in fields:
        _move(post, target, editor, fields.get("published_at"))
    elif "published_at" in fields:
        post.published_at = fields["published_at"]
    await _apply_changes(session, post, fields, render_limit_seconds)
    if "slug" in fields and fields["slug"] != post.slug:
        post.slug = fields["slug"]
        try:
            async with session.begin_nested():
                await session.flush()
        except IntegrityError:
            raise SlugTaken() from None
    if "tags" in fields:
        await tags_service.set_post_tags(session, post.id, fields["tags"])
    if "cover_media_id" in fields:
        await covers.set_cover(session, post, fields["cover_media_id"], editor)
    post.version += 1
    post.updated_at = utcnow()
    await session.flush()
    await announcements.after_change(session, post, was)
    return post


async def _apply_changes(
    session: AsyncSession, post: Post, fields: dict[str, Any], render_limit_seconds: float
) -> None:
    if "title" in fields:
        post.title = fields["title"]
    if "content" in fields or "summary" in fields:
        summary = fields.get("summary")
        if "summary" in fields and summary is None:
            post.summary_is_custom = False
        content = fields.get("content", post.content)
        await _apply_content(
            session, post, content, summary, render_limit_seconds=render_limit_seconds
        )


def _move(post: Post, target: PostStatus, editor: User, published_at: datetime | None) -> None:
    check_transition(PostStatus(post.status), target, editor, is_owner=post.author_id == editor.id)
    if target is PostStatus.PUBLISHED:
        post.published_at = _published_at(published_at, post.published_at)
    elif published_at is not None:
        post.published_at = published_at
    post.status = target.value


async def _keep_revision(session: AsyncSession, post: Post, editor: User) -> None:
    last = await session.scalar(
        select(func.max(PostRevision.number)).where(PostRevision.post_id == post.id)
    )
    session.add(
        PostRevision(
            post_id=post.id,
            number=(last or 0) + 1,
            title=post.title,
            summary=post.summary,
            content=post.content,
            editor_id=editor.id,
        )
    )


async def delete_post(session: AsyncSession, post: Post) -> None:
    """Soft delete: the post, its comments, likes and bookmarks disappear; the slug stays taken."""
    post.deleted_at = post.updated_at = utcnow()  # it left every feed it was in: now
    post.version += 1
    await session.flush()
    await announcements.deleted_ref(session, post.id, post.slug)


async def delete_posts_of(session: AsyncSession, author_id: uuid.UUID) -> None:
    """Soft delete every post of an account going away, each with its `post.deleted`."""
    now = utcnow()
    rows = await session.execute(
        update(Post)
        .where(Post.author_id == author_id, Post.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
        .returning(Post.id, Post.slug)
        .execution_options(synchronize_session=False)
    )
    for post_id, slug in rows.all():
        await announcements.deleted_ref(session, post_id, slug)


# Each reaction's counter on the post.
COUNTERS = {Reaction.LIKE: Post.likes_count, Reaction.BOOKMARK: Post.bookmarks_count}


async def _move_counter(
    session: AsyncSession, post_id: uuid.UUID, reaction: Reaction, by: int
) -> None:
    """Move the counter in SQL, in the caller's transaction, so it always matches the rows."""
    counter = COUNTERS[reaction]
    await session.execute(
        update(Post)
        .where(Post.id == post_id)
        # A like or a bookmark is not an edit of the post: updated_at stays.
        .values({counter: counter + by, Post.updated_at: Post.updated_at})
        .execution_options(synchronize_session=False)
    )


async def lock_for_comments(session: AsyncSession, post_id: uuid.UUID) -> None:
    """Lock the post's row for a change of its comments, until the transaction ends (again
    in the same transaction: at once). A write that changes comments below the one it names
    (a hide) takes it before any comment's row, so no two writers wait for each other."""
    await session.execute(
        select(Post.id).where(Post.id == post_id).with_for_update(key_share=True)
    )  # FOR NO KEY UPDATE: it does not wait for the key-share locks of comments being inserted


async def recount_comments(
    session: AsyncSession,
    post_id: uuid.UUID,
    counted: ColumnElement[int],
    after_lock: Sequence[Executable] = (),
) -> None:
    """Set comments_count to `counted` (the comments domain's count of the post's comments,
    which a hide moves by a whole subtree), in the caller's transaction; `after_lock` runs
    between the lock and the count (the comments domain's state that the count reads).

    The row is locked by a statement of its own first. A PostgreSQL UPDATE that waits for a
    row re-checks only that row, and its subquery would count with the snapshot taken before
    the wait, missing the change it waited for; the count after the lock, a statement of its
    own, sees every change committed before it, so the last writer's count is exact.
    """
    await lock_for_comments(session, post_id)
    for statement in after_lock:
        await session.execute(statement)
    await session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(comments_count=counted, updated_at=Post.updated_at)  # a comment is no edit
        .execution_options(synchronize_session=False)
    )


async def react(session: AsyncSession, post: Post, user: User, reaction: Reaction) -> None:
    """Like or bookmark a post (idempotent): its counter moves once, in the same transaction."""
    if await reactions_service.add(session, reaction, user.id, post.id):
        await _move_counter(session, post.id, reaction, 1)


async def unreact(session: AsyncSession, post: Post, user: User, reaction: Reaction) -> None:
    """Take a like or a bookmark back (idempotent)."""
    if await reactions_service.remove(session, reaction, user.id, post.id):
        await _move_counter(session, post.id, reaction, -1)
