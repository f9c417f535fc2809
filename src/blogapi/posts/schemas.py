import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from blogapi.core.media_urls import MediaUrl
from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.core.slugs import as_uuid, is_slug
from blogapi.posts.models import PostStatus
from blogapi.tags.schemas import TagName, TagSummary

MAX_TAGS = 10


def _unique_tags(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


# Paths under /posts that are not posts (viewcounts/router.py): no post may take them.
RESERVED_SLUGS = frozenset({"popular"})


def _slug(value: str) -> str:
    if value in RESERVED_SLUGS:
        raise ValueError(f"'{value}' is reserved: /api/v1/posts/{value} is not a post")
    if as_uuid(value) is not None:
        raise ValueError("must not look like an id (a UUID): a post's id already names it")
    if not is_slug(value):
        raise ValueError("lower-case letters, digits and single hyphens, at most 100 characters")
    return value


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
# A post may be scheduled this far ahead (the scheduling a blog needs; a typo of a year
# would otherwise hide a post for a century).
MAX_SCHEDULE_AHEAD = timedelta(days=5 * 365 + 1)


def _in_supported_range(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("must be after 1970 and at most 5 years ahead") from None
    if value < EARLIEST:
        raise ValueError("must be after 1970 and at most 5 years ahead")
    if value > datetime.now(UTC) + MAX_SCHEDULE_AHEAD:
        raise ValueError("must be at most 5 years ahead")
    return value


PublicationTime = Annotated[AwareDatetime, AfterValidator(_in_supported_range)]
TagList = Annotated[list[TagName], Field(max_length=MAX_TAGS), AfterValidator(_unique_tags)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Title = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_not_blank)]
Content = Annotated[str, Field(min_length=1, max_length=200_000), AfterValidator(_not_blank)]
Summary = Annotated[str, Field(max_length=500)]
Slug = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_slug)]


class PostCreate(StrictModel):
    title: Title
    content: Content
    summary: Summary | None = None
    tags: TagList = []
    status: PostStatus | None = Field(
        default=None, description="Default: published (draft for contributors)"
    )
    published_at: PublicationTime | None = Field(
        default=None, description="A future time schedules the post"
    )
    slug: Slug | None = None
    cover_media_id: uuid.UUID | None = Field(default=None, description="One of your images")


class PostUpdate(StrictModel):
    title: Title | None = None
    content: Content | None = None
    summary: Summary | None = None
    tags: TagList | None = None
    status: PostStatus | None = None
    published_at: PublicationTime | None = None
    slug: Slug | None = None
    cover_media_id: uuid.UUID | None = Field(default=None, description="null removes the cover")


class AuthorOut(OutModel):
    id: uuid.UUID
    username: str
    display_name: str | None
    avatar_url: MediaUrl | None


class PostSummary(OutModel):
    """A post in a list: everything but the body."""

    id: uuid.UUID
    slug: str
    title: str
    summary: str
    status: PostStatus
    published_at: UTCTimestamp | None
    created_at: UTCTimestamp
    updated_at: UTCTimestamp
    author: AuthorOut
    tags: list[TagSummary] = Field(description="Ordered by slug")
    likes_count: int
    comments_count: int = Field(
        description="The comments an anonymous reader sees with their content: not hidden, nor"
        " under a hidden one, and not deleted (a placeholder is not counted)"
    )
    bookmarks_count: int
    views_count: int = Field(
        description="Views counted so far; written every VIEW_FLUSH_SECONDS, so a few behind"
    )
    reading_time_minutes: int
    cover_media_id: uuid.UUID | None = None
    cover_url: str | None = None
    liked: bool | None = Field(default=None, description="Signed-in readers only")
    bookmarked: bool | None = Field(default=None, description="Signed-in readers only")


class PostOut(PostSummary):
    content: str
    content_html: str


class RevisionSummary(OutModel):
    number: int
    title: str
    editor: AuthorOut | None
    created_at: UTCTimestamp


class RevisionOut(RevisionSummary):
    summary: str
    content: str
