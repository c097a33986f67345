"""tokencost bot: the Slack app, the store, the digest and the CLI (the edges of the project)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _SqliteUtilsWithoutNumpy:
    """While `sqlite_utils.db` is being imported, numpy and pandas are not found.

    sqlite-utils imports both when they are installed (numpy comes with the `charts` extra),
    only to map their scalar types to columns; we never store numpy values. That import was
    ~50 ms of every `tokencost ask` (issue 15). Anything else importing numpy, before or after,
    gets it as usual: only the import made from inside a half-loaded `sqlite_utils.db` is
    refused, which sqlite-utils reads as "not installed".
    """

    @staticmethod
    def find_spec(
        name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name in ("numpy", "pandas"):
            loading = sys.modules.get("sqlite_utils.db")
            if loading is not None and not hasattr(loading, "Database"):
                raise ModuleNotFoundError(f"{name} is not used with sqlite-utils", name=name)
        return None


if not any(isinstance(f, _SqliteUtilsWithoutNumpy) for f in sys.meta_path):
    sys.meta_path.insert(0, _SqliteUtilsWithoutNumpy())
