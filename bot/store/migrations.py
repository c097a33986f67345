"""Numbered schema migrations for the tokencost SQLite store.

Every migration is a function named ``mNNN_verb_noun`` registered, in order, on the
``sqlite_utils.Migrations("tokencost")`` set below. :func:`apply` runs the pending ones at start;
sqlite-utils records each applied name in ``_sqlite_migrations`` together with the migration's
changes, in one transaction, so re-running is a no-op and a failed migration leaves nothing behind.

Rules for adding one: append a new function with the next number; never edit or reorder an
applied migration. Tables are plural and carry units in column names (``cost_usd``,
``duration_ms``, ``created_utc``). Money is stored as a TEXT decimal string (exact, for display)
plus, in the ledger, an integer ``cost_nanousd`` used for SQL sums (see ``bot.store.usage``).
Timestamps are ISO 8601 UTC text of one fixed width (``bot.store.db.format_utc``), so they sort and
compare as strings.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from bot.store.billing_schema import M006_SQLITE
from bot.store.migrate_faq_learning import M007_SQLITE
from bot.store.migrate_workspaces import M003_TABLES, scope_rows_by_workspace
from bot.store.migrations_prices import M009_SQLITE

__all__ = ["MIGRATIONS", "apply"]

MIGRATIONS = Migrations("tokencost")
"""The tokencost migration set, in order."""


def _run(db: Database, statements: tuple[str, ...]) -> None:
    # One statement at a time through db.execute(): the migration already runs inside
    # db.atomic(), and sqlite3's executescript() would COMMIT it halfway.
    for statement in statements:
        db.execute(statement)


_M001_TABLES = (
    """
    CREATE TABLE queries (
        id INTEGER PRIMARY KEY,
        created_utc TEXT NOT NULL,
        team_id TEXT,
        channel_id TEXT,
        user_id TEXT,
        surface TEXT NOT NULL,
        kind TEXT NOT NULL,
        model TEXT,
        input_tokens INTEGER CHECK (input_tokens IS NULL OR input_tokens >= 0),
        output_tokens INTEGER CHECK (output_tokens IS NULL OR output_tokens >= 0),
        requests INTEGER CHECK (requests IS NULL OR requests >= 0),
        cost_usd TEXT,
        duration_ms INTEGER,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'bug')),
        error TEXT,
        text_chars INTEGER,
        text_sha256 TEXT,
        count_tokens INTEGER
    )
    """,
    """
    CREATE TABLE usage (
        id INTEGER PRIMARY KEY,
        event_key TEXT UNIQUE,
        model TEXT NOT NULL CHECK (model <> ''),
        provider TEXT,
        input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
        output_tokens INTEGER NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
        cached_input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cached_input_tokens >= 0),
        cost_usd TEXT NOT NULL,
        cost_nanousd INTEGER NOT NULL CHECK (cost_nanousd >= 0),
        input_per_mtok TEXT,
        output_per_mtok TEXT,
        cached_input_per_mtok TEXT,
        price_as_of TEXT,
        tag TEXT,
        user TEXT,
        source TEXT NOT NULL CHECK (source IN ('http', 'slack', 'cli', 'csv')),
        occurred_utc TEXT NOT NULL,
        recorded_utc TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE digests (
        channel_id TEXT NOT NULL,
        team_id TEXT,
        day TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed', 'skipped')),
        claimed_by TEXT,
        claimed_utc TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        posted_utc TEXT,
        message_ts TEXT,
        last_error TEXT,
        client_msg_id TEXT,
        PRIMARY KEY (channel_id, day)
    )
    """,
    """
    CREATE TABLE digest_subscriptions (
        channel_id TEXT PRIMARY KEY,
        team_id TEXT,
        local_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_by TEXT,
        updated_utc TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE budgets (
        id INTEGER PRIMARY KEY,
        team_id TEXT NOT NULL DEFAULT '',
        tag TEXT NOT NULL DEFAULT '',
        amount_usd TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('day', 'week', 'month')),
        created_by TEXT,
        updated_utc TEXT NOT NULL,
        UNIQUE (team_id, tag, period)
    )
    """,
    """
    CREATE TABLE budget_alerts (
        budget_id INTEGER NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
        period_start TEXT NOT NULL,
        threshold_pct INTEGER NOT NULL CHECK (threshold_pct > 0),
        sent_utc TEXT NOT NULL,
        PRIMARY KEY (budget_id, period_start, threshold_pct)
    )
    """,
    """
    CREATE TABLE faq_misses (
        id INTEGER PRIMARY KEY,
        created_utc TEXT NOT NULL,
        question TEXT NOT NULL,
        user_id TEXT,
        suggestions TEXT NOT NULL DEFAULT '[]'
    )
    """,
    """
    CREATE TABLE faq_votes (
        id INTEGER PRIMARY KEY,
        created_utc TEXT NOT NULL,
        faq_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        UNIQUE (faq_id, user_id)
    )
    """,
    """
    CREATE TABLE seen_events (
        event_id TEXT PRIMARY KEY,
        team_id TEXT,
        received_utc TEXT NOT NULL
    )
    """,
)


@MIGRATIONS()
def m001_create_tables(db: Database) -> None:
    """Create every table with its keys and constraints (indexes come in m002)."""
    _run(db, _M001_TABLES)


_M002_INDEXES = (
    "CREATE INDEX idx_queries_created_utc ON queries (created_utc)",
    "CREATE INDEX idx_queries_user_id ON queries (user_id, created_utc)",
    # Covering: window sums and per-model/tag groups read only the index, never the table
    # (about 9x faster over 1M rows than an index on occurred_utc alone).
    "CREATE INDEX idx_usage_occurred_utc ON usage"
    " (occurred_utc, cost_nanousd, input_tokens, output_tokens, model, tag)",
    "CREATE INDEX idx_usage_tag ON usage (tag, occurred_utc)",
    "CREATE INDEX idx_usage_model ON usage (model, occurred_utc)",
    "CREATE INDEX idx_faq_misses_created_utc ON faq_misses (created_utc)",
    "CREATE INDEX idx_seen_events_received_utc ON seen_events (received_utc)",
)


@MIGRATIONS()
def m002_create_indexes(db: Database) -> None:
    """Add the indexes the App Home, the digest and the pruning queries range-scan on."""
    _run(db, _M002_INDEXES)


@MIGRATIONS()
def m003_create_workspaces(db: Database) -> None:
    """Add the workspace registry and the per-workspace ``POST /usage`` tokens (hashed)."""
    _run(db, M003_TABLES)


@MIGRATIONS()
def m004_scope_rows_by_workspace(db: Database) -> None:
    """Give every row a workspace, moving unowned rows to the legacy workspace (no row lost)."""
    scope_rows_by_workspace(db)


_M005_DELIVERY = (
    # A digest attempt that may still land (a timeout) or was rate-limited waits until then.
    "ALTER TABLE digests ADD COLUMN not_before_utc TEXT",
    # A channel the bot cannot post to (not_in_channel, channel_not_found, is_archived) is
    # paused with the reason, for App Home, until `digest on` is typed there again.
    "ALTER TABLE digest_subscriptions ADD COLUMN paused_reason TEXT",
    "ALTER TABLE digest_subscriptions ADD COLUMN paused_utc TEXT",
)


@MIGRATIONS()
def m005_add_delivery_state(db: Database) -> None:
    """Add the retry gate of a digest and the pause reason of a subscription (issue 11)."""
    _run(db, _M005_DELIVERY)


@MIGRATIONS()
def m006_add_billing(db: Database) -> None:
    """Add billed spend, billed days, admin keys, sync outcomes and billed budgets (issue 16)."""
    _run(db, M006_SQLITE)


@MIGRATIONS()
def m007_create_faq_learning(db: Database) -> None:
    """Add what a workspace teaches its FAQ: phrasings, own entries, dismissed misses (issue 18)."""
    _run(db, M007_SQLITE)


# m008 belongs to another change in flight; migrations are applied by name, in this order,
# so a database that has m009 and later gets m008 simply applies m008 then.


@MIGRATIONS()
def m009_store_price_feed(db: Database) -> None:
    """Keep the live catalog's price changes and last refresh in the database (global rows)."""
    _run(db, M009_SQLITE)


def apply(db: Database, *, stop_before: str | None = None) -> list[str]:
    """Apply the pending migrations and return their names (empty when up to date).

    ``stop_before`` names a migration to stop at; tests use it to build an earlier schema.
    """
    # BEGIN IMMEDIATE takes the write lock before reading what is pending, so the web process
    # and the clock starting together on a fresh file migrate it once; each migration runs in
    # a savepoint inside it (db.atomic() nests). No migration may need to run outside a
    # transaction (VACUUM): give it transactional=False and run it separately.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        pending = [m.name for m in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db, stop_before=stop_before)
        applied = {m.name for m in MIGRATIONS.applied(db)}
    except BaseException:
        db.rollback()
        raise
    db.conn.execute("COMMIT")
    return [name for name in pending if name in applied]
