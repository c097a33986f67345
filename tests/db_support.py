"""Small store helpers for tests that run on both backends (``both_backends``)."""

from __future__ import annotations

from bot.store.database import Database

__all__ = ["count_rows"]


def count_rows(db: Database, table: str) -> int:
    """How many rows ``table`` holds (sqlite-utils' ``db[table].count``, on either backend)."""
    return int(next(db.query(f"SELECT COUNT(*) AS n FROM {table}"))["n"])
