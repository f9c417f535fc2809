"""Conduit's articles (posts), favorites (likes) and comments, translated onto the core's
lists, reads and services. `/articles/feed` is routed before `/articles/{ref}`."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from blogapi.auth.dependencies import CurrentUser, OptionalUser, WriterUser
from blogapi.comments import dependencies as comments_dependencies
from blogapi.comments import queries as comments_queries
from blogapi.comments import service as comments_service
from blogapi.comments.dependencies import CommentablePost
from blogapi.comments.schemas import CommentCreate
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.errors import Forbidden, NotFound
from blogapi.core.pagination import PageParams
from blogapi.core.responses import Document, json_response
from blogapi.core.routing import JSONRoute
from blogapi.posts import access as posts_access
from blogapi.posts import lists as posts_lists
from blogapi.posts import queries as posts_queries
from blogapi.posts import service as posts_service
from blogapi.posts.dependencies import EditablePost, PostRef, VisiblePost
from blogapi.posts.schemas import PostCreate, PostUpdate
from blogapi.reactions import router as reactions_routes
from blogapi.realworld import mappers
from blogapi.realworld.schemas import (
    ArticleResponse,
    ArticlesResponse,
    CommentResponse,
    CommentsResponse,
    NewArticleRequest,
    NewCommentRequest,
    UpdateArticleRequest,
    to_core,
)
from blogapi.tags.schemas import TagRef

router = APIRouter(route_class=JSONRoute)

Limit = Annotated[int, Query(ge=1, le=100, description="Articles per page, 1-100")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Articles to skip")]
UserName = Annotated[str | None, Query(min_length=1, max_length=64, description="A username")]
# Conduit lists a thread whole; a thread longer than this shows its oldest comments.
COMMENTS_SHOWN = 1000
NO_CONTENT = status.HTTP_204_NO_CONTENT


async def _articles(
    session: SessionDep,
    viewer: OptionalUser,
    filters: posts_lists.PostFilters,
    limit: int,
    offset: int,
) -> Document:
    params = PageParams(page=1, limit=limit, skip=offset)
    page = await posts_lists.list_posts(session, filters, params, viewer)
    profiles = await mappers.Profiles.load(session, viewer, mappers.author_ids(page["data"]))
    return {
        "articles": [mappers.article(post, profiles, body=False) for post in page["data"]],
        "articlesCount": page["pagination"]["total"],
    }


async def _article(session: SessionDep, viewer: OptionalUser, post: Document) -> Document:
    profiles = await mappers.Profiles.load(session, viewer, mappers.author_ids([post]))
    return {"article": mappers.article(post, profiles, body=True)}


@router.get("/articles", response_model=ArticlesResponse)
async def list_articles(
    session: SessionDep,
    viewer: OptionalUser,
    tag: Annotated[TagRef | None, Query()] = None,
    author: UserName = None,
    favorited: UserName = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """What `GET /api/v1/posts` shows, newest first; the filters AND. `articlesCount` is the
    number of matches."""
    filters = posts_lists.PostFilters(author=author, tags=[tag] if tag else [], liked_by=favorited)
    return json_response(await _articles(session, viewer, filters, limit, offset))


@router.get("/articles/feed", response_model=ArticlesResponse)
async def feed(
    session: SessionDep, user: CurrentUser, limit: Limit = 20, offset: Offset = 0
) -> Response:
    """Articles of the authors you follow (`GET /api/v1/feed`), newest first."""
    filters = posts_lists.PostFilters(followed_by=user.id)
    return json_response(await _articles(session, user, filters, limit, offset))


@router.post("/articles", status_code=status.HTTP_201_CREATED, response_model=ArticleResponse)
async def create_article(
    data: NewArticleRequest, user: WriterUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Write and publish a post (`POST /api/v1/posts`): its slug comes from the title."""
    article = data.article
    fields = {
        "title": article.title,
        "content": article.body,
        "summary": article.description,
        "tags": article.tag_list,
    }
    limit = settings.markdown_render_timeout_seconds
    post = await posts_service.create_post(
        session, user, to_core(PostCreate, fields), render_limit_seconds=limit
    )
    document, _version = await posts_queries.reread(session, post, user)
    return json_response(await _article(session, user, document), status.HTTP_201_CREATED)


@router.get("/articles/{ref}", response_model=ArticleResponse)
async def read_article(ref: PostRef, session: SessionDep, viewer: OptionalUser) -> Response:
    document, _version = await posts_queries.read_post(session, ref, viewer)
    return json_response(await _article(session, viewer, document))


