import enum
import uuid
from datetime import date

from pydantic import Field

from blogapi.core.schemas import OutModel
from blogapi.posts.schemas import PostSummary


class Window(enum.StrEnum):
    """Whole UTC days: `24h` is today and yesterday, `7d` the last 7 days, `30d` the last 30."""

    DAY = "24h"
    WEEK = "7d"
    MONTH = "30d"

    @property
    def days(self) -> int:
        return {"24h": 2, "7d": 7, "30d": 30}[self.value]


class PopularPost(PostSummary):
    views: int = Field(description="Views in the window")
    uniques: int = Field(
        description="Readers in the window: each day's unique readers, summed over its days"
    )


class PopularPosts(OutModel):
    window: Window
    data: list[PopularPost]


class DayViews(OutModel):
    day: date
    views: int
    uniques: int


class PostStats(OutModel):
    post_id: uuid.UUID
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    views: int = Field(description="Views over the days")
    uniques: int = Field(description="Each day's unique readers, summed")
    days: list[DayViews] = Field(description="Every day from `from` to `to`, oldest first")
