"""The error hierarchy and the handlers that render every error in one envelope.

Services raise `AppError` subclasses; nothing else builds error JSON. The same classes
describe the error responses in OpenAPI: `core/openapi.py` reads which ones each route raises.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from blogapi.core.context import current_request_id

log = structlog.get_logger("blogapi.errors")


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []
    request_id: str | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class AppError(Exception):
    status_code: ClassVar[int] = 500
    code: str = "INTERNAL_ERROR"
    message: str = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details or []
        self.headers = headers
        super().__init__(self.message)


class ValidationFailed(AppError):
    status_code = 400
    code = "VALIDATION_ERROR"
    message = "Invalid request data"

    @classmethod
    def on_field(cls, field: str, message: str) -> "ValidationFailed":
        return cls(details=[ErrorDetail(field=field, message=message)])


class Unauthorized(AppError):
    status_code = 401
    code = "AUTHENTICATION_REQUIRED"
    message = "Authentication required"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class InvalidToken(Unauthorized):
    code = "INVALID_TOKEN"
    message = "The token is invalid"


class TokenExpired(Unauthorized):
    code = "TOKEN_EXPIRED"
    message = "The access token has expired"


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"
    message = "You are not allowed to do this"


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Not found"


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"
    message = "Conflict"


class PreconditionFailed(AppError):
    status_code = 412
    code = "PRECONDITION_FAILED"
    message = "The resource changed since you read it"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"
    message = "Request body too large"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    message = "Send JSON with Content-Type: application/json"


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMITED"
    message = "Too many requests"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"
    message = "The service is temporarily unavailable"


_HTTP_CODES = {
    400: ("VALIDATION_ERROR", "Invalid request data"),
    401: ("AUTHENTICATION_REQUIRED", "Authentication required"),
    403: ("FORBIDDEN", "You are not allowed to do this"),
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    413: ("PAYLOAD_TOO_LARGE", "Request body too large"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
    429: ("RATE_LIMITED", "Too many requests"),
}


# Refusals worth a WARNING: bad input, no or a bad token, not allowed, too many. What they
# watch for is a pattern (guessing, scanning, a broken client), told by the code and the
# request, so the line says those and never what was sent (tokens, passwords, bodies).
LOGGED_REFUSALS = frozenset({400, 401, 403, 429})


def _log_refusal(
    status_code: int, code: str, details: list[ErrorDetail], scope: Scope | None
) -> None:
    request: dict[str, Any] = {}
    if scope is not None:
        request = {"method": scope.get("method"), "path": scope.get("path")}
        if (user_id := scope.get("state", {}).get("user_id")) is not None:
            request["user_id"] = str(user_id)
    fields = [detail.field for detail in details if detail.field]
    log.warning(
        "request_refused",
        status=status_code,
        code=code,
        **request,
        **({"fields": fields} if fields else {}),
    )


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    scope: Scope | None = None,
) -> Response:
    """The envelope; a refusal of LOGGED_REFUSALS also logs one WARNING line, with the
    request's method, path and account when `scope` is given."""
    if status_code in LOGGED_REFUSALS:
        _log_refusal(status_code, code, details or [], scope)
    body = ErrorEnvelope(
        error=ErrorBody(
            code=code, message=message, details=details or [], request_id=current_request_id()
        )
    )
    return Response(
        body.model_dump_json(),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def _field_name(loc: tuple[Any, ...]) -> str | None:
    # Only the leading source: a field may itself be named `body` (RealWorld's articles).
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or None


def _validation_details(exc: RequestValidationError) -> list[ErrorDetail]:
    details = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            details.append(ErrorDetail(field=None, message="Malformed JSON body"))
            continue
        message = str(err.get("msg", "Invalid value"))
        if err.get("type") == "extra_forbidden":
            message = "Unknown field"
        details.append(ErrorDetail(field=_field_name(tuple(err.get("loc", ()))), message=message))
    return details


async def _handle_app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(
        exc.status_code, exc.code, exc.message, exc.details, exc.headers, scope=request.scope
    )


async def _handle_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc)
    return error_response(
        400, "VALIDATION_ERROR", "Invalid request data", details, scope=request.scope
    )


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", str(exc.detail)))
    if exc.status_code == 400 and isinstance(exc.detail, str):
        message = exc.detail
    return error_response(exc.status_code, code, message, headers=exc.headers, scope=request.scope)


async def _handle_database_down(_request: Request, exc: Exception) -> Response:
    log.error("database_unavailable", error=type(exc).__name__, exc_info=exc)
    return error_response(
        503,
        "SERVICE_UNAVAILABLE",
        "The database is temporarily unavailable",
        headers={"Retry-After": "5"},
    )


# SQLSTATE classes that mean "the database is not available", not "the query is wrong":
# connection exceptions, insufficient resources, operator intervention (shutdown, cannot
# connect now, statement timeout), and a database that does not accept connections.
UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")
UNAVAILABLE_SQLSTATES = ("55000", "55006")


def _sqlstate(exc: DBAPIError) -> str:
    for candidate in (exc.orig, getattr(exc.orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return ""


def database_unavailable(exc: DBAPIError) -> bool:
    if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
        return True
    code = _sqlstate(exc)
    return code.startswith(UNAVAILABLE_SQLSTATE_CLASSES) or code in UNAVAILABLE_SQLSTATES


async def _handle_dbapi(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DBAPIError)
    if database_unavailable(exc):
        return await _handle_database_down(request, exc)
    log.error("database_error", error=type(exc).__name__, exc_info=exc)
    return internal_error_response()


def internal_error_response() -> Response:
    return error_response(500, "INTERNAL_ERROR", "Internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _handle_app_error)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(DBAPIError, _handle_dbapi)
    for exc_class in (PoolTimeoutError, ConnectionError, TimeoutError):
        app.add_exception_handler(exc_class, _handle_database_down)
