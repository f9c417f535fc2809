from pydantic import Field

from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.posts.schemas import TagName


class TagOut(OutModel):
    slug: str = Field(description="The tag's name: lower case, hyphenated")
    post_count: int = Field(description="Published posts carrying it")
    created_at: UTCTimestamp


class TagRename(StrictModel):
    name: TagName = Field(
        description="The new name; naming an existing tag merges this one into it"
    )
