"""Every dependency of every route is a coroutine: FastAPI would run a plain function in a
worker thread on each request (a thread hop per dependency, on the hot paths too)."""

import inspect
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from blogapi.main import create_app


def _sync_dependencies(dependant: Dependant, seen: set[str]) -> list[str]:
    found: list[str] = []
    for sub in dependant.dependencies:
        call = sub.call
        if call is None:
            continue
        name = getattr(call, "__qualname__", type(call).__qualname__)
        if name in seen:
            continue
        seen.add(name)
        target = call if inspect.isroutine(call) or inspect.isclass(call) else call.__call__
        is_class = inspect.isclass(call)
        if not is_class and not (
            inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)
        ):
            found.append(name)
        found += _sync_dependencies(sub, seen)
    return found


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """The API routes, through included routers (FastAPI keeps those as wrappers)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def test_no_route_has_a_plain_function_dependency() -> None:
    app: FastAPI = create_app()
    routes = _api_routes(app.routes)
    assert len(routes) > 30
    seen: set[str] = set()
    sync = [name for route in routes for name in _sync_dependencies(route.dependant, seen)]

    assert sync == []


def test_the_check_finds_a_plain_function_dependency() -> None:
    from fastapi import Depends

    def plain() -> int:
        return 1

    probe = FastAPI()

    @probe.get("/probe")
    async def endpoint(value: int = Depends(plain)) -> int:
        return value

    route = _api_routes(probe.routes)[0]
    assert _sync_dependencies(route.dependant, set()) == [plain.__qualname__]
