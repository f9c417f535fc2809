import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base


class PostViewDaily(Base):
    """A post's views and unique viewers on one UTC day."""

    __tablename__ = "post_view_daily"
    # The popular list: the days of a window, then their posts.
    __table_args__ = (Index("ix_post_view_daily_day", "day", "post_id"),)

    post_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
    uniques: Mapped[int] = mapped_column(default=0)
