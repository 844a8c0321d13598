"""Page parameters shared by every list endpoint.

Both are bounded: ``page_size`` at 100 rows and ``page`` at ``MAX_PAGE`` (deeper pages are refine-
the-filter territory, and an unbounded page is an unbounded OFFSET — or, past 2⁶³, an integer
overflow in the database). Out of range → 422 naming the limit.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel

MAX_PAGE = 1000
MAX_PAGE_SIZE = 100


class PageParams(BaseModel):
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


async def page_params(
    page: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description=f"页码，从1开始（最大{MAX_PAGE}）")
    ] = 1,
    page_size: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"每页条数（1–{MAX_PAGE_SIZE}）")
    ] = 20,
) -> PageParams:
    return PageParams(page=page, page_size=page_size)


PageDep = Annotated[PageParams, Depends(page_params)]
