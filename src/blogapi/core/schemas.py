"""Base classes for request and response models."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, field_validator


def _iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Timestamps leave the API as ISO-8601 UTC with a `Z`.
UTCTimestamp = Annotated[datetime, PlainSerializer(_iso_z, return_type=str)]


class StrictModel(BaseModel):
    """Request bodies: unknown fields are refused (no mass assignment), NUL bytes too."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class OutModel(BaseModel):
    """Response bodies, read from ORM objects or mappings."""

    model_config = ConfigDict(from_attributes=True)
