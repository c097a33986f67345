"""A throwaway PostgreSQL server for the test run (and the store benchmark).

Debian's PostgreSQL server package puts ``initdb`` and ``pg_ctl`` in
``/usr/lib/postgresql/<version>/bin``. ``PgCluster`` makes a cluster in a temporary folder,
starts it listening on a Unix socket only (no TCP port to collide with a real server), and
stops it and deletes the folder at the end. ``initdb`` refuses to run as root, so as root
every server command runs as the ``postgres`` user (``runuser``) in a folder that user owns.

The cluster trades durability for speed (``fsync=off``): it lives for one test run.
Tests share one migrated database that ``reset`` empties before each of them (deleting the
rows of every table and restarting the identity sequences takes about a millisecond, where
copying a template database took 600 ms).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PgCluster", "PgMissing", "find_bindir"]

INSTALL_HINT = (
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin; "
    "install them with `apt-get install postgresql` (Debian/Ubuntu), or point "
    "TOKENCOST_PG_BINDIR at the folder holding initdb"
)


class PgMissing(RuntimeError):
    """The PostgreSQL server binaries are not installed; the message says how to get them."""


def find_bindir() -> Path:
    """The folder with ``initdb`` and ``pg_ctl``: ``TOKENCOST_PG_BINDIR``, else the newest
    Debian install (15 preferred, the version CI machines have)."""
    configured = os.environ.get("TOKENCOST_PG_BINDIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path("/usr/lib/postgresql/15/bin"))
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        candidates += sorted(root.glob("*/bin"), reverse=True)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise PgMissing(INSTALL_HINT)


class PgCluster:
    """A running throwaway cluster; ``url`` reaches its ``postgres`` database."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self._as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="tokencost-pg-"))
        if self._as_root:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self.port = 5432  # the socket file's name only: there is no TCP listener
        self.user = "tokencost"
        self._fresh = 0
        self._start()

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              cwd=self.folder)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")

    def _start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust",
                  "--locale=C", "--encoding=UTF8", "--no-sync", "--no-instructions")  # fmt: skip
        options = (
            f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "-t", "60", "start")  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        """A libpq URL for ``database`` on this cluster (through the Unix socket)."""
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def fresh_database(self, prefix: str) -> str:
        """A new, empty database of its own (a server subprocess migrates it); its URL."""
        self._fresh += 1
        return self.create_database(f"{prefix}_{self._fresh}")

    def reset(self, name: str) -> None:
        """Empty every table of database ``name`` but its migration record, restart its ids,
        and end any connection a previous test left open (so no lock of its survives)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            tables = [row[0] for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_migrations'")]  # fmt: skip
            sequences = [row[0] for row in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]  # fmt: skip
            script = "".join(f"DELETE FROM {table};" for table in tables)
            script += "".join(f"SELECT setval('{seq}', 1, false);" for seq in sequences)
            conn.execute(f"BEGIN; {script} COMMIT;")

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
