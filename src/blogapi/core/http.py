"""HTTP words every room shares."""

from starlette.types import Scope

# RFC 9110's safe methods: they change nothing, so they read on the autocommit session and
# count against the read limit, not the write limit.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scope_header(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name` (lower case), without building a Headers object."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
