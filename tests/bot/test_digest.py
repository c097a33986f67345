"""Building and rendering the digest from a seeded ledger; time is injected, never patched."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.digest.build import build_digest
from bot.digest.render import render_digest, sparkline
from bot.ledger.fields import UsageEvent
from bot.ledger.pricing import record_events
from bot.store.db import Database
from bot.store.queries import record_faq_miss
from tests.bot.ledger_support import NOW, WS, ledger_catalog, seed_ledger

pytestmark = pytest.mark.both_backends

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 2)
CATALOG = ledger_catalog()

EXPECTED_TEXT = """\
LLM spend digest for Mon 2 Nov 2026 (Europe/Berlin)
Spend: $10.34 across 3 reported calls (3.1M input, 710k output tokens); +762% vs the 7-day \
average ($1.20).
Top models: gpt-4o $10.00 (97%), gpt-4o-mini $0.27 (2.6%), gpt-3.5-turbo $0.065 (0.6%)
Top tags: #search $10.00 (97%), #support $0.27 (2.6%), untagged $0.065 (0.6%)
Month to date: $10.61; forecast for November: $159.08 at the daily rate so far.
Budgets: workspace $100.00/month: $10.61 (11%); #search $12.00/month: $10.27 (86%, over 80%).
Last 14 days: ▂▂▂▂▂▂▂▂▆▂▂▂▂█ (20 Oct to 2 Nov; peak $10.34 on 2 Nov)
Estimates asked: 4 by 2 people; most asked: gpt-4o (2), gpt-4o-mini (1).
Questions the FAQ could not answer: "why is <o1> so pricey & slow?"
Price changes: gpt-4o from 1 Nov: input $5.00 → $2.50, output $15.00 → $10.00 per MTok.
Costs are estimates at list prices from tokencost's price table, for the usage teams reported; \
your provider's invoice is the bill."""


def test_digest_text_snapshot(db: Database) -> None:
    seed_ledger(db, CATALOG)
    digest = build_digest(db, WS, CATALOG, MONDAY, BERLIN, NOW)
    assert digest is not None
    text, _ = render_digest(digest)
    assert text == EXPECTED_TEXT


def test_digest_figures_are_exact(db: Database) -> None:
    seed_ledger(db, CATALOG)
    digest = build_digest(db, WS, CATALOG, MONDAY, BERLIN, NOW)
    assert digest is not None
    assert digest.spend.cost_usd == Decimal("10.335")
    assert digest.month_to_date_usd == Decimal("10.605")
    assert digest.average_usd == Decimal("8.39") / 7
    assert (digest.daily[0].day, len(digest.daily)) == (date(2026, 10, 20), 14)
    assert [s.spent_usd for s in digest.budgets] == [Decimal("10.605"), Decimal("10.27")]


def test_blocks_stay_within_slack_limits_and_escape_user_text(db: Database) -> None:
    seed_ledger(db, CATALOG)
    events = [UsageEvent("gpt-4o-mini", datetime(2026, 11, 2, 12, tzinfo=UTC), 10, 10,
                         tag=f"team-{n}") for n in range(8)]  # fmt: skip
    record_events(db, WS, CATALOG, events, "http", NOW)
    for n in range(7):
        record_faq_miss(db, WS, f"question {n} " + "very long " * 100, None, [],
                        datetime(2026, 11, 2, 11, n, tzinfo=UTC))  # fmt: skip
    digest = build_digest(db, WS, CATALOG, MONDAY, BERLIN, NOW)
    assert digest is not None
    text, blocks = render_digest(digest)
    assert len(blocks) <= 50
    assert not [b for b in blocks if b["type"] == "table"]
    assert len(blocks[0]["text"]["text"]) <= 150
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections)
    assert "+6 more" in text  # 11 tags, 5 shown
    assert "(+3 more)" in text  # 8 questions, 5 shown
    assert "&lt;o1&gt; so pricey &amp; slow?" not in "".join(sections)  # shown only if newest
    assert "<o1>" not in "".join(sections)
    assert "estimates" in blocks[-1]["elements"][0]["text"]


def test_a_day_with_nothing_to_report_is_none(db: Database) -> None:
    assert build_digest(db, WS, CATALOG, MONDAY, BERLIN, NOW) is None
    seed_ledger(db, CATALOG)
    assert build_digest(db, WS, CATALOG, date(2026, 10, 10), BERLIN, NOW) is None


def test_berlin_days_end_at_berlin_midnight(db: Database) -> None:
    seed_ledger(db, CATALOG)
    tuesday = build_digest(db, WS, CATALOG, date(2026, 11, 3), BERLIN,
                           datetime(2026, 11, 4, 8, tzinfo=UTC))  # fmt: skip
    assert tuesday is not None
    assert tuesday.spend.cost_usd == Decimal("2.5")  # the 00:30 Berlin call, gpt-4o 1M input


def test_sparkline_scales_to_the_peak_and_keeps_zero_lowest() -> None:
    assert sparkline([Decimal(0), Decimal(1), Decimal(4), Decimal(8)]) == "▁▂▅█"
    assert sparkline([Decimal(0), Decimal(0)]) == "▁▁"
    assert sparkline([Decimal("0.001"), Decimal(1000)]) == "▂█"
