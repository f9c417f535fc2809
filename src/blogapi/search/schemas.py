from pydantic import BaseModel, Field

from blogapi.posts.schemas import PostSummary


class SearchHit(PostSummary):
    rank: float = Field(description="Relevance: higher is better (comparable within one search)")
    highlight: str = Field(
        description="A snippet of the text, HTML-escaped, with the matches wrapped in <mark>"
    )


class Suggestion(BaseModel):
    type: str = Field(description="tag or post")
    text: str = Field(description="The tag's name or the post's title")
    slug: str


class Suggestions(BaseModel):
    data: list[Suggestion]
