from fastapi import APIRouter, Response, status

from blogapi.auth.dependencies import CurrentUser, ReadWriteLimit
from blogapi.core.db import SessionDep
from blogapi.core.pagination import Page, PageDep
from blogapi.core.responses import json_response
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.posts import lists as posts_lists
from blogapi.posts import service as posts_service
from blogapi.posts.dependencies import VisiblePost
from blogapi.posts.schemas import PostSummary
from blogapi.reactions.models import Reaction

router = APIRouter(
    prefix=API_PREFIX, tags=["reactions"], route_class=JSONRoute, dependencies=[ReadWriteLimit]
)

NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.put("/posts/{ref}/like", status_code=NO_CONTENT)
async def like(post: VisiblePost, user: CurrentUser, session: SessionDep) -> None:
    """Like a post (idempotent)."""
    await posts_service.react(session, post, user, Reaction.LIKE)


@router.delete("/posts/{ref}/like", status_code=NO_CONTENT)
async def unlike(post: VisiblePost, user: CurrentUser, session: SessionDep) -> None:
    await posts_service.unreact(session, post, user, Reaction.LIKE)


@router.put("/posts/{ref}/bookmark", status_code=NO_CONTENT)
async def bookmark(post: VisiblePost, user: CurrentUser, session: SessionDep) -> None:
    """Bookmark a post (idempotent); see them at /users/me/bookmarks."""
    await posts_service.react(session, post, user, Reaction.BOOKMARK)


@router.delete("/posts/{ref}/bookmark", status_code=NO_CONTENT)
async def unbookmark(post: VisiblePost, user: CurrentUser, session: SessionDep) -> None:
    await posts_service.unreact(session, post, user, Reaction.BOOKMARK)


@router.get(
    "/users/me/bookmarks",
    response_model=Page[PostSummary],
)
async def my_bookmarks(user: CurrentUser, session: SessionDep, page: PageDep) -> Response:
    """Posts you bookmarked and can still see, the most recently bookmarked first."""
    return json_response(await posts_lists.list_bookmarked(session, user, page))


@router.get(
    "/feed",
    response_model=Page[PostSummary],
)
async def my_feed(user: CurrentUser, session: SessionDep, page: PageDep) -> Response:
    """Public posts of the accounts you follow (`PUT /users/{ref}/follow`), newest first."""
    filters = posts_lists.PostFilters(followed_by=user.id)
    return json_response(await posts_lists.list_posts(session, filters, page, user))
