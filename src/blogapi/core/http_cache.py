"""Entity tags: a strong ETag per representation, `304 Not Modified` on a matching If-None-Match."""

import hashlib

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response


def etag_for(version: int, body: bytes) -> str:
    """`"<version>-<digest>"`: the version is what If-Match checks; the digest covers the bytes."""
    return f'"{version}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'


def _matches(if_none_match: str, etag: str) -> bool:
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def json_with_etag(
    request: Request, model: BaseModel, *, version: int, status_code: int = 200
) -> Response:
    """Serialise once, tag it, and answer 304 when the client already has these bytes."""
    body = model.model_dump_json().encode()
    etag = etag_for(version, body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if_none_match = request.headers.get("if-none-match")
    if request.method in ("GET", "HEAD") and if_none_match and _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)
