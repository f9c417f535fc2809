from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from blogapi.auth.dependencies import OptionalUser, ReadWriteLimit
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.http_cache import cacheable_json
from blogapi.core.pagination import Page, PageDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.posts.dependencies import AuthorFilter, TagFilter
from blogapi.search import queries
from blogapi.search.schemas import SearchHit, Suggestions

router = APIRouter(
    prefix=f"{API_PREFIX}/search",
    tags=["search"],
    route_class=JSONRoute,
    dependencies=[ReadWriteLimit],
)

SearchText = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description='Words, "quoted phrases", -excluded words and `or`',
    ),
]


@router.get("", response_model=Page[SearchHit])
async def search(
    request: Request,
    q: SearchText,
    session: SessionDep,
    settings: SettingsDep,
    viewer: OptionalUser,
    page: PageDep,
    author: AuthorFilter = None,
    tag: TagFilter = None,
) -> Response:
    """Published posts matching `q`, best first; titles weigh most, then summaries, then text."""
    query = queries.SearchQuery(text=q, author=author, tags=tag or [])
    return cacheable_json(
        request, await queries.search_page(session, settings, query, page, viewer)
    )


@router.get("/suggest", response_model=Suggestions)
async def suggest(
    request: Request, q: Annotated[str, Query(min_length=1, max_length=100)], session: SessionDep
) -> Response:
    """Autocomplete: up to ten tag names and post titles for what has been typed so far."""
    return cacheable_json(request, Suggestions(data=await queries.suggest(session, q)))
