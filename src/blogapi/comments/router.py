from fastapi import APIRouter, Request, Response, status

from blogapi.auth.dependencies import OptionalUser, ReadWriteLimit, WriterUser
from blogapi.comments import queries, service
from blogapi.comments.dependencies import (
    CommentablePost,
    ModeratedComment,
    OwnComment,
    RemovableComment,
)
from blogapi.comments.schemas import CommentCreate, CommentOut, CommentUpdate
from blogapi.core.db import SessionDep
from blogapi.core.http_cache import cacheable_json
from blogapi.core.pagination import Page, PageDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.posts.dependencies import VisiblePost

router = APIRouter(
    prefix=f"{API_PREFIX}", tags=["comments"], route_class=JSONRoute, dependencies=[ReadWriteLimit]
)


@router.get("/posts/{ref}/comments", response_model=Page[CommentOut])
async def list_comments(
    request: Request, post: VisiblePost, viewer: OptionalUser, session: SessionDep, page: PageDep
) -> Response:
    """The post's comments in thread order: each reply right after its parent, oldest first.

    Hidden comments (and their replies) show only to the post's author and editors. A deleted
    comment with replies stays as a placeholder: `is_deleted` true, `content` and `author` null.
    """
    return cacheable_json(request, await queries.thread_page(session, post, viewer, page))


@router.post(
    "/posts/{ref}/comments",
    status_code=status.HTTP_201_CREATED,
)
async def create_comment(
    data: CommentCreate, post: CommentablePost, user: WriterUser, session: SessionDep
) -> CommentOut:
    """Comment on a post you can see, or reply to one of its comments (`parent_id`).

    Replies nest 8 deep at most. A post that is not published yet (a draft, a scheduled or an
    archived post) takes no comments: 400 `VALIDATION_ERROR` on the field `post`. A
    `parent_id` that is not a live comment of this post, or would nest too deep, is a 400 on
    the field `parent_id`. Signed-in accounts only (verified ones, when that is required).
    """
    comment = await service.create_comment(session, post, user, data)
    [out] = await queries.render(session, [comment])
    return out


@router.patch("/comments/{comment_id}")
@router.put("/comments/{comment_id}", summary="The same as PATCH (an alias for older clients)")
async def edit_comment(
    changes: CommentUpdate, comment: OwnComment, session: SessionDep
) -> CommentOut:
    """Change a comment's text: its author only."""
    comment = await service.edit_comment(session, comment, changes)
    [out] = await queries.render(session, [comment])
    return out


@router.delete("/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_comment(comment: RemovableComment, session: SessionDep) -> None:
    """Delete a comment (its author, the post's author or an editor); replies stay.

    Its author may delete it even while it is hidden (it or a comment above it), though
    only moderators see it: to anyone else a hidden comment is a 404."""
    await service.delete_comment(session, comment)


@router.post("/comments/{comment_id}/hide")
async def hide_comment(comment: ModeratedComment, session: SessionDep) -> CommentOut:
    """Hide a comment and its replies from readers (the post's author or an editor)."""
    comment = await service.hide_comment(session, comment)
    [out] = await queries.render(session, [comment])
    return out


@router.post("/comments/{comment_id}/unhide")
async def unhide_comment(comment: ModeratedComment, session: SessionDep) -> CommentOut:
    """Show a hidden comment again (the post's author or an editor)."""
    comment = await service.unhide_comment(session, comment)
    [out] = await queries.render(session, [comment])
    return out
