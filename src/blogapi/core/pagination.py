"""Page parameters and the list envelope `{"data": [...], "pagination": {...}}`."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Integer, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

MAX_PAGE = 1_000_000
# For statements built once: bind {"offset": params.offset, "limit": params.limit}.
OFFSET = bindparam("offset", type_=Integer())
LIMIT = bindparam("limit", type_=Integer())


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int
    limit: int
    # An offset of its own, not a multiple of `limit` (RealWorld's `offset`); else the page's.
    skip: int | None = None

    @property
    def offset(self) -> int:
        return self.skip if self.skip is not None else (self.page - 1) * self.limit


async def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1")] = 1,
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page, 1-100")] = 20,
) -> PageParams:
    return PageParams(page=page, limit=limit)


PageDep = Annotated[PageParams, Depends(page_params)]


class Pagination(BaseModel):
    page: int
    limit: int
    total: int
    total_pages: int


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    data: list[T]
    pagination: Pagination

    @classmethod
    def build(cls, items: list[T], params: PageParams, total: int) -> "Page[T]":
        return cls(data=items, pagination=Pagination(**pagination(params, total)))


def pagination(params: PageParams, total: int) -> dict[str, int]:
    """The `pagination` member of a page, as plain data (for documents)."""
    total_pages = (total + params.limit - 1) // params.limit
    return {"page": params.page, "limit": params.limit, "total": total, "total_pages": total_pages}


Row = TypeVar("Row")


async def rows_page(
    session: AsyncSession,
    entity: type[Row],
    conditions: Sequence[ColumnElement[bool]],
    order: Sequence[Any],
    params: PageParams,
) -> tuple[Sequence[Row], int]:
    """One page of `entity` objects matching `conditions`, and how many match: two statements,
    for the lists that answer with models (admin lists, an account's media)."""
    total = await session.scalar(select(func.count()).select_from(entity).where(*conditions))
    rows = await session.scalars(
        select(entity).where(*conditions).order_by(*order).offset(params.offset).limit(params.limit)
    )
    return rows.all(), total or 0
