"""Page parameters shared by every list endpoint.

Both are bounded: ``page_size`` at 100 rows and ``page`` at ``MAX_PAGE`` (deeper pages are refine-
the-filter territory, and an unbounded page is an unbounded OFFSET — or, past 2⁶³, an integer
overflow in the database). Out of range → 422 naming the limit.

This module is what operations and commands use; the request dependency that reads the two query
parameters (FastAPI) is `service.page_dep`, so that a command need not import the web framework.
"""

from __future__ import annotations

from pydantic import BaseModel

MAX_PAGE = 1000
MAX_PAGE_SIZE = 100


class PageParams(BaseModel):
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size
