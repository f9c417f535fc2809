"""Per-request context (the request id) visible to logs and error bodies."""

import re
from contextvars import ContextVar

from uuid_utils import uuid4  # the Rust one: a tenth of the standard library's cost

_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def current_request_id() -> str | None:
    return _REQUEST_ID.get()


def accept_request_id(incoming: str | None) -> str:
    """Echo a well-formed incoming id; replace anything else with a new UUID."""
    if incoming and _VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return str(uuid4())


def bind_request_id(request_id: str) -> None:
    _REQUEST_ID.set(request_id)
