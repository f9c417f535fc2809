"""Conduit's users, profiles and tags (articles and comments: `articles.py`), each a thin
translation onto the core: its services decide, `mappers` shape the answer.

Tokens are core sign-ins whose access token lives REALWORLD_TOKEN_TTL_SECONDS (Conduit has
no refresh): a session like any other (GET /api/v1/auth/sessions lists it), ended by a
logout, logout-all or a password change."""

from fastapi import APIRouter, Depends, FastAPI, Request, Response, status
from fastapi.routing import iter_route_contexts

from blogapi.auth import service as auth_service
from blogapi.auth import verification
from blogapi.auth.dependencies import (
    ClientDep,
    CurrentUser,
    OptionalUser,
    ReadWriteLimit,
    limit_by_ip,
)
from blogapi.auth.schemas import LoginRequest
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.http_cache import CarriesSecrets
from blogapi.core.pagination import PageParams
from blogapi.core.responses import json_response
from blogapi.core.routing import JSONRoute
from blogapi.posts import access as posts_access
from blogapi.realworld import articles, mappers
from blogapi.realworld.openapi import install_conduit_docs
from blogapi.realworld.schemas import (
    LoginUserRequest,
    NewUserRequest,
    ProfileResponse,
    TagsResponse,
    UpdateUserRequest,
    UserResponse,
    to_core,
)
from blogapi.tags import queries as tags_queries
from blogapi.users import queries as users_queries
from blogapi.users import service as users_service
from blogapi.users.dependencies import VisibleUser
from blogapi.users.schemas import UserCreate, UserPrivate, UserPublic, UserUpdate

router = APIRouter(tags=["RealWorld"], route_class=JSONRoute, dependencies=[ReadWriteLimit])
TAGS_SHOWN = 20


def _sent_token(request: Request) -> str:
    """The token the caller signed in with (Conduit answers it back in `user.token`)."""
    return request.headers.get("authorization", "").partition(" ")[2].strip()


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserResponse,
    dependencies=[Depends(limit_by_ip("register-ip")), CarriesSecrets],
)
async def register(
    data: NewUserRequest, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> Response:
    """Create an account (`POST /api/v1/auth/register`) and sign it in."""
    fields = data.user.model_dump()
    user = await verification.register(session, settings, to_core(UserCreate, fields))
    issued = await auth_service.start_session(
        session, settings, user, client, access_ttl_seconds=settings.realworld_token_ttl_seconds
    )
    document = mappers.user_document(UserPrivate.model_validate(user), issued.access_token)
    return json_response(document, status.HTTP_201_CREATED)


@router.post(
    "/users/login",
    response_model=UserResponse,
    dependencies=[Depends(limit_by_ip("login-ip")), CarriesSecrets],
)
async def login(
    data: LoginUserRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> Response:
    """Sign in (`POST /api/v1/auth/login`, its limits and answers)."""
    credentials = to_core(LoginRequest, data.user.model_dump())
    issued = await auth_service.login(
        session,
        settings,
        credentials.email,
        credentials.password,
        client,
        request.app.state.rate_limiter,
        access_ttl_seconds=settings.realworld_token_ttl_seconds,
    )
    user = UserPrivate.model_validate(issued.user)
    return json_response(mappers.user_document(user, issued.access_token))


@router.get("/user", response_model=UserResponse, dependencies=[CarriesSecrets])
async def read_user(request: Request, user: CurrentUser) -> Response:
    document = mappers.user_document(UserPrivate.model_validate(user), _sent_token(request))
    return json_response(document)


@router.put("/user", response_model=UserResponse, dependencies=[CarriesSecrets])
async def update_user(
    data: UpdateUserRequest,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
) -> Response:
    """Change the profile (`PATCH /api/v1/users/me`, its rules). Your own email or username
    sent back is no change; an empty `image` clears it, an empty `password` is none. A new
    password ends every session: the answer carries a new token."""
    fields = data.user.model_dump(exclude_unset=True)
    password = fields.pop("password", None)
    if "image" in fields:
        fields["avatar_url"] = fields.pop("image") or None
    for name, current in (("email", user.email), ("username", user.username)):
        if isinstance(fields.get(name), str) and fields[name].strip().lower() == current:
            del fields[name]
    changes = to_core(UserUpdate, fields)
    limiter = request.app.state.rate_limiter
    await verification.update_profile(session, settings, limiter, user, changes)
    token = _sent_token(request)
    if password:
        await auth_service.replace_password(session, settings, user, password, field="password")
        issued = await auth_service.start_session(
            session, settings, user, client, access_ttl_seconds=settings.realworld_token_ttl_seconds
        )
        token = issued.access_token
    return json_response(mappers.user_document(UserPrivate.model_validate(user), token))


@router.get("/profiles/{ref}", response_model=ProfileResponse)
async def read_profile(user: VisibleUser, viewer: OptionalUser, session: SessionDep) -> Response:
    """A profile by username; `following` for a signed-in reader (false otherwise)."""
    following = await users_queries.is_following(session, viewer, user)
    profile = mappers.profile(UserPublic.model_validate(user), bool(following))
    return json_response({"profile": profile})


@router.post("/profiles/{ref}/follow", response_model=ProfileResponse)
async def follow(me: CurrentUser, user: VisibleUser, session: SessionDep) -> Response:
    """Follow (`PUT /api/v1/users/{ref}/follow`); any body is ignored."""
    await users_service.follow(session, me, user)
    return json_response({"profile": mappers.profile(UserPublic.model_validate(user), True)})


@router.delete("/profiles/{ref}/follow", response_model=ProfileResponse)
async def unfollow(me: CurrentUser, user: VisibleUser, session: SessionDep) -> Response:
    await users_service.unfollow(session, me, user)
    return json_response({"profile": mappers.profile(UserPublic.model_validate(user), False)})


@router.get("/tags", response_model=TagsResponse)
async def list_tags(session: SessionDep) -> Response:
    """The 20 tags most used on public posts, the most used first."""
    rows, _ = await tags_queries.list_tags(
        session, PageParams(page=1, limit=TAGS_SHOWN), posts_access.public_post_ids()
    )
    return json_response({"tags": [tag.name for tag, _count in rows]})


router.include_router(articles.router)


def mount(app: FastAPI, prefix: str) -> None:
    """Serve the RealWorld API under `prefix`, a subtree of its own (its error shape is given
    to every path in it): a prefix that another route lies under, or that another route
    would answer for, stops start-up."""
    sample = f"{prefix}/articles"
    for route in iter_route_contexts(app.routes):  # included routers' routes too
        path = getattr(route, "path", "")
        regex = getattr(route, "path_regex", None)
        if path == prefix or path.startswith(f"{prefix}/") or (regex and regex.match(sample)):
            raise ValueError(f"REALWORLD_PREFIX {prefix} overlaps the route {path}")
    app.include_router(router, prefix=prefix)
    install_conduit_docs(app, prefix)
