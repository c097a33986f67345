"""Migrations m003 and m004: the workspace registry, ingest tokens, and a workspace on every row.

Before m004 one database held one workspace's data without saying whose. m004 gives every
row a ``team_id`` and an ``enterprise_id`` (``''`` when absent, see ``bot.store.workspace``):

- Rows that already named their team (queries, budgets, digests, subscriptions and seen events
  from Slack) keep it.
- Rows that did not (the usage ledger, FAQ misses and votes, CLI queries) go to *the legacy
  workspace*: the one team named anywhere in the old data or in Slack's installation tables,
  when there is exactly one (a single-workspace deployment: the team of its bot token). With
  none or several, they go to ``T_DEFAULT`` (``DEFAULT_WORKSPACE``); in single-workspace mode
  the first Slack request moves ``T_DEFAULT``'s rows to its team (``workspaces.adopt``).
- Every workspace found is entered in ``workspaces``.

Tables whose keys must now include the workspace (a channel's subscription, a digest claim, a
budget, an idempotency key, an FAQ vote) are rebuilt with explicit column lists; the others
get two added columns. Nothing is deleted. The ledger's ``user`` column becomes ``user_id``
(``user`` is reserved in PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from bot.store.workspace import DEFAULT_WORKSPACE

__all__ = ["M003_TABLES", "scope_rows_by_workspace"]

M003_TABLES = (
    """
    CREATE TABLE workspaces (
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        first_seen_utc TEXT NOT NULL,
        installed_utc TEXT,
        revoked_utc TEXT,
        revoked_reason TEXT,
        PRIMARY KEY (team_id, enterprise_id)
    )
    """,
    """
    CREATE TABLE ingest_tokens (
        id INTEGER PRIMARY KEY,
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        label TEXT,
        token_sha256 TEXT NOT NULL UNIQUE,
        token_hint TEXT NOT NULL,
        created_utc TEXT NOT NULL,
        revoked_utc TEXT
    )
    """,
    "CREATE INDEX idx_ingest_tokens_team ON ingest_tokens (team_id, enterprise_id)",
)

_USAGE = """
    CREATE TABLE usage_new (
        id INTEGER PRIMARY KEY,
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        event_key TEXT,
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
        user_id TEXT,
        source TEXT NOT NULL CHECK (source IN ('http', 'slack', 'cli', 'csv')),
        occurred_utc TEXT NOT NULL,
        recorded_utc TEXT NOT NULL,
        UNIQUE (team_id, enterprise_id, event_key)
    )
"""
_USAGE_COPY = """
    INSERT INTO usage_new (id, team_id, enterprise_id, event_key, model, provider, input_tokens,
        output_tokens, cached_input_tokens, cost_usd, cost_nanousd, input_per_mtok,
        output_per_mtok, cached_input_per_mtok, price_as_of, tag, user_id, source, occurred_utc,
        recorded_utc)
    SELECT id, :team_id, :enterprise_id, event_key, model, provider, input_tokens, output_tokens,
        cached_input_tokens, cost_usd, cost_nanousd, input_per_mtok, output_per_mtok,
        cached_input_per_mtok, price_as_of, tag, user, source, occurred_utc, recorded_utc
    FROM usage
"""
_BUDGETS = """
    CREATE TABLE budgets_new (
        id INTEGER PRIMARY KEY,
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        tag TEXT NOT NULL DEFAULT '',
        amount_usd TEXT NOT NULL,
        period TEXT NOT NULL CHECK (period IN ('day', 'week', 'month')),
        created_by TEXT,
        updated_utc TEXT NOT NULL,
        UNIQUE (team_id, enterprise_id, tag, period)
    )
"""
_BUDGETS_COPY = """
    INSERT INTO budgets_new (id, team_id, enterprise_id, tag, amount_usd, period, created_by,
        updated_utc)
    SELECT id, COALESCE(NULLIF(team_id, ''), :team_id), COALESCE(
            (SELECT enterprise_id FROM _m004_teams t WHERE t.team_id = budgets.team_id),
            CASE WHEN COALESCE(team_id, '') = '' THEN :enterprise_id ELSE '' END),
        tag, amount_usd, period, created_by, updated_utc
    FROM budgets
    -- A workspace budget kept under '' and the same budget under the legacy team: keep the
    -- newest (the UNIQUE key would otherwise refuse the copy).
    WHERE NOT EXISTS (SELECT 1 FROM budgets b2 WHERE COALESCE(budgets.team_id, '') = ''
        AND b2.team_id = :team_id AND b2.tag = budgets.tag AND b2.period = budgets.period)
