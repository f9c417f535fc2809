"""The API inventory: the errors each route can answer, read from the code, and an OpenAPI
document that lists exactly those, with their codes (and not FastAPI's 422, never sent here).

A route's errors are the `AppError` classes raised by its endpoint, its dependencies and every
function of this package they call, found by reading their source: a `raise SlugTaken()`, a
`raise ValidationFailed.on_field(...)`, or a `raise helper()` whose return annotation names
error classes. Then what every route of a kind can meet: 400 (a bad parameter, or a NUL in the
request target), 413 and 415 with a body, 503 with a database session and wherever load
shedding may refuse a request (every route but the probes).
"""

import ast
import builtins
import contextlib
import inspect
import textwrap
import types
import typing
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from fastapi import FastAPI, params
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts

from blogapi.core.errors import (
    AppError,
    ErrorEnvelope,
    PayloadTooLarge,
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from blogapi.core.middleware.load_shedding import EXEMPT_PATHS as SHED_EXEMPT_PATHS

PACKAGE = "blogapi"
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
ErrorClass = type[AppError]


def _in_package(func: object) -> bool:
    module = getattr(func, "__module__", None)
    return isinstance(module, str) and module.split(".")[0] == PACKAGE


def _namespace(func: Callable[..., Any]) -> dict[str, Any]:
    names = dict(func.__globals__) if isinstance(func, types.FunctionType) else {}
    with contextlib.suppress(TypeError, ValueError):
        names |= inspect.getclosurevars(func).nonlocals
    return names


def _resolve(node: ast.expr, names: dict[str, Any]) -> object | None:
    """What a name or a dotted name (`service.create_post`) means in the function's module."""
    if isinstance(node, ast.Name):
        return names.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, names)
        return None if base is None else getattr(base, node.attr, None)
    return None


def _classes_named(annotation: object) -> set[ErrorClass]:
    if isinstance(annotation, type) and issubclass(annotation, AppError):
        return {annotation}
    return {c for arg in typing.get_args(annotation) for c in _classes_named(arg)}


def _raised_by(target: object) -> set[ErrorClass]:
    """The error classes `raise <target>` stands for: the class itself, or what a factory
    (a function or a classmethod such as `ValidationFailed.on_field`) says it returns."""
    if isinstance(target, type):
        return _classes_named(target)
    if callable(target):
        try:
            return _classes_named(typing.get_type_hints(target).get("return"))
        except (NameError, TypeError):
            return set()
    return set()


def _source_tree(func: Callable[..., Any]) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return None


def _local_types(func: Callable[..., Any], tree: ast.AST) -> dict[str, Any]:
    """Names whose type the source states: annotated parameters and variables, and `self`."""
    names: dict[str, Any] = {}
    with contextlib.suppress(NameError, TypeError):
        names |= {k: v for k, v in typing.get_type_hints(func).items() if k != "return"}
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            annotation = _resolve(node.annotation, _namespace(func))
            if isinstance(annotation, type):
                names[node.target.id] = annotation
    owner = func.__qualname__.rpartition(".")[0]
    if owner and "<" not in owner:
        names.setdefault("self", _namespace(func).get(owner))
    return names


def _caught_by(handler: ast.ExceptHandler, names: dict[str, Any]) -> tuple[type, ...]:
    if handler.type is None:
        return (BaseException,)
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    found = (_resolve(node, names) for node in nodes)
    return tuple(c for c in found if isinstance(c, type) and issubclass(c, BaseException))


