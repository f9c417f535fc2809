"""Helpers of the RealWorld tests: the vendored spec's schemas (OpenAPI 3.1, so JSON Schema
2020-12, its `$ref`s resolved against the document) and Conduit calls."""

import functools
import itertools
from pathlib import Path
from typing import Any

import httpx
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("openapi.yml")
SPEC_URI = "urn:realworld-openapi"
ROOT = "/realworld/api"
PASSWORD = "a perfectly fine passphrase"
_names = itertools.count(1)


@functools.cache
def spec() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    # Conduit front-ends show a missing bio or image as null; the issue makes them nullable.
    schemas = document["components"]["schemas"]
    for name in ("User", "Profile"):
        for field in ("bio", "image"):
            schemas[name]["properties"][field]["type"] = ["string", "null"]
    return document


@functools.cache
def _registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def validator(pointer: str) -> Draft202012Validator:
    """A validator of the schema at `pointer` in the spec (`/components/schemas/Article`)."""
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=_registry())


def response_schema(name: str) -> str:
    return f"/components/responses/{name}/content/application~1json/schema"


def assert_valid(body: object, response: str) -> None:
    """`body` is what the spec's named response (`UserResponse`...) describes."""
    errors = list(validator(response_schema(response)).iter_errors(body))
    assert errors == [], [error.message for error in errors]


def assert_errors(response: httpx.Response, status: int, *fields: str) -> dict[str, Any]:
    """A Conduit error: the status, `{"errors": {field: [messages]}}`, valid per the spec."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"errors"}, body
    assert body["errors"], body
    for messages in body["errors"].values():
        assert messages
        assert all(isinstance(m, str) and m for m in messages)
    for field in fields:
        assert field in body["errors"], body
    return body


def token_headers(token: str, scheme: str = "Token") -> dict[str, str]:
    return {"Authorization": f"{scheme} {token}"}


def unique(prefix: str = "rw") -> str:
    return f"{prefix}{next(_names)}"


async def register(client: httpx.AsyncClient, username: str | None = None) -> dict[str, Any]:
    """A new Conduit user (the `user` object, with its token)."""
    username = username or unique()
    body = {
        "user": {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    }
    response = await client.post(f"{ROOT}/users", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()["user"]
    return user


async def create_article(
    client: httpx.AsyncClient, user: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    body = {"title": unique("Title "), "description": "About it", "body": "# Hello", **fields}
    response = await client.post(
        f"{ROOT}/articles", json={"article": body}, headers=token_headers(user["token"])
    )
    assert response.status_code == 201, response.text
    article: dict[str, Any] = response.json()["article"]
    return article
