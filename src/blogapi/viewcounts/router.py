"""View beacons, the popular list and a post's daily statistics. Served before the posts
router (main.py), so `/posts/popular` is this list and never a post (no post may take that
slug: posts/schemas.py)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from blogapi.auth.dependencies import ReadWriteLimit, limit_by_ip
from blogapi.core.db import SessionDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.posts.dependencies import PostRef
from blogapi.tags.schemas import TagRef
from blogapi.viewcounts import service
from blogapi.viewcounts.counter import ViewCounts
from blogapi.viewcounts.dependencies import StatsPost, ViewerDep
from blogapi.viewcounts.schemas import PopularPosts, PostStats, Window

router = APIRouter(prefix=f"{API_PREFIX}/posts", tags=["posts"], route_class=JSONRoute)


@router.post(
    "/{ref}/views",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,
    dependencies=[Depends(limit_by_ip("view-ip"))],
)
async def count_view(ref: PostRef, request: Request, viewer: ViewerDep) -> Response:
    """A reader saw the post: send from the page, e.g. `navigator.sendBeacon(url)` (any body
    and content type are ignored). The author's own views and bots' are accepted, not
    counted; counts reach the post within VIEW_FLUSH_SECONDS."""
    views: ViewCounts = request.app.state.views
    await views.view(request.app.state.read_sessionmaker, ref, viewer)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.get("/popular", response_model=PopularPosts, dependencies=[ReadWriteLimit])
async def popular_posts(
    request: Request,
    session: SessionDep,
    window: Window = Window.WEEK,
    tag: Annotated[TagRef | None, Query(description="A tag's slug or name")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> PopularPosts:
    """Public posts with the most readers in the window (each day's unique readers, summed);
    each answer is up to a minute old."""
    return await service.popular_posts(session, request.app.state.views, window, tag, limit)


@router.get("/{ref}/stats", response_model=PostStats, dependencies=[ReadWriteLimit])
async def post_stats(
    post: StatsPost,
    session: SessionDep,
    start: Annotated[date | None, Query(alias="from", description="First day (UTC)")] = None,
    end: Annotated[
        date | None, Query(alias="to", description="Last day (UTC), today by default")
    ] = None,
) -> PostStats:
    """Views and readers of the post on each day, for its author and editors; 30 days up to
    `to` by default, 366 at most."""
    return await service.post_stats(session, post.id, start, end)
