"""Load a comment (or the post to comment on) and decide who may touch it: 404, then 403."""

import uuid
from typing import Annotated

from fastapi import Depends, Path

from blogapi.auth.dependencies import CurrentUser, WriterUser
from blogapi.comments import access, queries
from blogapi.comments.models import Comment
from blogapi.core.db import SessionDep
from blogapi.core.errors import Forbidden
from blogapi.posts import queries as posts_queries
from blogapi.posts.dependencies import PostRef
from blogapi.posts.models import Post

CommentId = Annotated[uuid.UUID, Path(description="A comment id")]


async def _commentable_post(ref: PostRef, session: SessionDep, user: WriterUser) -> Post:
    # Signed in (and verified, when required) first: 401 whether or not the post exists.
    return await posts_queries.get_visible(session, ref, user)


async def _own_comment(comment_id: CommentId, session: SessionDep, user: CurrentUser) -> Comment:
    found = await queries.get_visible(session, comment_id, user)
    if found.comment.author_id != user.id:
        raise Forbidden("Only its author may edit a comment")
    return found.comment


async def removable_comment(
    comment_id: CommentId, session: SessionDep, user: CurrentUser
) -> Comment:
    # Its author may take back a comment that moderators hid (others cannot see it: 404).
    found = await queries.get_visible(session, comment_id, user, own_hidden=True)
    if found.comment.author_id != user.id and not access.moderates(found.post, user):
        raise Forbidden("Only its author, the post's author or an editor may delete a comment")
    return found.comment


async def _moderated_comment(
    comment_id: CommentId, session: SessionDep, user: CurrentUser
) -> Comment:
    found = await queries.get_visible(session, comment_id, user)
    if not access.moderates(found.post, user):
        raise Forbidden("Only the post's author or an editor may moderate its comments")
    return found.comment


CommentablePost = Annotated[Post, Depends(_commentable_post)]
OwnComment = Annotated[Comment, Depends(_own_comment)]
RemovableComment = Annotated[Comment, Depends(removable_comment)]
ModeratedComment = Annotated[Comment, Depends(_moderated_comment)]
