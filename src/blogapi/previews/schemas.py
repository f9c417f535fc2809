import uuid

from pydantic import Field

from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.posts.schemas import PostOut

MAX_HOURS = 720  # thirty days


class PreviewLinkCreate(StrictModel):
    expires_in_hours: int = Field(default=72, ge=1, le=MAX_HOURS)


class PreviewLinkOut(OutModel):
    """A live link as its post's author and editors see it: never its token (not kept)."""

    id: uuid.UUID
    created_at: UTCTimestamp
    expires_at: UTCTimestamp
    created_by: uuid.UUID | None = Field(description="The account that made it")


class PreviewLinkCreated(OutModel):
    """The new link; its token and URL are shown this once."""

    id: uuid.UUID
    url: str
    token: str
    expires_at: UTCTimestamp


class PreviewInfo(OutModel):
    expires_at: UTCTimestamp


class PostPreview(PostOut):
    """The post as it is now, for the holder of a preview link."""

    preview: PreviewInfo
