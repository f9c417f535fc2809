from typing import Annotated

from pydantic import AfterValidator, Field

from blogapi.core.feed_links import FeedLinks
from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.tags.naming import MAX_NAME_LENGTH, MAX_SLUG_LENGTH, clean_name

MAX_TAG_LENGTH = MAX_NAME_LENGTH


def _tag_ref(value: str) -> str:
    ref = value.strip()
    if not any(character.isalnum() for character in ref):
        raise ValueError("a tag's slug or name has at least one letter or digit")
    return ref


# A tag as written by a client in a post or a rename: its name, kept as written (trimmed).
TagName = Annotated[str, Field(min_length=1), AfterValidator(clean_name)]
# A tag a client names in a filter or a path: its slug, or its name in any case.
TagRef = Annotated[str, Field(min_length=1, max_length=MAX_SLUG_LENGTH), AfterValidator(_tag_ref)]


class TagSummary(OutModel):
    """A tag as posts carry it."""

    slug: str = Field(description="Its address: the name in lower-case ASCII, hyphenated")
    name: str = Field(description="As first written, e.g. C++")


class TagOut(TagSummary):
    post_count: int = Field(description="Published posts carrying it")
    created_at: UTCTimestamp
    feeds: FeedLinks = Field(description="Its posts as RSS, Atom and JSON Feed")


class TagRename(StrictModel):
    name: TagName = Field(
        description="The new name; a name another tag has (in any case) merges this one into it"
    )
