"""The database file holds OAuth bot tokens and what people asked: it is created private."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.store.db import open_sqlite


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "tokencost.db"
    db = open_sqlite(path)
    try:
        db.execute("INSERT INTO seen_events (event_id, received_utc) VALUES ('e', 't')")
        db.conn.commit()
        assert _mode(path.parent) == 0o700
        assert _mode(path) == 0o600
        for extra in ("tokencost.db-wal", "tokencost.db-shm"):
            assert _mode(path.parent / extra) == 0o600, extra
    finally:
        db.close()


def test_an_existing_world_readable_database_is_narrowed(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    path = folder / "tokencost.db"
    path.touch()
    path.chmod(0o644)
    open_sqlite(path).close()
    assert _mode(path) == 0o600
    assert _mode(folder) == 0o755  # a folder we did not create is left as it was
