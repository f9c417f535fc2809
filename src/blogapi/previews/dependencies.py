from typing import Annotated

from fastapi import Depends

from blogapi.auth.dependencies import CurrentUser
from blogapi.core.db import SessionDep
from blogapi.core.errors import NotFound
from blogapi.posts import access
from blogapi.posts import queries as posts_queries
from blogapi.posts.dependencies import PostRef
from blogapi.posts.models import Post


async def _previewed_post(ref: PostRef, session: SessionDep, user: CurrentUser) -> Post:
    """A post whose preview links the caller manages: its author's or, for an editor, any.
    Anyone else's is 404, published or not: its links are none of their business, and a
    403 would confirm a draft exists."""
    post = await posts_queries.get_visible(session, ref, user, bodies=False)
    if not access.may_edit(post, user):
        raise NotFound("Post not found")
    return post


PreviewedPost = Annotated[Post, Depends(_previewed_post)]