"""
_BUDGET_ALERTS = """
    CREATE TABLE budget_alerts_new (
        budget_id INTEGER NOT NULL REFERENCES budgets_new (id) ON DELETE CASCADE,
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        threshold_pct INTEGER NOT NULL CHECK (threshold_pct > 0),
        sent_utc TEXT NOT NULL,
        PRIMARY KEY (budget_id, period_start, threshold_pct)
    )
"""
_BUDGET_ALERTS_COPY = """
    INSERT INTO budget_alerts_new (budget_id, team_id, enterprise_id, period_start,
        threshold_pct, sent_utc)
    SELECT a.budget_id, b.team_id, b.enterprise_id, a.period_start, a.threshold_pct, a.sent_utc
    FROM budget_alerts a JOIN budgets_new b ON b.id = a.budget_id
"""
_SUBSCRIPTIONS = """
    CREATE TABLE digest_subscriptions_new (
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        local_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_by TEXT,
        updated_utc TEXT NOT NULL,
        PRIMARY KEY (team_id, enterprise_id, channel_id)
    )
"""
_SUBSCRIPTIONS_COPY = """
    INSERT INTO digest_subscriptions_new (team_id, enterprise_id, channel_id, local_time,
        timezone, enabled, created_by, updated_utc)
    SELECT COALESCE(NULLIF(team_id, ''), :team_id), COALESCE(
            (SELECT enterprise_id FROM _m004_teams t WHERE t.team_id = s.team_id),
            CASE WHEN COALESCE(team_id, '') = '' THEN :enterprise_id ELSE '' END),
        channel_id, local_time, timezone, enabled, created_by, updated_utc
    FROM digest_subscriptions s
"""
_DIGESTS = """
    CREATE TABLE digests_new (
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        day TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed', 'skipped')),
        claimed_by TEXT,
        claimed_utc TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        posted_utc TEXT,
        message_ts TEXT,
        last_error TEXT,
        client_msg_id TEXT,
        PRIMARY KEY (team_id, enterprise_id, channel_id, day)
    )
"""
_DIGESTS_COPY = """
    INSERT INTO digests_new (team_id, enterprise_id, channel_id, day, status, claimed_by,
        claimed_utc, attempts, posted_utc, message_ts, last_error, client_msg_id)
    SELECT COALESCE(NULLIF(d.team_id, ''), s.team_id, :team_id),
        COALESCE(s.enterprise_id, CASE WHEN COALESCE(d.team_id, '') = '' THEN :enterprise_id
            ELSE '' END),
        d.channel_id, d.day, d.status, d.claimed_by, d.claimed_utc, d.attempts, d.posted_utc,
        d.message_ts, d.last_error, d.client_msg_id
    FROM digests d LEFT JOIN digest_subscriptions_new s ON s.channel_id = d.channel_id
"""
_FAQ_VOTES = """
    CREATE TABLE faq_votes_new (
        id INTEGER PRIMARY KEY,
        team_id TEXT NOT NULL,
        enterprise_id TEXT NOT NULL,
        created_utc TEXT NOT NULL,
        faq_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        UNIQUE (team_id, enterprise_id, faq_id, user_id)
    )
"""
_FAQ_VOTES_COPY = """
    INSERT INTO faq_votes_new (id, team_id, enterprise_id, created_utc, faq_id, user_id, helpful)
    SELECT id, :team_id, :enterprise_id, created_utc, faq_id, user_id, helpful FROM faq_votes
