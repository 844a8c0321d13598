"""The request dependency for `service.pagination.PageParams` (``?page=&page_size=``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from service.pagination import MAX_PAGE, MAX_PAGE_SIZE, PageParams


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
