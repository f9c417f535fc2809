"""The Conduit edge of every request under REALWORLD_PREFIX, and of nothing else.

- `Authorization: Token <jwt>` (Conduit's scheme) reaches the core as `Bearer <jwt>`, so the
  core's sign-in checks, revocation and rate-limit accounting apply unchanged.
- An error leaves in Conduit's shape, `{"errors": {"<field>|body": ["..."]}}`: the core's
  envelope (core/errors.py renders every error, as for any route) is rewritten here. A
  refusal of input (400) and a conflict (409: `*_TAKEN`) become 422, a bad sign-in says
  `"email or password": ["is invalid"]`; every other status is kept (401, 403, 404, 429
  with its `Retry-After`, 5xx).
- No trailing-slash redirects: the core's redirect of a path ending in `/` is a 404 here.

It sits inside compression (main.py), so the bodies it reads are plain JSON.
"""

import json
from http import HTTPStatus
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from blogapi.core.middleware.layer import Layer

TAKEN = {"EMAIL_TAKEN": "email", "USERNAME_TAKEN": "username", "SLUG_TAKEN": "slug"}
# The core's field names where Conduit's differ.
FIELD_NAMES = {
    "content": "body",
    "summary": "description",
    "tags": "tagList",
    "avatar_url": "image",
    "new_password": "password",
}
WRAPPERS = ("user", "article", "comment")
DROPPED_HEADERS = (b"content-length", b"content-type", b"etag", b"location")
REDIRECTS = (301, 307, 308)


def conduit_field(field: str | None) -> str:
    """`user.email` -> `email`, `article.tagList.0` -> `tagList`, `content` -> `body`."""
    parts = [part for part in (field or "").split(".") if part and not part.isdigit()]
    if len(parts) > 1 and parts[0] in WRAPPERS:
        parts = parts[1:]
    if not parts:
        return "body"
    return FIELD_NAMES.get(parts[0], parts[0])


def conduit_status(status: int, code: str | None) -> int:
    """The status of a core error (`code` None: a body not in the envelope) under the prefix."""
    if code == "INVALID_CREDENTIALS":
        return 401
    if code in TAKEN or (status in (400, 409) and code is not None):
        return 422
    return status


def conduit_error(status: int, body: bytes) -> tuple[int, dict[str, Any]]:
    """The status and `{"errors": ...}` body for a core error response."""
    try:
        error = json.loads(body)["error"]
        code, message, details = error["code"], str(error["message"]), error.get("details") or []
    except (ValueError, KeyError, TypeError):  # not the envelope (a middleware's plain text)
        code, details = None, []
        message = body.decode("utf-8", "replace").strip() or HTTPStatus(status).phrase
    status = conduit_status(status, code)
    if code == "INVALID_CREDENTIALS":
        return status, {"errors": {"email or password": ["is invalid"]}}
    if code in TAKEN:
        return status, {"errors": {TAKEN[code]: ["has already been taken"]}}
    errors: dict[str, list[str]] = {}
    for detail in details:
        errors.setdefault(conduit_field(detail.get("field")), []).append(str(detail["message"]))
    return status, {"errors": errors or {"body": [message]}}


class ConduitMiddleware(Layer):
    def __init__(self, app: ASGIApp, prefix: str) -> None:
        super().__init__(app)
        self.prefix = prefix
        self.subtree = f"{prefix}/"

    def _mine(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.subtree)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._mine(scope["path"]):
            await self.app(scope, receive, send)
            return
        # The core redirects a path to its slash twin; Conduit's paths are exact.
        exact = scope["path"].endswith("/")
        start: Message | None = None
        chunks: list[bytes] = []
        redirected = False

        async def conduit_send(message: Message) -> None:
            nonlocal start, redirected
            if message["type"] == "http.response.start":
                redirected = exact and message["status"] in REDIRECTS
                if redirected or message["status"] >= 400:
                    start = message
                    return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            status, body = (
                (404, {"errors": {"body": ["Not found"]}})
                if redirected
                else conduit_error(start["status"], b"".join(chunks))
            )
            kept = [(k, v) for k, v in start["headers"] if k.lower() not in DROPPED_HEADERS]
            await _send_json(send, status, body, kept)

        await self.app(_with_bearer(scope), receive, conduit_send)


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    content = json.dumps(body).encode()
    headers = [
        *headers,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def _with_bearer(scope: Scope) -> Scope:
    """The scope with `Authorization: Token x` read as `Bearer x`."""
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for index, (name, value) in enumerate(headers):
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() == b"token":
                rewritten = list(headers)
                rewritten[index] = (name, b"Bearer " + token)
                return {**scope, "headers": rewritten}
    return scope
