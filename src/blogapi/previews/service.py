"""Making and revoking preview links, in the caller's transaction."""

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import utcnow
from blogapi.core.errors import NotFound, ValidationFailed
from blogapi.posts.models import Post
from blogapi.previews import queries, tokens
from blogapi.previews.models import PreviewLink
from blogapi.users.models import User

MAX_LIVE_LINKS = 10


async def create_link(
    session: AsyncSession, post: Post, user: User, *, hours: int
) -> tuple[PreviewLink, str]:
    """A new link to `post`, live for `hours`, and its token (returned this once, kept only
    hashed). A post has at most MAX_LIVE_LINKS live links: more is a 400."""
    # Lock the post's row (PostgreSQL; SQLite writers take turns anyway), so two requests
    # cannot both count nine and make an eleventh. FOR NO KEY UPDATE: a link's insert takes
    # only a key-share lock on the post, as a comment's does.
    await session.refresh(post, ["version"], with_for_update={"key_share": True})
    now = utcnow()
    if await queries.count_live(session, post.id, now) >= MAX_LIVE_LINKS:
        raise ValidationFailed(
            f"A post has at most {MAX_LIVE_LINKS} live preview links: revoke one first"
        )
    token = tokens.new_token()
    link = PreviewLink(
        post_id=post.id,
        token_hash=tokens.hashed(token),
        created_by=user.id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(link)
    await session.flush()
    return link, token


async def revoke_link(session: AsyncSession, post: Post, link_id: uuid.UUID) -> None:
    """Revoke one of the post's live links at once. A link of another post, one revoked
    already or expired is 404: it no longer opens anything, so there is nothing to revoke."""
    now = utcnow()
    link = await queries.live_link(session, post.id, link_id, now)
    if link is None:
        raise NotFound("Preview link not found")
    link.revoked_at = now
    await session.flush()
