"""Per-workspace bearer tokens for ``POST /usage``: created from the CLI, shown once, stored
hashed, listed and revoked.

A token is ``tcu_`` followed by 32 random bytes (256 bits, ``secrets.token_urlsafe``). Only
its sha256 is stored, plus a short hint (its first characters) so people can tell tokens apart
in ``ingest-token list``. A plain sha256 is the right hash here, not argon2 or bcrypt: those
are slow on purpose to protect *guessable* secrets (passwords) from brute force, and a
256-bit random token cannot be guessed however fast the hash is. A fast, unsalted hash also
lets a request find its token with one indexed lookup, where a salted slow hash would have to
be verified against every stored token on every request (tens of milliseconds each: a
denial-of-service lever on an unauthenticated route).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.database import Database
from bot.store.db import StoreError, format_utc, parse_utc
from bot.store.workspace import SCOPE, Workspace

__all__ = [
    "TOKEN_PREFIX",
    "IngestToken",
    "create_ingest_token",
    "find_ingest_workspace",
    "has_ingest_tokens",
    "list_ingest_tokens",
    "revoke_ingest_token",
]

TOKEN_PREFIX = "tcu_"
"""Every ingest token starts with this, so a leaked one is recognisable (secret scanners)."""
_HINT_CHARS = 8


@dataclass(frozen=True)
class IngestToken:
    """A stored ingest token (never the token itself)."""

    id: int
    workspace: Workspace
    label: str | None
    hint: str
    """The token's first characters, e.g. ``tcu_AbC1``."""
    created_utc: datetime
    revoked_utc: datetime | None


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _token(row: dict[str, Any]) -> IngestToken:
    revoked = row["revoked_utc"]
    return IngestToken(
        id=row["id"],
        workspace=Workspace(row["team_id"], row["enterprise_id"]),
        label=row["label"],
        hint=row["token_hint"],
        created_utc=parse_utc(row["created_utc"]),
        revoked_utc=None if revoked is None else parse_utc(revoked),
    )


def create_ingest_token(
    db: Database, ws: Workspace, label: str | None, now: datetime
) -> tuple[IngestToken, str]:
    """Create a token for ``ws``; return its record and the token, which is never stored.

    Raises ``StoreError`` for a label over 100 characters.
    """
    label = _label(label)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    rows = db.query(
        "INSERT INTO ingest_tokens (team_id, enterprise_id, label, token_sha256, token_hint,"
        " created_utc) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
        [*ws.params(), label, _sha256(token), token[: len(TOKEN_PREFIX) + _HINT_CHARS],
         format_utc(now)],
    )  # fmt: skip
    return _token(next(rows)), token


def list_ingest_tokens(db: Database, ws: Workspace) -> list[IngestToken]:
    """A workspace's tokens, revoked ones included, oldest first."""
    rows = db.query(f"SELECT * FROM ingest_tokens WHERE {SCOPE} ORDER BY id", ws.params())
    return [_token(row) for row in rows]


def revoke_ingest_token(db: Database, ws: Workspace, token_id: int, now: datetime) -> bool:
    """Revoke one of ``ws``'s tokens by id; False if it has no such live token."""
    cursor = db.execute(
        f"UPDATE ingest_tokens SET revoked_utc = ? WHERE {SCOPE} AND id = ?"
        " AND revoked_utc IS NULL",
        [format_utc(now), *ws.params(), token_id],
    )
    return cursor.rowcount == 1


def find_ingest_workspace(db: Database, token: str) -> Workspace | None:
    """The workspace a presented token belongs to, or None (unknown or revoked).

    The lookup is by hash, so no stored value is compared with what the client sent.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    rows = list(
        db.query(
            "SELECT team_id, enterprise_id FROM ingest_tokens WHERE token_sha256 = ?"
            " AND revoked_utc IS NULL",
            [_sha256(token)],
        )
    )
    return Workspace(rows[0]["team_id"], rows[0]["enterprise_id"]) if rows else None


def has_ingest_tokens(db: Database) -> bool:
    """Whether any live ingest token exists (else ``POST /usage`` is off without the env one)."""
    return bool(list(db.query("SELECT 1 FROM ingest_tokens WHERE revoked_utc IS NULL LIMIT 1")))


def _label(label: str | None) -> str | None:
    """A label as stored: trimmed, at most 100 characters; raises ``StoreError`` when longer."""
    if label is None or not label.strip():
        return None
    if len(label.strip()) > 100:
        raise StoreError("A token label is at most 100 characters.")
    return label.strip()
