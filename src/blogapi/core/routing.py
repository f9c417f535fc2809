"""Routing rules of the API: JSON endpoints refuse other content types with 415, and a path
that only differs by a trailing slash from a route redirects there, on PUBLIC_BASE_URL."""

import email.message
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, params
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match

from blogapi.core.errors import UnsupportedMediaType, handle_http_error

API_PREFIX = "/api/v1"


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length != "0"
    return "transfer-encoding" in request.headers


class JSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None or isinstance(self.body_field.field_info, params.Form):
            return handler

        async def json_only(request: Request) -> Response:
            if _has_body(request) and not _is_json(request.headers.get("content-type")):
                raise UnsupportedMediaType()
            return await handler(request)

        return json_only


def _slash_twin(request: Request) -> str | None:
    """The request's path with its trailing slash added or removed, if a route takes that."""
    path: str = request.scope["path"]
    if path == "/":
        return None
    twin = path.rstrip("/") if path.endswith("/") else f"{path}/"
    scope = {**request.scope, "path": twin}
    routes = request.app.router.routes
    return twin if any(route.matches(scope)[0] is not Match.NONE for route in routes) else None


async def _not_found(request: Request, exc: Exception) -> Response:
    """Starlette's trailing-slash redirect, built on PUBLIC_BASE_URL: its own copies the Host
    header into Location, so `Host: evil.example` sent readers there. Else the 404 envelope."""
    assert isinstance(exc, HTTPException)
    twin = _slash_twin(request)
    if twin is None:
        return await handle_http_error(request, exc)
    base: str = request.app.state.settings.public_base_url.rstrip("/")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return RedirectResponse(f"{base}{twin}" + (f"?{query}" if query else ""), status_code=307)


def install_slash_redirects(app: FastAPI) -> None:
    """With `FastAPI(redirect_slashes=False)`: unmatched paths come here as 404s."""
    app.add_exception_handler(404, _not_found)
