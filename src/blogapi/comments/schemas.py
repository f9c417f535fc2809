import uuid
from typing import Annotated

from pydantic import AfterValidator, Field

from blogapi.comments.models import CommentStatus
from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.posts.schemas import AuthorOut

MAX_CONTENT_LENGTH = 10_000


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


CommentContent = Annotated[
    str, Field(min_length=1, max_length=MAX_CONTENT_LENGTH), AfterValidator(_not_blank)
]


class CommentCreate(StrictModel):
    content: CommentContent
    parent_id: uuid.UUID | None = Field(
        default=None, description="The comment this one replies to, on the same post"
    )


class CommentUpdate(StrictModel):
    content: CommentContent


class CommentOut(OutModel):
    id: uuid.UUID
    post_id: uuid.UUID
    parent_id: uuid.UUID | None
    depth: int
    content: str | None = Field(description="null when the comment was deleted")
    author: AuthorOut | None = Field(description="null when deleted or the account is gone")
    status: CommentStatus
    is_deleted: bool
    created_at: UTCTimestamp
    updated_at: UTCTimestamp
