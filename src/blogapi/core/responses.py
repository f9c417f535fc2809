"""Serialise a response body once, straight to JSON bytes.

A body is a Pydantic model, or a *document*: the same data as plain dicts and lists, in the
model's field order, for the hot read paths, where building models costs more than the rest
of the request (docs/performance.md). orjson writes documents as Pydantic writes models:
UUIDs as strings, timestamps in ISO 8601 with `Z` (tests hold the two to the same bytes).
"""

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

Document = dict[str, Any]


def _default(value: object) -> str:
    # asyncpg's UUID is not the standard library's, which orjson writes natively.
    if type(value).__name__ == "UUID":
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dump(body: BaseModel | Document) -> bytes:
    if isinstance(body, BaseModel):
        return body.model_dump_json().encode()
    return orjson.dumps(body, default=_default, option=orjson.OPT_UTC_Z)


def json_response(body: BaseModel | Document, status_code: int = 200) -> Response:
    """The route still declares its model for OpenAPI; the body is built here, once."""
    return Response(dump(body), status_code=status_code, media_type="application/json")
