"""Pagination for the register: exact counts, except for a free-text search, where the count stops at 1,000.

Counting every match of a broad search in a million incidents costs more than the page itself, and
"more than 1,000" is all a person needs to know to refine the search.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

SEARCH_COUNT_CAP = 1000


class RegisterPaginator(Paginator):
    def __init__(self, object_list, per_page, *, capped: bool = False, counter=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.capped = capped
        self.counter = counter  # how to count when not capped, if not ``object_list.count()``

    @cached_property
    def count(self) -> int:
        if not self.capped:
            return self.counter() if self.counter else super().count
        return self.object_list[: SEARCH_COUNT_CAP + 1].count()

    @property
    def more(self) -> bool:
        """True when the count stopped at the cap: there are more matches than shown."""
        return self.capped and self.count > SEARCH_COUNT_CAP
