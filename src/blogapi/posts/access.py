"""Who may see which posts: the public-post rule (in SQL and in Python), and visibility as
SQL conditions built once per *shape* with bind parameters.

A request binds values (`now`, the viewer's id, the ref) into a statement built and compiled
the first time its shape was seen; building a SQLAlchemy select and computing its cache key
cost more than running it on the hot reads (docs/performance.md). A shape is everything
that changes the SQL text: the reader's audience, whether a ref can be an id, the filters
present.
"""

import enum
import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, or_, select
from sqlalchemy.sql.elements import BindParameter

from blogapi.core.config import Role
from blogapi.core.db import UTCDateTime, utcnow
from blogapi.core.slugs import as_uuid
from blogapi.posts.models import Post, PostStatus
from blogapi.users.models import User

NOW: BindParameter[datetime] = bindparam("now", type_=UTCDateTime())
VIEWER_ID: BindParameter[uuid.UUID] = bindparam("viewer_id", type_=Post.author_id.type)
REF_ID: BindParameter[uuid.UUID] = bindparam("ref_id", type_=Post.id.type)
REF_SLUG: BindParameter[str] = bindparam("ref_slug", type_=String())

_REF = re.compile(r"[A-Za-z0-9-]{1,100}")


class Audience(enum.Enum):
    ANONYMOUS = "anonymous"  # published and due
    MEMBER = "member"  # that, and their own posts
    EDITOR = "editor"  # every post not deleted


def audience(viewer: User | None) -> Audience:
    if viewer is None:
        return Audience.ANONYMOUS
    return Audience.EDITOR if viewer.has_role(Role.EDITOR) else Audience.MEMBER


def _published_and_due(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    return and_(Post.status == PostStatus.PUBLISHED.value, Post.published_at <= now)


def published() -> ColumnElement[bool]:
    """Published, now or on a later date, and not deleted: what will be public if nothing
    changes (a cover image in use, say)."""
    return and_(Post.status == PostStatus.PUBLISHED.value, Post.deleted_at.is_(None))


def public(now: datetime | ColumnElement[datetime] = NOW) -> ColumnElement[bool]:
    """The public-post rule: published, due and not deleted; what anyone may read. The one
    SQL form of it (`is_public` is the same rule in Python)."""
    return and_(Post.deleted_at.is_(None), _published_and_due(now))


def is_public(post: Post, now: datetime | None = None) -> bool:
    """The public-post rule for a post already loaded."""
    return (
        post.deleted_at is None
        and post.status == PostStatus.PUBLISHED.value
        and post.published_at is not None
        and post.published_at <= (now or utcnow())
    )


def public_post_ids() -> Select[uuid.UUID]:
    """The ids of public posts now, for reads of other domains that count them (tags)."""
    return select(Post.id).where(public(utcnow()))


def visible(
    who: Audience,
    now: datetime | ColumnElement[datetime] = NOW,
    viewer_id: uuid.UUID | ColumnElement[uuid.UUID] = VIEWER_ID,
) -> ColumnElement[bool]:
    """Public posts for everyone; the author's own posts too; everything for editors."""
    if who is Audience.ANONYMOUS:
        return public(now)
    alive = Post.deleted_at.is_(None)
    if who is Audience.EDITOR:
        return alive
    return and_(alive, or_(_published_and_due(now), Post.author_id == viewer_id))


def visible_to(viewer: User | None, now: datetime) -> ColumnElement[bool]:
    """`visible` with its values in place, for statements that are not built once per shape."""
    return visible(audience(viewer), now, viewer.id if viewer else VIEWER_ID)


def may_edit(post: Post, user: User) -> bool:
    """Its author and editors may change a post (and moderate its comments)."""
    return post.author_id == user.id or user.has_role(Role.EDITOR)


def may_rewrite(post: Post, user: User, *, unpublishing: bool) -> bool:
    """Whether `user`, who may edit the post, may change it now: a contributor's work is
    reviewed before it goes live, so once published (or scheduled) only authors and editors
    change it; the contributor may still take it down (to a draft or archived), and drafts and
    posts sent back stay theirs."""
    published = post.status == PostStatus.PUBLISHED.value
    return user.has_role(Role.AUTHOR) or not published or unpublishing


def viewer_values(viewer: User | None) -> dict[str, Any]:
    """The values of NOW and VIEWER_ID for this reader."""
    values: dict[str, Any] = {"now": utcnow()}
    if viewer is not None:
        values["viewer_id"] = viewer.id
    return values


def ref_condition(is_id: bool) -> ColumnElement[bool]:
    """A post by id, or by slug. A ref that parses as a UUID is an id and nothing else: no
    slug looks like one (`core.slugs`), so a slug can never capture requests meant for a post's
    id (its comments, likes, bookmarks)."""
    return Post.id == REF_ID if is_id else Post.slug == REF_SLUG


def ref_values(ref: str) -> dict[str, Any] | None:
    """REF_ID when `ref` is a UUID, else REF_SLUG; None for a ref that can name no post
    (nothing odd, a NUL say, is sent to the database)."""
    if not _REF.fullmatch(ref):
        return None
    post_id = as_uuid(ref)
    return {"ref_id": post_id} if post_id is not None else {"ref_slug": ref.lower()}
