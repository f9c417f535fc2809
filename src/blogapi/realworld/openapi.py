"""The RealWorld routes in /docs with the errors they really answer: the core documents
each route's errors from its code (core/openapi.py) in the core's envelope; under the prefix
those become Conduit's `{"errors": {...}}`, at the statuses `middleware.py` gives them
(400 and 409 are 422)."""

from typing import Any

from fastapi import FastAPI

from blogapi.realworld.middleware import conduit_status
from blogapi.realworld.schemas import ConduitErrors

ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
CONDUIT_REF = "#/components/schemas/ConduitErrors"


def _envelope_codes(response: dict[str, Any]) -> list[str] | None:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    if schema.get("allOf") != [{"$ref": ENVELOPE_REF}]:
        return None
    codes: list[str] = schema["properties"]["error"]["properties"]["code"]["enum"]
    return codes


def conduit_errors(document: dict[str, Any], prefix: str) -> None:
    """Rewrite, in place, the envelope errors of the operations under `prefix`."""
    document["components"]["schemas"]["ConduitErrors"] = ConduitErrors.model_json_schema()
    for path, operations in document["paths"].items():
        if not path.startswith(f"{prefix}/"):
            continue
        for operation in operations.values():
            responses: dict[str, Any] = operation["responses"]
            by_status: dict[int, set[str]] = {}
            for key, response in list(responses.items()):
                codes = _envelope_codes(response)
                if codes is None:
                    continue
                del responses[key]
                for code in codes:
                    by_status.setdefault(conduit_status(int(key), code), set()).add(code)
            for status, named in sorted(by_status.items()):
                responses[str(status)] = {
                    "description": ", ".join(sorted(named)),
                    "content": {"application/json": {"schema": {"$ref": CONDUIT_REF}}},
                }


def install_conduit_docs(app: FastAPI, prefix: str) -> None:
    """After the core's document is built (`install_openapi`), translate its RealWorld part."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            conduit_errors(build(), prefix)
        return build()

    app.openapi = openapi  # type: ignore[method-assign]
