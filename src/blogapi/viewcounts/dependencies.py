"""Who is viewing (without the database), and the post whose statistics are asked for."""

import uuid
from typing import Annotated

from fastapi import Depends, Request

from blogapi.auth.dependencies import CurrentUser, request_ip
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.errors import Forbidden, Unauthorized
from blogapi.core.security import decode_access_token
from blogapi.posts import access as posts_access
from blogapi.posts import queries as posts_queries
from blogapi.posts.dependencies import PostRef
from blogapi.posts.models import Post
from blogapi.viewcounts.counter import Viewer


async def _token_user(request: Request, settings: SettingsDep) -> uuid.UUID | None:
    """The account a valid bearer token names, read from the token alone; anything else
    (none, malformed, expired) views anonymously: a beacon never fails on its token."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return decode_access_token(settings, token.strip()).user_id
    except Unauthorized:
        return None


async def _viewer(
    request: Request, user_id: Annotated[uuid.UUID | None, Depends(_token_user)]
) -> Viewer:
    return Viewer(user_id, request_ip(request), request.headers.get("user-agent", ""))


async def _stats_post(ref: PostRef, session: SessionDep, user: CurrentUser) -> Post:
    post = await posts_queries.get_visible(session, ref, user, bodies=False)
    if not posts_access.may_edit(post, user):
        raise Forbidden("Only the post's author or an editor may read its statistics")
    return post


ViewerDep = Annotated[Viewer, Depends(_viewer)]
StatsPost = Annotated[Post, Depends(_stats_post)]
