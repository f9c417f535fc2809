import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator

from blogapi.core import media_urls
from blogapi.core.schemas import OutModel, UTCTimestamp


class VariantOut(OutModel):
    width: int
    height: int
    url: str


class MediaOut(OutModel):
    id: uuid.UUID
    url: str
    content_type: str
    size: int = Field(description="Bytes of the (re-encoded) image at `url`")
    width: int
    height: int
    sha256: str = Field(description="Of the bytes as uploaded")
    alt: str | None
    animated: bool
    variants: list[VariantOut] = Field(description="Narrower WebP copies, narrowest first")
    created_at: UTCTimestamp

    @model_validator(mode="before")
    @classmethod
    def _from_meta(cls, value: Any) -> Any:
        meta = getattr(value, "meta", None)
        if meta is None:
            return value
        fields = {name: getattr(value, name) for name in cls.model_fields if hasattr(value, name)}
        # Built on the address of the app answering, from the keys (core/media_urls.py).
        urls = media_urls.current()
        fields["url"] = urls.of_key(value.storage_key)
        fields["animated"] = bool(meta.get("animated", False))
        fields["variants"] = [
            {"width": v["width"], "height": v["height"], "url": urls.of_key(v["key"])}
            for v in meta.get("variants", [])
        ]
        return fields


@dataclass(frozen=True, slots=True)
class ResponsiveImage:
    """What a Markdown image pointing at our media gains in content_html. `src` and the
    `srcset` candidates are stored forms (`/media/<key>`), made absolute when read."""

    src: str
    width: int
    height: int
    srcset: str
    sizes: str
