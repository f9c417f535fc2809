"""The RealWorld routes in /docs: under the `RealWorld` tag, each with the errors its code can
raise, in Conduit's shape and at Conduit's statuses (no envelope, 422 for bad input)."""

from typing import Any

import pytest
from fastapi import FastAPI

from blogapi.core.openapi import api_routes, route_errors
from blogapi.realworld.middleware import conduit_status

from .conduit import ROOT

CONDUIT_REF = {"$ref": "#/components/schemas/ConduitErrors"}
ENDPOINTS = {
    ("POST", "/users"),
    ("POST", "/users/login"),
    ("GET", "/user"),
    ("PUT", "/user"),
    ("GET", "/profiles/{ref}"),
    ("POST", "/profiles/{ref}/follow"),
    ("DELETE", "/profiles/{ref}/follow"),
    ("GET", "/articles"),
    ("GET", "/articles/feed"),
    ("POST", "/articles"),
    ("GET", "/articles/{ref}"),
    ("PUT", "/articles/{ref}"),
    ("DELETE", "/articles/{ref}"),
    ("POST", "/articles/{ref}/favorite"),
    ("DELETE", "/articles/{ref}/favorite"),
    ("GET", "/articles/{ref}/comments"),
    ("POST", "/articles/{ref}/comments"),
    ("DELETE", "/articles/{ref}/comments/{id}"),
    ("GET", "/tags"),
}


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_every_endpoint_is_documented_under_the_realworld_tag(document: dict[str, Any]) -> None:
    found = {
        (method.upper(), path.removeprefix(ROOT))
        for path, operations in document["paths"].items()
        if path.startswith(f"{ROOT}/")
        for method, operation in operations.items()
        if operation["tags"] == ["RealWorld"]
    }
    assert found == ENDPOINTS
    assert "RealWorld" in [tag["name"] for tag in document["tags"]]


def test_each_route_documents_its_errors_in_conduits_shape(
    app: FastAPI, document: dict[str, Any]
) -> None:
    checked = 0
    for route in api_routes(app):
        if not route.path_format.startswith(f"{ROOT}/"):
            continue
        expected: dict[str, set[str]] = {}
        for error in route_errors(route):
            expected.setdefault(str(conduit_status(error.status_code, error.code)), set()).add(
                error.code
            )
        for method in route.methods:
            responses = document["paths"][route.path_format][method.lower()]["responses"]
            errors = {status: r for status, r in responses.items() if int(status) >= 400}
            assert set(errors) == set(expected), (method, route.path_format)
            for status, response in errors.items():
                assert response["content"]["application/json"]["schema"] == CONDUIT_REF
                assert set(response["description"].split(", ")) == expected[status]
            checked += 1
    assert checked == len(ENDPOINTS)
    assert "400" not in document["paths"][f"{ROOT}/users"]["post"]["responses"]
    assert (
        "EMAIL_TAKEN"
        in document["paths"][f"{ROOT}/users"]["post"]["responses"]["422"]["description"]
    )
