"""Who is calling: the bearer token checked (its session not ended), the account loaded, the
role required."""

import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.auth.errors import AccountDisabled, EmailNotVerified
from blogapi.auth.service import ClientInfo, sessions_revoked_since
from blogapi.core.client_ip import client_ip
from blogapi.core.config import Role, Settings, SettingsDep
from blogapi.core.db import SessionDep, utcnow
from blogapi.core.errors import Forbidden, InvalidToken, Unauthorized
from blogapi.core.http import SAFE_METHODS
from blogapi.core.ratelimit import Decision, PolicyName, RateLimiter
from blogapi.core.security import AccessClaims, decode_access_token
from blogapi.users import queries as users_queries
from blogapi.users.models import User

# Documents the bearer scheme in OpenAPI; the Swagger "Authorize" button posts to /auth/token.
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True, slots=True)
class Authenticated:
    user: User
    claims: AccessClaims


class RevokedSessions:
    """This process's view of the sessions ended lately (logout, DELETE /auth/sessions/{id},
    reuse, logout-all), so their access tokens fail on every process within
    SESSION_REVOCATION_POLL_SECONDS without a query per request.

    The first request that finds the view older than that asks the database which sessions
    were revoked since the previous look, on its own session: at most one small indexed query
    per process per interval under load, none while idle. A request arriving during that query
    uses the view as it was, at most one interval plus the query old.
    """

    # Each look reaches this far behind the previous one, for revocations that committed late
    # (the time is taken before the commit) or on a host whose clock runs behind.
    OVERLAP = timedelta(seconds=30)

    def __init__(self, settings: Settings) -> None:
        self.interval = settings.session_revocation_poll_seconds
        # An access token outlives its session's end by its lifetime at most (RealWorld's
        # tokens live longer: they have no refresh).
        longest = settings.access_token_ttl_seconds
        if settings.realworld_enabled:
            longest = max(longest, settings.realworld_token_ttl_seconds)
        self.keep = timedelta(seconds=longest) + self.OVERLAP
        self.revoked: dict[uuid.UUID, datetime] = {}
        self.looked_at: datetime | None = None
        self.next_look = 0.0  # time.monotonic() after which the view is stale
        self.looking = False

    async def contains(self, session: AsyncSession, session_id: uuid.UUID) -> bool:
        if self.looked_at is None or (not self.looking and time.monotonic() >= self.next_look):
            await self.look(session)
        return session_id in self.revoked

    async def look(self, session: AsyncSession) -> None:
        started, now = time.monotonic(), utcnow()
        since = now - self.keep
        if self.looked_at is not None:
            since = max(since, self.looked_at - self.OVERLAP)
        self.looking = True
        try:
            found = await sessions_revoked_since(session, since)
        finally:
            self.looking = False
        self.revoked.update(found)
        forgotten = now - self.keep
        self.revoked = {sid: at for sid, at in self.revoked.items() if at > forgotten}
        self.looked_at, self.next_look = now, started + self.interval


def _revoked_sessions(request: Request, settings: Settings) -> RevokedSessions:
    """The app's view of ended sessions, made on first use."""
    view: RevokedSessions | None = getattr(request.app.state, "revoked_sessions", None)
    if view is None:
        view = request.app.state.revoked_sessions = RevokedSessions(settings)
    return view


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the access token as 'Authorization: Bearer <token>'")
    return token.strip()


async def _authenticate(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _documented: Annotated[str | None, Depends(bearer_scheme)],
) -> Authenticated | None:
    token = _bearer_token(request)
    if token is None:
        return None
    claims = decode_access_token(settings, token)
    if claims.session_id is not None and await _revoked_sessions(request, settings).contains(
        session, claims.session_id
    ):
        raise InvalidToken("The session of this access token has ended")
    user = await users_queries.get_user(session, claims.user_id)
    if user is None or user.deleted_at is not None or claims.auth_version != user.auth_version:
        raise InvalidToken("The access token is no longer valid")
    if not user.is_active:
        raise AccountDisabled()
    # For the access log and the refusal log (core/middleware/access_log.py, core/errors.py).
    request.state.user_id = user.id
    return Authenticated(user=user, claims=claims)


async def _require_auth(
    auth: Annotated[Authenticated | None, Depends(_authenticate)],
) -> Authenticated:
    if auth is None:
        raise Unauthorized()
    return auth


async def _current_user(auth: Annotated[Authenticated, Depends(_require_auth)]) -> User:
    return auth.user


async def _optional_user(
    auth: Annotated[Authenticated | None, Depends(_authenticate)],
) -> User | None:
    return auth.user if auth else None


CurrentAuth = Annotated[Authenticated, Depends(_require_auth)]
CurrentUser = Annotated[User, Depends(_current_user)]
OptionalUser = Annotated[User | None, Depends(_optional_user)]


def require_role(role: Role) -> Callable[[User], Coroutine[Any, Any, User]]:
    async def check(user: CurrentUser) -> User:
        if not user.has_role(role):
            raise Forbidden(f"This needs the {role.value} role")
        return user

    return check


AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]


async def client_info(request: Request) -> ClientInfo:
    return ClientInfo(user_agent=request.headers.get("user-agent"), ip=request_ip(request))


ClientDep = Annotated[ClientInfo, Depends(client_info)]


def request_ip(request: Request) -> str:
    return client_ip(request, request.app.state.trusted_proxies)


def _remember(request: Request, decision: Decision | None) -> None:
    """Keep the tightest decision; the middleware turns it into RateLimit headers."""
    if decision is None:
        return
    current: Decision | None = getattr(request.state, "rate_limit", None)
    if current is None or decision.remaining < current.remaining:
        request.state.rate_limit = decision


def limit_by_ip(policy: PolicyName) -> Callable[[Request], Coroutine[Any, Any, None]]:
    async def check(request: Request) -> None:
        limiter: RateLimiter = request.app.state.rate_limiter
        _remember(request, await limiter.hit(policy, request_ip(request)))

    return check


def _caller_id(request: Request, settings: Settings) -> str | None:
    """The account a valid access token names, without touching the database; None when
    there is no usable token (the limit then counts the address). Never raises: an expired
    token sent along with a sign-in or a refresh must not block it."""
    try:
        token = _bearer_token(request)
        return str(decode_access_token(settings, token).user_id) if token else None
    except Unauthorized:
        return None


async def read_write_limit(request: Request, settings: SettingsDep) -> None:
    """Reads count per client address; writes per signed-in account (else per address)."""
    limiter: RateLimiter = request.app.state.rate_limiter
    if request.method in SAFE_METHODS:
        _remember(request, await limiter.hit("read-ip", request_ip(request)))
        return
    caller = _caller_id(request, settings)
    if caller is not None:
        _remember(request, await limiter.hit("write-user", caller))


ReadWriteLimit = Depends(read_write_limit)


async def _writer(user: CurrentUser, settings: SettingsDep) -> User:
    """A signed-in account allowed to create content (verified, when that is required)."""
    if settings.require_email_verification and not user.email_verified:
        raise EmailNotVerified()
    return user


WriterUser = Annotated[User, Depends(_writer)]
