"""分页: every list that can grow is read one page at a time, with its total, in SQL.

One count and one page of rows, whatever the data size: the pages show 50 a page with page
links, the API takes `page` and `per_page` (up to 200) and says the total in `X-Pagination`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

PER_PAGE = 50  # a page of a list on the site
MAX_PER_PAGE = 200  # the most the API gives in one page
MAX_PAGE = 100_000  # no list is that long; a bigger number is a typo or an attack


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list: `page` from 1, `per_page` rows."""

    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


FIRST_PAGE = PageRequest()


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and where it stands in the whole."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def map(self, fn: Callable[[T], Any]) -> Page[Any]:
        return Page([fn(item) for item in self.items], self.total, self.page, self.per_page)


def count_of(session: Session, statement: Select) -> int:
    """How many rows `statement` selects (its ORDER BY and loader options left out)."""
    counted = statement.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    return session.scalar(counted) or 0


def paginate(
    session: Session,
    statement: Select,
    request: PageRequest,
    *,
    count: Select | None = None,
    unique: bool = False,
) -> Page[Any]:
    """The `request`ed page of `statement`'s entities (already ordered) and the total.

    `count` is the statement to count when `statement` is not a plain filtered SELECT of one
    table (a UNION, DISTINCT); `unique` for statements with joined collections."""
    total = (
        session.scalar(select(func.count()).select_from(count.subquery()))
        if count is not None
        else count_of(session, statement)
    )
    result = session.scalars(statement.limit(request.per_page).offset(request.offset))
    items = list(result.unique() if unique else result)
    return Page(items, total or 0, request.page, request.per_page)
