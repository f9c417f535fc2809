"""Serialise a response model once, straight to JSON bytes."""

from pydantic import BaseModel
from starlette.responses import Response


def json_response(model: BaseModel, status_code: int = 200) -> Response:
    """The route still declares its model for OpenAPI; the body is built here, once."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")
