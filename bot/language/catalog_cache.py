"""A memo per catalog that lets an old catalog go when a price refresh swaps in a new one.

`functools.lru_cache` on a function of a catalog keeps every catalog it has seen alive until
its entries are evicted: with a refresh every few hours, a 1,000-entry cache would hold
several whole catalogs. `per_catalog(maxsize)` keeps a bounded memo for each catalog in a
`weakref.WeakKeyDictionary`: once no request holds an old catalog, it and its memo are freed.
The cached values must not refer back to the catalog (models, strings and tuples of them
don't).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Concatenate, Generic, ParamSpec, TypeVar

from prices import Catalog

__all__ = ["PerCatalog", "per_catalog"]

P = ParamSpec("P")
R = TypeVar("R")


class PerCatalog(Generic[P, R]):
    """`func(catalog, *args)`, remembered per catalog (at most `maxsize` results each)."""

    def __init__(self, func: Callable[Concatenate[Catalog, P], R], maxsize: int) -> None:
        self.__wrapped__ = func
        self.__doc__ = func.__doc__
        self._maxsize = maxsize
        self._memos: weakref.WeakKeyDictionary[Catalog, OrderedDict[Hashable, R]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def __call__(self, catalog: Catalog, *args: P.args, **kwargs: P.kwargs) -> R:
        key: Hashable = (args, tuple(sorted(kwargs.items())))
        with self._lock:
            memo = self._memos.get(catalog)
            if memo is None:
                memo = self._memos[catalog] = OrderedDict()
            elif key in memo:
                memo.move_to_end(key)
                return memo[key]
        value = self.__wrapped__(catalog, *args, **kwargs)
        with self._lock:
            memo[key] = value
            if len(memo) > self._maxsize:
                memo.popitem(last=False)
        return value

    def catalogs(self) -> int:
        """How many catalogs have a memo now (old ones leave once nothing holds them)."""
        with self._lock:
            return len(self._memos)

    def cache_clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._memos.clear()


def per_catalog(
    maxsize: int,
) -> Callable[[Callable[Concatenate[Catalog, P], R]], PerCatalog[P, R]]:
    """Decorator: memoize a function whose first argument is a `Catalog`, per catalog."""

    def wrap(func: Callable[Concatenate[Catalog, P], R]) -> PerCatalog[P, R]:
        return PerCatalog(func, maxsize)

    return wrap
