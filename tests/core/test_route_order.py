"""Routers are included busiest first; that is safe only while no two of them answer the same
request, which these tests hold."""

import re
from collections.abc import Iterable

from fastapi import APIRouter
from fastapi.routing import APIRoute

from blogapi.main import ROUTERS, create_app
from blogapi.posts.router import router as posts_router
from blogapi.viewcounts.router import router as viewcounts_router


def _sample_path(template: str) -> str:
    """A concrete path the template matches: `{key:path}` → `a/b`, `{ref}` → `sample`."""
    return re.sub(r"\{[^}:]+(:[^}]+)?\}", lambda m: "a/b" if m.group(1) else "sample", template)


def _api_routes(router: APIRouter) -> list[APIRoute]:
    return [route for route in router.routes if isinstance(route, APIRoute)]


def overlaps(routers: Iterable[APIRouter]) -> list[tuple[str, str, str]]:
    """(method, path of one router, template of another router that also matches it)."""
    groups = [_api_routes(router) for router in routers]
    found = []
    for index, routes in enumerate(groups):
        others = [
            route for number, group in enumerate(groups) if number != index for route in group
        ]
        for route in routes:
            path = _sample_path(route.path)
            for other in others:
                shared = route.methods & other.methods
                if shared and other.path_regex.match(path):
                    found += [(method, path, other.path) for method in sorted(shared)]
    return found


# Overlaps allowed on purpose, each with its reason (and the order that makes it safe).
ALLOWED = {
    # The popular list is served before the posts router, and no post may take the slug
    # `popular` (posts/schemas.py RESERVED_SLUGS), so this path is never a post's.
    ("GET", "/api/v1/posts/popular", "/api/v1/posts/{ref}"),
}


def test_no_router_answers_a_request_meant_for_another() -> None:
    assert set(overlaps(ROUTERS)) == ALLOWED
    assert ROUTERS.index(viewcounts_router) < ROUTERS.index(posts_router)


def test_an_overlap_between_routers_is_found() -> None:
    shadow = APIRouter(prefix="/api/v1")

    @shadow.get("/posts/{anything}")
    async def catch_all() -> None: ...

    found = overlaps([*ROUTERS, shadow])
    assert ("GET", "/api/v1/posts/sample", "/api/v1/posts/{anything}") in found
    assert ("GET", "/api/v1/posts/sample", "/api/v1/posts/{ref}") in found


def test_methods_keep_apart_routes_on_the_same_path() -> None:
    writer = APIRouter(prefix="/api/v1")

    @writer.post("/posts/{ref}")
    async def post_to_a_post() -> None: ...

    assert overlaps([posts_router, writer]) == []


def test_every_router_is_served_with_the_probe_and_public_reads_first() -> None:
    documented = set(create_app().openapi()["paths"])
    for router in ROUTERS:
        paths = {route.path.replace(":path}", "}") for route in _api_routes(router)}
        assert paths & documented, router.prefix
    assert _api_routes(ROUTERS[0])[0].path == "/health"
    assert ROUTERS[1:3] == (viewcounts_router, posts_router)


def test_the_docs_group_routes_by_tag_in_reading_order() -> None:
    schema = create_app().openapi()
    names = [tag["name"] for tag in schema["tags"]]
    assert names[:4] == ["service", "auth", "users", "posts"]
    used = {tag for operation in _operations(schema) for tag in operation.get("tags", [])}
    assert used <= set(names), used - set(names)


def _operations(schema: dict) -> list[dict]:
    return [op for item in schema["paths"].values() for op in item.values()]
