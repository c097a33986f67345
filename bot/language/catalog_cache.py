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
from collections.abc import Callable, Hashable
from typing import Concatenate, Generic, ParamSpec, TypeVar

from prices import Catalog

__all__ = ["PerCatalog", "per_catalog"]

P = ParamSpec("P")
R = TypeVar("R")


class PerCatalog(Generic[P, R]):
    """`func(catalog, *args)`, remembered per catalog (at most `maxsize` results each, the
    oldest forgotten first)."""

    def __init__(self, func: Callable[Concatenate[Catalog, P], R], maxsize: int) -> None:
        self.__wrapped__ = func
        self.__doc__ = func.__doc__
        self._maxsize = maxsize
        self._memos: weakref.WeakKeyDictionary[Catalog, dict[Hashable, R]] = (
            weakref.WeakKeyDictionary()
        )
        # The catalog asked last and its memo, read as one tuple: the fast path takes no lock
        # (nearly every call is for the catalog in use now).
        self._last: tuple[weakref.ref[Catalog], dict[Hashable, R]] | None = None
        self._lock = threading.Lock()

    def _memo(self, catalog: Catalog) -> dict[Hashable, R]:
        last = self._last
        if last is not None and last[0]() is catalog:
            return last[1]
        with self._lock:
            memo = self._memos.get(catalog)
            if memo is None:
                memo = self._memos[catalog] = {}
            self._last = (weakref.ref(catalog), memo)
            return memo

    def __call__(self, catalog: Catalog, *args: P.args, **kwargs: P.kwargs) -> R:
        key: Hashable = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        memo = self._memo(catalog)
        try:
            return memo[key]
        except KeyError:
            pass
        value = self.__wrapped__(catalog, *args, **kwargs)
        with self._lock:
            memo[key] = value
            while len(memo) > self._maxsize:
                del memo[next(iter(memo))]
        return value

    def catalogs(self) -> int:
        """How many catalogs have a memo now (old ones leave once nothing holds them)."""
        with self._lock:
            return len(self._memos)

    def cache_clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._memos.clear()
            self._last = None


def per_catalog(
    maxsize: int,
) -> Callable[[Callable[Concatenate[Catalog, P], R]], PerCatalog[P, R]]:
    """Decorator: memoize a function whose first argument is a `Catalog`, per catalog."""

    def wrap(func: Callable[Concatenate[Catalog, P], R]) -> PerCatalog[P, R]:
        return PerCatalog(func, maxsize)

    return wrap
