from typing import Annotated

from pydantic import AfterValidator, Field

from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.core.slugs import slugify

MAX_TAG_LENGTH = 30


def _tag_name(value: str) -> str:
    if len(value) > MAX_TAG_LENGTH:
        raise ValueError(f"a tag has at most {MAX_TAG_LENGTH} characters")
    slug = slugify(value, max_length=MAX_TAG_LENGTH)
    if not slug:
        raise ValueError("a tag needs at least one letter or digit")
    return slug


# A tag as written by a client (in a post, a filter or a rename), slugged.
TagName = Annotated[str, Field(min_length=1), AfterValidator(_tag_name)]


class TagOut(OutModel):
    slug: str = Field(description="The tag's name: lower case, hyphenated")
    post_count: int = Field(description="Published posts carrying it")
    created_at: UTCTimestamp


class TagRename(StrictModel):
    name: TagName = Field(
        description="The new name; naming an existing tag merges this one into it"
    )
