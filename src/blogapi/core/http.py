"""HTTP words every room shares."""

from starlette.types import Scope


def scope_header(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name` (lower case), without building a Headers object."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
