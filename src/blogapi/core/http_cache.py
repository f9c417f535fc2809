"""HTTP caching of reads: a strong ETag on every public JSON read, `304 Not Modified` on a
matching If-None-Match, and who may keep a copy.

- Anonymous reads (no Authorization header) are the same bytes for everyone:
  `public, max-age=HTTP_CACHE_MAX_AGE`, so a browser, proxy or CDN may keep them briefly.
- Authenticated reads carry the reader's own flags (`liked`, drafts they may see):
  `private, no-cache`, so no shared cache stores them and the client revalidates with the ETag.
- `Vary: Authorization` on both, so a cache never hands one reader's copy to another.
Every other response (writes, errors, private resources) leaves with `no-store`
(`SecurityHeadersMiddleware`), unless its route says otherwise.
"""

import hashlib

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from blogapi.core.responses import Document, dump

PRIVATE = "private, no-cache"
NO_STORE = "no-store"


def etag_for(body: bytes, version: int | None = None) -> str:
    """`"<digest>"`, or `"<version>-<digest>"` for a versioned resource: the version is what
    If-Match checks (posts), the digest covers the bytes."""
    digest = hashlib.blake2b(body, digest_size=8).hexdigest()
    return f'"{digest}"' if version is None else f'"{version}-{digest}"'


def entity_tags(header: str) -> set[str]:
    """The entity tags an If-Match or If-None-Match header lists, quoted as sent and without
    a weak `W/` prefix (comparisons here are weak, RFC 9110 13.1.2); `*` as itself."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _matches(if_none_match: str, etag: str) -> bool:
    candidates = entity_tags(if_none_match)
    return "*" in candidates or etag in candidates


def if_match_versions(if_match: str | None) -> set[str] | None:
    """The versions an If-Match header names (versioned ETags are `"<version>-<digest>"`),
    `{"*"}` for any; None without the header, when any version will do."""
    if if_match is None:
        return None
    return {tag.strip('"').split("-", 1)[0] for tag in entity_tags(if_match)}


def cache_control(request: Request) -> str:
    if "authorization" in request.headers:
        return PRIVATE
    max_age: int = request.app.state.settings.http_cache_max_age
    return f"public, max-age={max_age}" if max_age else "public, no-cache"


def cacheable_json(
    request: Request,
    body: BaseModel | Document,
    *,
    version: int | None = None,
    status_code: int = 200,
) -> Response:
    """Serialise once, tag it, and answer 304 when the client already has these bytes."""
    content = dump(body)
    etag = etag_for(content, version)
    headers = {"ETag": etag, "Cache-Control": cache_control(request), "Vary": "Authorization"}
    if_none_match = request.headers.get("if-none-match")
    # GET and HEAD only, not all SAFE_METHODS: a 304 answers those two (RFC 9110, 13.1.2).
    if request.method in ("GET", "HEAD") and if_none_match and _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(
        content, status_code=status_code, media_type="application/json", headers=headers
    )