@router.put("/articles/{ref}", response_model=ArticleResponse)
async def update_article(
    data: UpdateArticleRequest,
    user: CurrentUser,
    post: EditablePost,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Edit (`PATCH /api/v1/posts/{ref}`): author or editor. A new title re-slugs."""
    sent = data.article.model_dump(exclude_unset=True)
    names = {"title": "title", "body": "content", "description": "summary"}
    fields = {names[name]: value for name, value in sent.items()}
    changes = to_core(PostUpdate, fields)
    if changes.title is not None and changes.title != post.title:
        fields["slug"] = await posts_service.slug_for_title(session, post, changes.title)
        changes = to_core(PostUpdate, fields)
    if not posts_access.may_rewrite(post, user, unpublishing=False):
        raise Forbidden("A contributor may not edit a post once it is published or scheduled")
    limit = settings.markdown_render_timeout_seconds
    post = await posts_service.update_post(
        session, post, user, changes, expected_versions=None, render_limit_seconds=limit
    )
    document, _version = await posts_queries.reread(session, post, user)
    return json_response(await _article(session, user, document))


@router.delete("/articles/{ref}", status_code=NO_CONTENT)
async def delete_article(post: EditablePost, session: SessionDep) -> None:
    """Delete (`DELETE /api/v1/posts/{ref}`): author or editor."""
    await posts_service.delete_post(session, post)


@router.post("/articles/{ref}/favorite", response_model=ArticleResponse)
async def favorite(user: CurrentUser, post: VisiblePost, session: SessionDep) -> Response:
    """Like (`PUT /api/v1/posts/{ref}/like`); idempotent, any body ignored."""
    await reactions_routes.like(post, user, session)
    document, _version = await posts_queries.reread(session, post, user)
    return json_response(await _article(session, user, document))


@router.delete("/articles/{ref}/favorite", response_model=ArticleResponse)
async def unfavorite(user: CurrentUser, post: VisiblePost, session: SessionDep) -> Response:
    await reactions_routes.unlike(post, user, session)
    document, _version = await posts_queries.reread(session, post, user)
    return json_response(await _article(session, user, document))


@router.get("/articles/{ref}/comments", response_model=CommentsResponse)
async def list_comments(post: VisiblePost, viewer: OptionalUser, session: SessionDep) -> Response:
    """The comments you can see with their text, oldest first (replies and placeholders of
    the core's threads left out of sight: Conduit has neither)."""
    params = PageParams(page=1, limit=COMMENTS_SHOWN)
    thread = await comments_queries.thread_page(session, post, viewer, params)
    shown = [
        c
        for c in thread["data"]
        if c["content"] is not None and c["author"] is not None and c["status"] == "visible"
    ]
    numbers = await comments_queries.numbers(session, [c["id"] for c in shown])
    profiles = await mappers.Profiles.load(session, viewer, mappers.author_ids(shown))
    shown.sort(key=lambda c: numbers[c["id"]])
    comments = [mappers.comment(c, numbers[c["id"]], profiles) for c in shown]
    return json_response({"comments": comments})


@router.post("/articles/{ref}/comments", response_model=CommentResponse)
async def create_comment(
    data: NewCommentRequest, user: WriterUser, post: CommentablePost, session: SessionDep
) -> Response:
    """Comment (`POST /api/v1/posts/{ref}/comments`), at the top level."""
    core = to_core(CommentCreate, {"content": data.comment.body})
    comment = await comments_service.create_comment(session, post, user, core)
    [out] = await comments_queries.render(session, [comment])
    numbers = await comments_queries.numbers(session, [comment.id])
    document = {**dict(out), "author": {"id": user.id}}  # raw values: timestamps unformatted
    profiles = await mappers.Profiles.load(session, user, mappers.author_ids([document]))
    return json_response({"comment": mappers.comment(document, numbers[comment.id], profiles)})


@router.delete("/articles/{ref}/comments/{id}", status_code=NO_CONTENT)
async def delete_comment(
    user: CurrentUser,
    post: VisiblePost,
    session: SessionDep,
    number: Annotated[int, Path(alias="id", ge=1, le=2**31 - 1, description="Its number")],
) -> None:
    """Delete (`DELETE /api/v1/comments/{id}`): its author, the post's author or an editor."""
    comment_id = await comments_queries.id_by_number(session, number)
    if comment_id is None:
        raise NotFound("Comment not found")
    comment = await comments_dependencies.removable_comment(comment_id, session, user)
    if comment.post_id != post.id:
        raise NotFound("Comment not found")
    await comments_service.delete_comment(session, comment)
