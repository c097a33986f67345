"""PostgreSQL migrations: processes starting together migrate a fresh database once."""

from __future__ import annotations

import threading

from bot.store.db import open_db
from bot.store.pg_migrations import PG_MIGRATIONS
from tests.pg_cluster import PgCluster


def test_four_processes_starting_at_once_migrate_a_fresh_database_once(
    pg_cluster: PgCluster,
) -> None:
    url = pg_cluster.fresh_database("race")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait(timeout=10)
            open_db(url).close()  # what web and clock do at start
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db = open_db(url)
    try:
        names = [row["name"] for row in db.query("SELECT name FROM schema_migrations ORDER BY 1")]
        assert names == sorted(name for name, _ in PG_MIGRATIONS)
        assert db.backend == "postgresql"
    finally:
        db.close()


def test_placeholders_are_rewritten_outside_quoted_text_only() -> None:
    from bot.store.pg import to_pyformat

    sql = "SELECT '?' || x, a % 2, ':no', \"q?\" FROM t WHERE a = ? AND b = :name AND c::text = ?"
    assert to_pyformat(sql) == (
        "SELECT '?' || x, a %% 2, ':no', \"q?\" FROM t WHERE a = %s AND b = %(name)s"
        " AND c::text = %s"
    )
