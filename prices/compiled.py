"""The compiled catalog: the validated `Catalog`, pickled once, reused while its inputs hold.

Reading and validating the ~885 models' YAML costs ~140 ms, most of a CLI answer's start
(issue 15); unpickling the result costs ~15 ms. The pickle is keyed by a BLAKE2 hash of
everything that shaped it: the Python version, the source of the `prices` package, and the
bytes of every data file and overrides file read. Any change there, and the catalog is read
and validated from the YAML again (and the pickle rewritten), so a cached catalog is always
exactly what validation produced from the files as they are now.

Where: `$TOKENCOST_CACHE_DIR`, else `$XDG_CACHE_HOME/tokencost`, else `~/.cache/tokencost`,
one file per name and per copy of the package on disk (`catalog-<tag>.pickle`), so two
checkouts or installs with different sources don't keep replacing each other's file;
`TOKENCOST_CACHE_DIR=""` turns it off. The folder is created private (0700), the file 0600,
written atomically; it is the user's own cache, trusted like their `.pyc` files. Any error
reading or writing it falls back to the YAML, silently: a cache never fails a command.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["cache_dir", "cache_key", "cached"]

T = TypeVar("T")

_PACKAGE = Path(__file__).parent
#: Which copy of the package this is: part of each cache file's name.
_COPY = hashlib.blake2b(str(_PACKAGE.resolve()).encode(), digest_size=4).hexdigest()
_HEADER_BYTES = 64  # a hex BLAKE2b-256 digest


def cache_dir() -> Path | None:
    """The folder for compiled catalogs, or None when caching is off."""
    configured = os.environ.get("TOKENCOST_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tokencost"


def cache_key(inputs: Iterable[Path]) -> str:
    """A hash of the Python version, the `prices` source and the bytes of `inputs`."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(sys.version.encode())
    for path in (*sorted(_PACKAGE.glob("*.py")), *inputs):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def cached(name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """`build()`'s result, from the cache file `name` when its key matches `inputs`."""
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        key = cache_key(inputs).encode()
    except OSError:  # an input vanished or is unreadable: let build() say so
        return build()
    path = folder / f"{name}-{_COPY}.pickle"
    try:
        with path.open("rb") as fh:
            if fh.read(_HEADER_BYTES) == key:
                value: T = pickle.load(fh)  # our own cache file, keyed by its content
                return value
    except Exception:  # absent, truncated, or from another version: rebuild it
        pass
    value = build()
    _write(path, key, value)
    return value


def _write(path: Path, key: bytes, value: object) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(key)
                _Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:  # read-only home, full disk: the YAML path still works
        return


class _Pickler(pickle.Pickler):
    """Dataclasses pickled as a call of their class with their fields, in order.

    Frozen slotted dataclasses unpickle through `dataclasses`' generic `__setstate__` by
    default (~29 ms for the catalog); calling the class is ~9 ms, and runs its checks again.
    Classes with a field that `__init__` does not take (or takes by keyword only) keep the
    default."""

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if not dataclasses.is_dataclass(cls) or isinstance(obj, type):
            return NotImplemented
        fields = dataclasses.fields(cls)
        if any(not f.init or f.kw_only for f in fields):
            return NotImplemented
        return cls, tuple(getattr(obj, f.name) for f in fields)
