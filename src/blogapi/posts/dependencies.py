from typing import Annotated

from fastapi import Depends, Path, Query

from blogapi.auth.dependencies import CurrentUser, OptionalUser
from blogapi.core.db import SessionDep
from blogapi.core.errors import Forbidden
from blogapi.posts import access, queries
from blogapi.posts.models import Post
from blogapi.tags.schemas import TagRef

# Filters that name a user take a username or an id; anything else is a 400, not a lookup.
AuthorFilter = Annotated[
    str | None,
    Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Username or id"),
]
# Repeatable: posts carrying all of them; each a slug, or a name in any case.
TagFilter = Annotated[
    list[TagRef] | None, Query(max_length=10, description="All of these tags (slugs or names)")
]
PostRef = Annotated[str, Path(min_length=1, max_length=100, description="A post id or slug")]


async def _visible_post(ref: PostRef, session: SessionDep, viewer: OptionalUser) -> Post:
    """The post, for routes about it rather than its text: loaded without its bodies."""
    return await queries.get_visible(session, ref, viewer, bodies=False)


async def _editable_post(ref: PostRef, session: SessionDep, user: CurrentUser) -> Post:
    post = await queries.get_visible(session, ref, user)
    if not access.may_edit(post, user):
        raise Forbidden("Only the post's author or an editor may change it")
    return post


VisiblePost = Annotated[Post, Depends(_visible_post)]
EditablePost = Annotated[Post, Depends(_editable_post)]