"""

_REBUILD = (
    ("usage", _USAGE, _USAGE_COPY),
    ("budgets", _BUDGETS, _BUDGETS_COPY),
    ("budget_alerts", _BUDGET_ALERTS, _BUDGET_ALERTS_COPY),
    ("digest_subscriptions", _SUBSCRIPTIONS, _SUBSCRIPTIONS_COPY),
    ("digests", _DIGESTS, _DIGESTS_COPY),
    ("faq_votes", _FAQ_VOTES, _FAQ_VOTES_COPY),
)

_ADD_COLUMNS = (
    "ALTER TABLE queries ADD COLUMN enterprise_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE faq_misses ADD COLUMN team_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE faq_misses ADD COLUMN enterprise_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE seen_events ADD COLUMN enterprise_id TEXT NOT NULL DEFAULT ''",
    "UPDATE faq_misses SET team_id = :team_id, enterprise_id = :enterprise_id",
    *(
        statement.format(table=table)
        for table in ("queries", "seen_events")
        for statement in (
            "UPDATE {table} SET team_id = :team_id WHERE COALESCE(team_id, '') = ''",
            "UPDATE {table} SET enterprise_id = COALESCE((SELECT enterprise_id FROM _m004_teams t"
            " WHERE t.team_id = {table}.team_id), CASE WHEN team_id = :team_id"
            " THEN :enterprise_id ELSE '' END)",
        )
    ),
)

_INDEXES = (
    "DROP INDEX idx_queries_created_utc",
    "DROP INDEX idx_queries_user_id",
    "DROP INDEX idx_faq_misses_created_utc",
    "CREATE INDEX idx_queries_team ON queries (team_id, enterprise_id, created_utc)",
    "CREATE INDEX idx_queries_user_id ON queries (team_id, enterprise_id, user_id, created_utc)",
    # Covering, as before m004 (see m002), now within one workspace's rows.
    "CREATE INDEX idx_usage_occurred_utc ON usage (team_id, enterprise_id, occurred_utc,"
    " cost_nanousd, input_tokens, output_tokens, model, tag)",
    "CREATE INDEX idx_usage_tag ON usage (team_id, enterprise_id, tag, occurred_utc)",
    "CREATE INDEX idx_usage_model ON usage (team_id, enterprise_id, model, occurred_utc)",
    "CREATE INDEX idx_faq_misses_created_utc ON faq_misses (team_id, enterprise_id, created_utc)",
)

_OWNED = ("usage", "budgets", "budget_alerts", "digest_subscriptions", "digests", "faq_votes",
          "queries", "faq_misses", "seen_events")  # fmt: skip


def _known_teams(db: Database) -> dict[str, str]:
    """Team ids named in the old data or in Slack's installation table, with their org ids."""
    teams: dict[str, str] = {}
    for table in ("queries", "budgets", "digest_subscriptions", "digests", "seen_events"):
        for row in db.query(f"SELECT DISTINCT team_id FROM {table} WHERE team_id <> ''"):
            teams.setdefault(row["team_id"], "")
    if "slack_bots" in db.table_names():  # Bolt's SQLite3InstallationStore, same file
        for row in db.query(
            "SELECT DISTINCT team_id, enterprise_id FROM slack_bots WHERE team_id IS NOT NULL"
        ):
            teams[row["team_id"]] = row["enterprise_id"] or ""
    return teams


def scope_rows_by_workspace(db: Database) -> None:
    """m004: add the workspace to every owned row (see the module docstring)."""
    teams = _known_teams(db)
    if len(teams) == 1:
        [(team_id, enterprise_id)] = teams.items()
    else:
        team_id, enterprise_id = DEFAULT_WORKSPACE.team_id, DEFAULT_WORKSPACE.enterprise_id
    params = {"team_id": team_id, "enterprise_id": enterprise_id}
    db.execute("CREATE TEMP TABLE _m004_teams (team_id TEXT PRIMARY KEY, enterprise_id TEXT)")
    for team, org in teams.items():
        db.execute("INSERT INTO _m004_teams VALUES (?, ?)", [team, org])
    for _table, create, copy in _REBUILD:
        db.execute(create)
        db.execute(copy, params)
    # Children first, so dropping a parent cascades into nothing; renaming budgets_new also
    # renames budget_alerts_new's reference to it (SQLite >= 3.26).
    for table in ("budget_alerts", "digests", "faq_votes", "usage", "budgets",
                  "digest_subscriptions"):  # fmt: skip
        db.execute(f"DROP TABLE {table}")
    for table, _, _ in _REBUILD:
        db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for statement in _ADD_COLUMNS:
        db.execute(statement, params if ":" in statement else [])
    for statement in _INDEXES:
        db.execute(statement)
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    for table in ("_m004_teams", *_OWNED):
        db.execute(
            "INSERT INTO workspaces (team_id, enterprise_id, first_seen_utc)"
            f" SELECT DISTINCT team_id, COALESCE(enterprise_id, ''), ? FROM {table}"
            " WHERE true ON CONFLICT (team_id, enterprise_id) DO NOTHING",
            [now],
        )
    db.execute("DROP TABLE _m004_teams")
