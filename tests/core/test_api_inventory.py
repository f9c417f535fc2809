"""The API inventory (OWASP API9): every route is in /openapi.json, and each route documents
exactly the errors its code can raise, each with its code; domain errors are classes."""

import ast
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from blogapi.core import openapi
from blogapi.core.errors import AppError, Conflict, NotFound, ValidationFailed
from blogapi.core.openapi import api_routes, route_errors, serves_pages

SOURCE = Path(__file__).resolve().parents[2] / "src" / "blogapi"
# Routes left out of the document on purpose, each with its reason.
UNDOCUMENTED = {
    ("GET", "/metrics"): "Prometheus' text format for the scraper, not an API for clients",
}


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, ops in document["paths"].items() for m in ops}


def test_every_route_is_documented_but_the_few_said_why(
    app: FastAPI, document: dict[str, Any]
) -> None:
    served = {(m, r.path_format) for r in api_routes(app) for m in r.methods}

    missing = served - _operations(document) - set(UNDOCUMENTED)

    assert missing == set()
    assert set(UNDOCUMENTED) <= served, "an allowance for a route that is gone"
    assert {("PUT", "/api/v1/posts/{ref}"), ("HEAD", "/media/{key}")} <= _operations(document)


def _realworld(app: FastAPI, path: str) -> bool:
    """RealWorld's routes answer Conduit's errors, 422 among them (tests/realworld/test_docs.py)."""
    return path.startswith(f"{app.state.settings.realworld_prefix}/")


def test_no_route_documents_the_422_the_api_never_sends(
    app: FastAPI, document: dict[str, Any]
) -> None:
    with_422 = [
        (m, path)
        for path, ops in document["paths"].items()
        for m, op in ops.items()
        if "422" in op["responses"] and not _realworld(app, path)
    ]

    assert with_422 == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def _documented(operation: dict[str, Any]) -> dict[int, list[str]]:
    """The error envelopes an operation documents, with their codes (a route's own documents,
    such as readiness's 503 body, are not envelopes)."""
    found: dict[int, list[str]] = {}
    for status, response in operation["responses"].items():
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("allOf") == [{"$ref": "#/components/schemas/ErrorEnvelope"}]:
            found[int(status)] = schema["properties"]["error"]["properties"]["code"]["enum"]
    return found


def test_each_route_documents_exactly_what_its_code_raises(
    app: FastAPI, document: dict[str, Any]
) -> None:
    checked = 0
    for route in api_routes(app):
        if not route.include_in_schema or serves_pages(route) or _realworld(app, route.path_format):
            continue
        expected: dict[int, set[str]] = {}
        for error in route_errors(route):
            expected.setdefault(error.status_code, set()).add(error.code)
        for method in route.methods:
            operation = document["paths"][route.path_format][method.lower()]
            documented = {status: set(codes) for status, codes in _documented(operation).items()}
            assert documented == expected, (method, route.path_format)
            checked += 1
    assert checked > 60


@pytest.mark.parametrize(
    ("method", "path", "status", "codes"),
    [
        ("post", "/api/v1/auth/refresh", 401, {"INVALID_TOKEN", "TOKEN_REUSED"}),
        ("post", "/api/v1/auth/login", 401, {"INVALID_CREDENTIALS"}),
        ("post", "/api/v1/auth/register", 409, {"EMAIL_TAKEN", "USERNAME_TAKEN"}),
        ("post", "/api/v1/posts", 409, {"SLUG_TAKEN", "INVALID_STATUS_TRANSITION"}),
        ("patch", "/api/v1/posts/{ref}", 412, {"PRECONDITION_FAILED"}),
        ("post", "/api/v1/admin/outbox/{email_id}/requeue", 409, {"EMAIL_ERASED"}),
        ("get", "/api/v1/tags", 429, {"RATE_LIMITED"}),
        ("get", "/api/v1/posts/{ref}", 503, {"SERVICE_UNAVAILABLE"}),
    ],
)
def test_known_errors_are_listed_with_their_codes(
    document: dict[str, Any], method: str, path: str, status: int, codes: set[str]
) -> None:
    documented = _documented(document["paths"][path][method])

    assert codes <= set(documented[status]), documented


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/api/v1/tags", 401), ("get", "/health", 503), ("get", "/api/v1/tags", 415)],
)
def test_errors_a_route_cannot_meet_are_not_listed(
    document: dict[str, Any], method: str, path: str, status: int
) -> None:
    assert status not in _documented(document["paths"][path][method])


def _error_class_names() -> set[str]:
    names, todo = set(), [AppError]
    while todo:
        error = todo.pop()
        names.add(error.__name__)
        todo += error.__subclasses__()
    return names


def test_domain_codes_are_classes_not_arguments() -> None:
    # `Conflict("...", code="SLUG_TAKEN")` would hide the code from the inventory.
    errors = _error_class_names()
    offenders = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not any(k.arg == "code" for k in node.keywords):
                continue
            called = node.func.attr if isinstance(node.func, ast.Attribute) else None
            called = node.func.id if isinstance(node.func, ast.Name) else called
            if called in errors:
                offenders.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert offenders == []


# The analysis itself, on functions of this module -------------------------------------------


class Taken(Conflict):
    code = "TAKEN"


def _refuse() -> ValidationFailed:
    return ValidationFailed.on_field("x", "no")


def _lookup(found: bool) -> None:
    if not found:
        raise NotFound()


def _caller(found: bool) -> None:
    try:
        _lookup(found)
    except NotFound:
        raise Taken() from None
    if found:
        raise _refuse()


def _catches_everything() -> None:
    try:
        _caller(True)
    except AppError:
        return


def test_the_analysis_follows_calls_factories_and_catches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(openapi, "PACKAGE", __name__.split(".")[0])
    openapi.errors_of.cache_clear()
    try:
        assert openapi.errors_of(_lookup) == {NotFound}
        assert openapi.errors_of(_caller) == {Taken, ValidationFailed}
        assert openapi.errors_of(_catches_everything) == set()
    finally:
        openapi.errors_of.cache_clear()
