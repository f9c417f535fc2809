"""The pages the emails' links open when no front-end has its own (RESET_URL_TEMPLATE and
VERIFY_URL_TEMPLATE unset): choose a new password, confirm an address.

Plain HTML forms that post back here; a GET shows a page and changes nothing, so a mail
scanner that opens the link spends no token. The form carries the emailed token, which is
what a cross-site post would lack. A page that fails answers a page, not the JSON envelope:
the handler rolls back what the service began, since the session commits on any answer.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from blogapi.auth import verification
from blogapi.auth.dependencies import ReadWriteLimit, request_ip
from blogapi.auth.schemas import EmailTokenRequest, PasswordResetConfirm
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.errors import Conflict, RateLimited, ValidationFailed
from blogapi.core.http_cache import CARRIES_SECRETS
from blogapi.core.ratelimit import RateLimiter
from blogapi.mail.templates import RESET_PAGE_PATH, VERIFY_PAGE_PATH
from blogapi.pages import rendering

# Documented with the account flows they finish; every answer, errors included, is a page.
router = APIRouter(
    tags=["auth"], default_response_class=HTMLResponse, dependencies=[ReadWriteLimit]
)
PAGE: dict[str, object] = {"content": {"text/html": {}}}
LINK_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"description": "The link is invalid, expired or used (a page)", **PAGE},
}
POST_ERRORS: dict[int | str, dict[str, object]] = {
    **LINK_ERRORS,
    429: {"description": "Too many tries (a page, with Retry-After)", **PAGE},
}

# Defaults and no constraints: a link or form that is off gets a page back, not JSON.
TokenQuery = Annotated[str, Query()]
FormField = Annotated[str, Form()]
MAX_TOKEN_LENGTH = 256


def _page(status_code: int, document: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """The pages' own policy; the security headers middleware keeps it (core/middleware).
    The forms carry the emailed token: never stored, never compressed (BREACH)."""
    policy = {
        "Content-Security-Policy": rendering.PAGE_CSP,
        "Cache-Control": CARRIES_SECRETS,
        **(headers or {}),
    }
    return HTMLResponse(document, status_code=status_code, headers=policy)


async def _over_limit(request: Request) -> HTMLResponse | None:
    """Posts count as the JSON confirmations do (RATE_LIMIT_EMAIL_IP), answered as a page."""
    limiter: RateLimiter = request.app.state.rate_limiter
    try:
        await limiter.hit("email-ip", request_ip(request))
    except RateLimited as error:
        return _page(429, rendering.too_many(), error.headers)
    return None


async def _works(
    session: SessionDep, token: str, purposes: frozenset[verification.Purpose]
) -> bool:
    """Whether the link's token would be taken; asked without spending it."""
    if not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return False
    return await verification.token_works(session, token, purposes)


def _messages(error: ValidationError | ValidationFailed) -> list[str]:
    if isinstance(error, ValidationFailed):
        return [detail.message for detail in error.details]
    return [f"New password: {e['msg']}." for e in error.errors()]


@router.get(RESET_PAGE_PATH, responses=LINK_ERRORS)
async def reset_password_page(session: SessionDep, token: TokenQuery = "") -> HTMLResponse:
    """The reset email's link: a form for the new password (when the link still works)."""
    if not await _works(session, token, verification.RESET_PURPOSES):
        return _page(400, rendering.broken_link())
    return _page(200, rendering.reset_form(token))


@router.post(RESET_PAGE_PATH, responses=POST_ERRORS)
async def reset_password(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: FormField = "",
    new_password: FormField = "",
    new_password_again: FormField = "",
) -> HTMLResponse:
    """The form's post: set the password, as `POST /auth/password-reset/confirm` does."""
    if (refused := await _over_limit(request)) is not None:
        return refused
    if not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return _page(400, rendering.broken_link())
    if new_password != new_password_again:
        return _page(400, rendering.reset_form(token, ["The two passwords differ."]))
    try:
        data = PasswordResetConfirm(token=token, new_password=new_password)
        await verification.reset_password(session, settings, data.token, data.new_password)
    except (ValidationError, ValidationFailed) as error:
        await session.rollback()
        if isinstance(error, ValidationFailed) and any(d.field == "token" for d in error.details):
            return _page(400, rendering.broken_link())
        return _page(400, rendering.reset_form(token, _messages(error)))
    return _page(200, rendering.password_set())


@router.get(VERIFY_PAGE_PATH, responses=LINK_ERRORS)
async def verify_email_page(session: SessionDep, token: TokenQuery = "") -> HTMLResponse:
    """The verification email's link: a button that confirms (opening it changes nothing)."""
    if not await _works(session, token, verification.ADDRESS_PURPOSES):
        return _page(400, rendering.broken_link())
    return _page(200, rendering.confirm_form(token))


@router.post(
    VERIFY_PAGE_PATH,
    responses={**POST_ERRORS, 409: {"description": "The address is taken (a page)", **PAGE}},
)
async def verify_email(
    request: Request, session: SessionDep, token: FormField = ""
) -> HTMLResponse:
    """The button's post: confirm the address, as `POST /auth/verify-email` does."""
    if (refused := await _over_limit(request)) is not None:
        return refused
    try:
        data = EmailTokenRequest(token=token)
        user = await verification.verify_email(session, data.token)
    except (ValidationError, ValidationFailed):
        await session.rollback()
        return _page(400, rendering.broken_link())
    except Conflict:
        await session.rollback()
        return _page(409, rendering.address_taken())
    return _page(200, rendering.address_confirmed(user.email))
