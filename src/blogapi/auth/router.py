import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from blogapi.auth import service, verification
from blogapi.auth.dependencies import (
    ClientDep,
    CurrentAuth,
    CurrentUser,
    ReadWriteLimit,
    limit_by_ip,
)
from blogapi.auth.schemas import (
    Accepted,
    EmailTokenRequest,
    LoginRequest,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    SessionOut,
    TokenPair,
)
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.http_cache import CarriesSecrets
from blogapi.core.ratelimit import RateLimiter
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.mail.templates import VERIFY_PAGE_PATH
from blogapi.users.models import User
from blogapi.users.schemas import UserCreate, UserPrivate

router = APIRouter(
    prefix=f"{API_PREFIX}/auth",
    tags=["auth"],
    route_class=JSONRoute,
    dependencies=[ReadWriteLimit],
)


def _pair(issued: service.IssuedTokens) -> TokenPair:
    return TokenPair(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
        user=UserPrivate.model_validate(issued.user),
    )


async def _limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limit_by_ip("register-ip"))],
)
async def register(data: UserCreate, session: SessionDep, settings: SettingsDep) -> UserPrivate:
    """Create an account and send its verification email (409 EMAIL_TAKEN / USERNAME_TAKEN)."""
    user = await verification.register(session, settings, data)
    return UserPrivate.model_validate(user)


@router.post("/login", dependencies=[Depends(limit_by_ip("login-ip")), CarriesSecrets])
async def login(
    data: LoginRequest,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    limiter: Annotated[RateLimiter, Depends(_limiter)],
) -> TokenPair:
    """Sign in with email (or username) and password; returns an access and a refresh token."""
    issued = await service.login(session, settings, data.email, data.password, client, limiter)
    return _pair(issued)


@router.post("/token", dependencies=[Depends(limit_by_ip("login-ip")), CarriesSecrets])
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    limiter: Annotated[RateLimiter, Depends(_limiter)],
) -> TokenPair:
    """The same sign-in as an OAuth2 password form (`username` takes the email or username)."""
    issued = await service.login(session, settings, form.username, form.password, client, limiter)
    return _pair(issued)


@router.post("/refresh", dependencies=[Depends(limit_by_ip("refresh-ip")), CarriesSecrets])
async def refresh(
    data: RefreshRequest, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> TokenPair:
    """Exchange a refresh token for a new pair. A token works once; reuse ends the session."""
    return _pair(await service.refresh(session, settings, data.refresh_token, client))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(data: RefreshRequest, session: SessionDep) -> None:
    """End the session the refresh token belongs to."""
    await service.logout(session, data.refresh_token)


@router.post("/logout-all", status_code=status.HTTP_204_NO_CONTENT)
async def logout_all(user: CurrentUser, session: SessionDep) -> None:
    """End every session; access tokens issued before now stop working."""
    await service.logout_all(session, user)


@router.get("/sessions")
async def list_sessions(auth: CurrentAuth, session: SessionDep) -> list[SessionOut]:
    tokens = await service.list_sessions(session, auth.user)
    return [
        SessionOut(
            id=t.family_id,
            user_agent=t.user_agent,
            ip=t.ip,
            started_at=t.session_started_at,
            last_used_at=t.created_at,
            expires_at=t.expires_at,
            current=t.family_id == auth.claims.session_id,
        )
        for t in tokens
    ]


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def revoke_session(session_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> None:
    await service.revoke_session(session, user, session_id)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    data: PasswordChange, auth: CurrentAuth, session: SessionDep, settings: SettingsDep
) -> None:
    """Change the password: other sessions end; this session's refresh token keeps working."""
    user: User = auth.user
    await service.change_password(
        session,
        settings,
        user,
        data.current_password,
        data.new_password,
        keep_session=auth.claims.session_id,
    )


@router.post("/verify-email")
async def verify_email(data: EmailTokenRequest, session: SessionDep) -> UserPrivate:
    """Confirm an email address with the token from the email (single use, 24 hours)."""
    return UserPrivate.model_validate(await verification.verify_email(session, data.token))


@router.get("/verify-email", status_code=status.HTTP_303_SEE_OTHER, response_class=Response)
async def verify_email_link(
    token: Annotated[str, Query(min_length=1, max_length=256)], settings: SettingsDep
) -> Response:
    """The link of verification emails sent before they pointed at the confirmation page:
    303 to that page, which confirms on a button (opening a link changes nothing)."""
    base = settings.public_base_url.rstrip("/")
    location = f"{base}{VERIFY_PAGE_PATH}?{urlencode({'token': token})}"
    return Response(status_code=303, headers={"Location": location})


@router.post(
    "/resend-verification",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(limit_by_ip("email-ip"))],
)
async def resend_verification(
    user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Accepted:
    await verification.resend_verification(session, settings, user)
    return Accepted(detail="A new verification email is on its way")


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(limit_by_ip("email-ip"))],
)
async def request_password_reset(
    data: PasswordResetRequest, session: SessionDep, settings: SettingsDep
) -> Accepted:
    """Always 202, whether or not the address has an account; the email's link works 1 hour."""
    await verification.request_password_reset(session, settings, data.email)
    return Accepted(detail="If this address has an account, a reset link is on its way")


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(limit_by_ip("email-ip"))],
)
async def confirm_password_reset(
    data: PasswordResetConfirm, session: SessionDep, settings: SettingsDep
) -> None:
    """Set a new password with the emailed token; every session ends."""
    await verification.reset_password(session, settings, data.token, data.new_password)
