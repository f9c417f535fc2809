"""HTTP caching of reads: a strong ETag on every public JSON read, `304 Not Modified` on a
matching If-None-Match, and who may keep a copy.

- Anonymous reads (no Authorization header) are the same bytes for everyone:
  `public, max-age=HTTP_CACHE_MAX_AGE`, so a browser, proxy or CDN may keep them briefly.
- Authenticated reads carry the reader's own flags (`liked`, drafts they may see):
  `private, no-cache`, so no shared cache stores them and the client revalidates with the ETag.
- `Vary: Authorization, Accept-Encoding` on both, so a cache never hands one reader's copy
  to another, nor a gzip copy to a client that cannot read it.
Every other response (writes, errors, private resources) leaves with `no-store`
(`SecurityHeadersMiddleware`), unless its route says otherwise; a route whose answer carries
tokens or secrets says `no-store, no-transform` (`CarriesSecrets`), which nothing compresses.

A gzip'd body is another representation, so it gets another strong tag: `"<tag>-gzip"`
(`core/middleware/compression.py`). Every comparison here reads it as the identity tag, so a
client holding either copy gets its 304, and either tag works in If-Match.
"""

import hashlib

from fastapi import Depends
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from blogapi.core.responses import Document, dump

PRIVATE = "private, no-cache"
NO_STORE = "no-store"
# RFC 9111 5.2.2.6: no intermediary may transform it. Our compression layer obeys it too,
# and so do CDNs and proxies that would otherwise gzip the body (BREACH).
CARRIES_SECRETS = "no-store, no-transform"
VARY = "Authorization, Accept-Encoding"
GZIP_TAG_SUFFIX = '-gzip"'


def etag_for(body: bytes, version: int | None = None) -> str:
    """`"<digest>"`, or `"<version>-<digest>"` for a versioned resource: the version is what
    If-Match checks (posts), the digest covers the bytes."""
    digest = hashlib.blake2b(body, digest_size=8).hexdigest()
    return f'"{digest}"' if version is None else f'"{version}-{digest}"'


def entity_tags(header: str) -> set[str]:
    """The entity tags an If-Match or If-None-Match header lists, quoted as sent, without a
    weak `W/` prefix (comparisons here are weak, RFC 9110 13.1.2) and as the identity
    representation's tags (a gzip copy's tag names the same bytes); `*` as itself."""
    tags = (tag.strip().removeprefix("W/") for tag in header.split(","))
    return {_identity_tag(tag) for tag in tags if tag}


def _identity_tag(tag: str) -> str:
    """The identity representation's tag of a gzip one (`"<tag>-gzip"` -> `"<tag>"`)."""
    return tag.removesuffix(GZIP_TAG_SUFFIX) + '"' if tag.endswith(GZIP_TAG_SUFFIX) else tag


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
    headers = {"ETag": etag, "Cache-Control": cache_control(request), "Vary": VARY}
    if_none_match = request.headers.get("if-none-match")
    # GET and HEAD only, not all SAFE_METHODS: a 304 answers those two (RFC 9110, 13.1.2).
    if request.method in ("GET", "HEAD") and if_none_match and _matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(
        content, status_code=status_code, media_type="application/json", headers=headers
    )


async def carries_secrets(response: Response) -> None:
    """A route whose answer carries tokens or secrets (sign-in, refresh) depends on this:
    no cache keeps its answer and nothing compresses it (BREACH)."""
    response.headers["Cache-Control"] = CARRIES_SECRETS


CarriesSecrets = Depends(carries_secrets)
