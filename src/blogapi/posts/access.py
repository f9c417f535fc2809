"""Who may see which posts, as SQL conditions built once per *shape* with bind parameters.

A request binds values (`now`, the viewer's id, the ref) into a statement built and compiled
the first time its shape was seen; building a SQLAlchemy select and computing its cache key
cost more than running it on the hot reads (docs/performance.md). A shape is everything
that changes the SQL text: the reader's audience, whether a ref can be an id, the filters
present.
"""

import contextlib
import enum
import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, bindparam, or_
from sqlalchemy.sql.elements import BindParameter

from blogapi.core.config import Role
from blogapi.core.db import UTCDateTime, utcnow
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


def is_public(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    return and_(Post.status == PostStatus.PUBLISHED.value, Post.published_at <= now)


def visible(
    who: Audience,
    now: datetime | ColumnElement[datetime] = NOW,
    viewer_id: uuid.UUID | ColumnElement[uuid.UUID] = VIEWER_ID,
) -> ColumnElement[bool]:
    """Published and due for everyone; the author's own posts; everything for editors."""
    alive = Post.deleted_at.is_(None)
    if who is Audience.ANONYMOUS:
        return and_(alive, is_public(now))
    if who is Audience.EDITOR:
        return alive
    return and_(alive, or_(is_public(now), Post.author_id == viewer_id))


def viewer_values(viewer: User | None) -> dict[str, Any]:
    """The values of NOW and VIEWER_ID for this reader."""
    values: dict[str, Any] = {"now": utcnow()}
    if viewer is not None:
        values["viewer_id"] = viewer.id
    return values


def ref_condition(may_be_id: bool) -> ColumnElement[bool]:
    """A post by slug, or by id or slug (a slug may look like an id: a title can be hex)."""
    slug = Post.slug == REF_SLUG
    return or_(Post.id == REF_ID, slug) if may_be_id else slug


def ref_values(ref: str) -> dict[str, Any] | None:
    """REF_SLUG and, when `ref` is a UUID, REF_ID; None for a ref that can name no post
    (nothing odd, a NUL say, is sent to the database)."""
    if not _REF.fullmatch(ref):
        return None
    values: dict[str, Any] = {"ref_slug": ref.lower()}
    with contextlib.suppress(ValueError):
        values["ref_id"] = uuid.UUID(ref)
    return values