class _ErrorFinder:
    """Walks one function's source: what it raises and what the functions it calls raise,
    leaving out what a surrounding `try` catches."""

    def __init__(self, func: Callable[..., Any], names: dict[str, Any]) -> None:
        self.func = func
        self.names = names
        self.found: set[ErrorClass] = set()

    def add(self, errors: Iterable[ErrorClass], caught: tuple[type, ...]) -> None:
        self.found |= {error for error in errors if not issubclass(error, caught)}

    def visit(self, node: ast.AST, caught: tuple[type, ...] = ()) -> None:
        if isinstance(node, ast.Try | ast.TryStar):
            inner = caught + tuple(c for h in node.handlers for c in _caught_by(h, self.names))
            for statement in node.body:
                self.visit(statement, inner)
            outside: list[ast.AST] = [*node.handlers, *node.orelse, *node.finalbody]
            for other in outside:
                self.visit(other, caught)
            return
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            self.add(_raised_by(_resolve(exc, self.names)), caught)
        elif isinstance(node, ast.Call):
            called = _resolve(node.func, self.names)
            if callable(called) and called is not self.func and _in_package(called):
                self.add(errors_of(called), caught)
        for child in ast.iter_child_nodes(node):
            self.visit(child, caught)


@cache
def errors_of(func: Callable[..., Any]) -> frozenset[ErrorClass]:
    """Every error class `func` raises, itself or through the functions of this package it
    calls (recursively; a call on an object whose type the source does not state is not
    followed), less what it catches around them."""
    func = inspect.unwrap(func)
    if not _in_package(func):
        return frozenset()
    tree = _source_tree(func)
    if tree is None:
        return frozenset()
    finder = _ErrorFinder(func, _namespace(func) | _local_types(func, tree))
    finder.visit(tree)
    return frozenset(finder.found)


def _dependencies(dependant: Dependant) -> Iterable[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def _opens_a_session(dependant: Dependant) -> bool:
    return any(
        getattr(d.call, "__name__", "") in ("get_session", "get_read_session")
        for d in _dependencies(dependant)
    )


def api_routes(app: FastAPI) -> list[Any]:
    """The app's API routes as served: an included router's prefix, tags and dependencies
    applied (FastAPI's route contexts, which behave as APIRoutes)."""
    contexts = iter_route_contexts(app.routes)
    return [c for c in contexts if isinstance(c.original_route, APIRoute)]


def route_errors(route: Any) -> set[ErrorClass]:
    """What `route` can answer besides success, as error classes."""
    found: set[ErrorClass] = {ValidationFailed, *errors_of(route.endpoint)}
    for dependency in _dependencies(route.dependant):
        if dependency.call is not None:
            found |= errors_of(dependency.call)
    if route.body_field is not None:
        found.add(PayloadTooLarge)
        if not isinstance(route.body_field.field_info, params.Form | params.File):
            found.add(UnsupportedMediaType)
    if _opens_a_session(route.dependant) or route.path not in SHED_EXEMPT_PATHS:
        found.add(ServiceUnavailable)  # the database away, or the process overloaded
    return found


def serves_pages(route: Any) -> bool:
    """Whether the route answers HTML pages (its errors included) rather than JSON."""
    response_class = getattr(route.response_class, "value", route.response_class)
    return isinstance(response_class, type) and issubclass(response_class, HTMLResponse)


def _codes(errors: Iterable[ErrorClass]) -> dict[int, list[str]]:
    by_status: dict[int, set[str]] = {}
    for error in errors:
        by_status.setdefault(error.status_code, set()).add(error.code)
    return {status: sorted(codes) for status, codes in sorted(by_status.items())}


def _error_response(codes: list[str]) -> dict[str, Any]:
    code_schema = {"type": "string", "enum": codes}
    schema = {
        "allOf": [{"$ref": ENVELOPE_REF}],
        "properties": {"error": {"properties": {"code": code_schema}}},
    }
    return {"description": ", ".join(codes), "content": {"application/json": {"schema": schema}}}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    envelope = ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}")
    components |= envelope.pop("$defs", {})
    components["ErrorEnvelope"] = envelope
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        # A page answers errors as pages too, documented by its route; an API route in the
        # envelope, with what its code can raise.
        codes = {} if serves_pages(route) else _codes(route_errors(route))
        for method in route.methods:
            operation = schema["paths"][route.path_format].get(method.lower())
            if operation is None:
                continue
            responses = operation["responses"]
            responses.pop("422", None)
            for status, names in codes.items():
                responses[str(status)] = _error_response(names)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve `build_openapi`'s document at /openapi.json (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
