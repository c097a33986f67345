"""The ingestion fast paths (issue 15) give exactly what the general paths give.

- ``_usual_event`` (fields of the usual shape) against ``_checked_event`` (every shape).
- ``price_events`` (one pricing context per model) against ``price_event`` per event.
- The INSERT parameters built in one loop: what the store holds is what ``format_utc``,
  ``decimal_text`` and ``to_nanousd`` say, and a refused row still refuses the whole batch.
- ``execute_many`` (one ``unnest`` statement on PostgreSQL): the rows' order, the count
  stored, and statements of any other shape.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prices
from bot.ledger.fields import (
    FIELDS,
    EventProblems,
    UsageEvent,
    _checked_event,
    _usual_event,
    event_from_fields,
)
from bot.ledger.pricing import price_event, price_events, record_events
from bot.store.database import Database
from bot.store.db import decimal_text, format_utc, to_nanousd
from bot.store.usage import _INSERT_USAGE, UsageRejected, UsageRow, _usage_params, insert_usage
from tests.bot.ledger_support import NOW, WS, ledger_catalog
from tests.db_support import count_rows

CATALOG = ledger_catalog()

_TEXTS = st.one_of(
    st.sampled_from(["gpt-4o", " gpt-4o-mini ", "", "   ", "#team", "##", "x" * 200, "x" * 201,
                     " " + "y" * 200 + " ", "1,200", "1.5k", "-3", "search-team"]),
    st.text(max_size=12),
)  # fmt: skip
_TIMES = st.sampled_from([
    "2026-11-02T10:00:00Z", "2026-11-02T10:00:00+00:00", "2026-11-02T10:00:00.123456+02:00",
    " 2026-11-02T10:00:00Z ", "2026-11-02T10:00:00", "2026-11-02", "2026-11-05T10:00:00Z",
    "2026-11-03T20:00:00Z", "2026-13-02T10:00:00Z", "yesterday", "", "2026-11-02 10:00:00Z",
])  # fmt: skip
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-5, max_value=3_000),
    st.sampled_from([10**12, 10**13, 2.0, 2.5, float("nan")]), _TEXTS, _TIMES,
    st.lists(st.integers(), max_size=1),
)  # fmt: skip
_NAMES = st.sampled_from([*FIELDS, "input_token", "gen_ai.request.model",
                          "gen_ai.usage.input_tokens", "gen_ai.system", "colour"])  # fmt: skip


_COUNTS = st.one_of(st.integers(min_value=-2, max_value=5_000), st.none(), st.just("12"))
_LIKELY = st.fixed_dictionaries(
    {"model": st.sampled_from(["gpt-4o", " gpt-4o-mini", "", 7])},
    optional={"input_tokens": _COUNTS, "output_tokens": _COUNTS, "cached_input_tokens": _COUNTS,
              "timestamp": _TIMES, "tag": _TEXTS, "user": _TEXTS, "id": _TEXTS},
)  # fmt: skip
"""Mostly our names with plausible values: the shapes the fast path takes."""


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.dictionaries(_NAMES, _VALUES, max_size=9), _LIKELY))
def test_the_usual_shape_path_agrees_with_the_general_checks(fields: dict[str, Any]) -> None:
    usual = _usual_event(fields, NOW)
    try:
        checked: UsageEvent | None = _checked_event(fields, NOW)
    except EventProblems:
        checked = None
    if usual is not None:
        assert usual == checked
        assert type(usual.occurred_utc) is datetime and usual.occurred_utc.tzinfo is not None


def test_the_usual_shapes_take_the_fast_path() -> None:
    usual: list[dict[str, object]] = [
        {"model": "gpt-4o", "input_tokens": 1200, "output_tokens": 300},
        {"model": "gpt-4o", "input_tokens": 1200, "cached_input_tokens": 1000, "id": "e-1",
         "tag": "#search", "user": "U1", "timestamp": "2026-11-02T10:00:00Z"},
        {"model": "gpt-4o-mini", "timestamp": "2026-11-02T10:00:00.5+01:00", "tag": None},
    ]  # fmt: skip
    for fields in usual:
        event = _usual_event(fields, NOW)
        assert event is not None
        assert event == _checked_event(fields, NOW) == event_from_fields(fields, NOW)
    assert _usual_event({"model": "gpt-4o", "tag": "#search"}, NOW) == UsageEvent(
        "gpt-4o", NOW, tag="search"
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"model": "gpt-4o", "input_tokens": -1}, "input_tokens can't be negative (-1)"),
        ({"model": "gpt-4o", "input_token": 5}, "unknown field 'input_token'; did you mean"),
        ({"model": "gpt-4o", "timestamp": "2026-11-09T00:00:00Z"}, "is in the future"),
        ({"model": "gpt-4o", "timestamp": "2026-11-02T10:00:00"}, "needs a timezone"),
        ({"model": " "}, "model is required"),
        ({"model": "gpt-4o", "id": "x" * 201}, "id is longer than 200 characters"),
        ({"model": "gpt-4o", "input_tokens": 5, "cached_input_tokens": 6}, "can't exceed"),
    ],
)
def test_what_the_fast_path_turns_down_is_still_worded(
    fields: dict[str, Any], problem: str
) -> None:
    assert _usual_event(fields, NOW) is None
    with pytest.raises(EventProblems) as refused:
        event_from_fields(fields, NOW)
    assert problem in str(refused.value)


def test_a_batch_prices_each_event_as_it_would_be_priced_alone() -> None:
    before, after = datetime(2026, 10, 31, 23, tzinfo=UTC), datetime(2026, 11, 1, 1, tzinfo=UTC)
    berlin = timezone(timedelta(hours=1))
    events = [
        UsageEvent("gpt-4o", before, 1_000_000, 100_000, event_id="a"),
        UsageEvent("gpt-4o", after, 1_000_000, 100_000, 400_000, tag="t", user="U1"),
        UsageEvent("gpt-4o-mini", after.astimezone(berlin), 5, 7, event_id="b"),
        UsageEvent("gpt-4o", NOW, 120_000, 30_000),
    ]
    batch = price_events(CATALOG, events, "http")
    alone = [price_event(CATALOG, event, "http") for event in events]
    assert list(batch.rows) == alone
    assert batch.rows[0].cost_usd != batch.rows[1].cost_usd  # the price change is honoured
    assert batch.rows[2].occurred_utc.tzinfo is UTC
    assert batch.cost_usd == sum((row.cost_usd for row in alone), Decimal(0))


_DEFAULT = prices.default_catalog()
_PRICED = ["gpt-4o", "gpt-4o-mini", "o3", "claude-sonnet-4-6", "gpt-5.6-sol", "deepseek-chat"]
"""Flat prices, a price change, long-context tiers, daily windows (DeepSeek's off-peak)."""


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_PRICED),
    st.integers(min_value=0, max_value=1_500_000),
    st.integers(min_value=0, max_value=200_000),
    st.integers(min_value=0, max_value=100),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 1),
                 timezones=st.just(UTC)),
)  # fmt: skip
def test_a_ledger_row_costs_what_the_estimate_says(
    name: str, input_tokens: int, output_tokens: int, cached_percent: int, at: datetime
) -> None:
    model = _DEFAULT.get(name)
    cached = 0 if cached_percent < 50 else input_tokens * cached_percent // 100
    if cached and model.prices_at(at).cached_input_per_mtok is None:
        cached = 0
    event = UsageEvent(name, at, input_tokens, output_tokens, cached)
    row = price_events(_DEFAULT, [event], "http").rows[0]
    unbounded = dataclasses.replace(model, context_window=None, max_output_tokens=None)
    expected = prices.estimate(unbounded, input_tokens, output_tokens, cached, at=at)
    assert row.cost_usd == expected.total
    assert str(row.cost_usd) == str(expected.total)  # the same digits, not only the same value
    assert (row.input_per_mtok, row.output_per_mtok) == (
        expected.rates.input_per_mtok,
        expected.rates.output_per_mtok,
    )
    assert row.cached_input_per_mtok == (expected.rates.cached_input_per_mtok if cached else None)


@pytest.mark.parametrize("name", _PRICED)
@pytest.mark.parametrize("input_tokens", [0, 1_234, 250_000, 1_200_000])
def test_usage_of_the_last_minute_costs_what_the_estimate_says(
    name: str, input_tokens: int
) -> None:
    # Inside the span of prices held for now: the path that skips building an Estimate.
    at = datetime.now(UTC) - timedelta(minutes=1)
    model = _DEFAULT.get(name)
    row = price_events(_DEFAULT, [UsageEvent(name, at, input_tokens, 777)], "http").rows[0]
    unbounded = dataclasses.replace(model, context_window=None, max_output_tokens=None)
    expected = prices.estimate(unbounded, input_tokens, 777, at=at)
    assert (str(row.cost_usd), row.input_per_mtok, row.output_per_mtok) == (
        str(expected.total),
        expected.rates.input_per_mtok,
        expected.rates.output_per_mtok,
    )


@pytest.mark.both_backends
def test_stored_text_is_what_the_codecs_say(db: Database) -> None:
    berlin = timezone(timedelta(hours=1))
    times = [datetime(2026, 11, 2, 10, tzinfo=UTC), datetime(2026, 11, 2, 10, 0, 0, 1, UTC),
             datetime(2026, 11, 2, 11, 30, tzinfo=berlin)]  # fmt: skip
    events = [UsageEvent("gpt-4o", at, 1_234_567, 89, 1_000, event_id=f"k{n}")
              for n, at in enumerate(times)]  # fmt: skip
    result, batch = record_events(db, WS, CATALOG, events, "http", NOW)
    assert result.inserted == 3
    stored = {row["event_key"]: row for row in db.query("SELECT * FROM usage")}
    for row in batch.rows:
        held = stored[row.event_key]
        assert held["occurred_utc"] == format_utc(row.occurred_utc)
        assert held["cost_usd"] == decimal_text(row.cost_usd)
        assert held["cost_nanousd"] == to_nanousd(row.cost_usd)
        assert held["input_per_mtok"] == decimal_text(row.input_per_mtok)  # type: ignore[arg-type]
        assert held["cached_input_per_mtok"] == decimal_text(row.cached_input_per_mtok)  # type: ignore[arg-type]
        assert held["price_as_of"] == row.price_as_of.isoformat()  # type: ignore[union-attr]
        assert held["recorded_utc"] == format_utc(NOW)
    assert stored["k1"]["occurred_utc"] == "2026-11-02T10:00:00.000001+00:00"
    assert stored["k2"]["occurred_utc"] == "2026-11-02T10:30:00.000000+00:00"


@pytest.mark.both_backends
def test_a_row_against_the_rules_refuses_the_batch_by_its_own_number(db: Database) -> None:
    good = UsageRow("gpt-4o", Decimal("0.5"), NOW, 10, event_key="z")
    bad = UsageRow("gpt-4o", Decimal("0.5"), NOW, -1, event_key="a")  # sorted first to insert
    naive = UsageRow("gpt-4o", Decimal("0.5"), datetime(2026, 11, 2), 1)
    with pytest.raises(UsageRejected) as refused:
        insert_usage(db, WS, [good, bad, naive], NOW)
    assert refused.value.problems == (
        "row 2: input_tokens must not be negative",
        "row 3: the timestamp needs a timezone",
    )
    assert count_rows(db, "usage") == 0
    assert insert_usage(db, WS, [good], NOW).inserted == 1


@pytest.mark.both_backends
def test_execute_many_keeps_the_rows_order_counts_what_it_stored_and_takes_any_insert(
    db: Database,
) -> None:
    rows = [UsageRow("gpt-4o", Decimal("0.25"), NOW, 10, event_key=key, tag=None, user=None)
            for key in ("c", "a", "b", "a")]  # fmt: skip
    params = [_usage_params(WS, row, format_utc(NOW)) for row in rows]
    assert db.execute_many(_INSERT_USAGE, params) == 3  # the repeated "a" is skipped
    assert db.execute_many(_INSERT_USAGE, params[:1]) == 0
    assert db.execute_many(_INSERT_USAGE, []) == 0
    stored = [row["event_key"] for row in db.query("SELECT event_key FROM usage ORDER BY id")]
    assert stored == ["c", "a", "b"]
    # Not a plain INSERT ... VALUES (?, ...): run once per row, as before.
    seen = ("INSERT INTO seen_events (event_id, team_id, enterprise_id, received_utc)"
            " VALUES (lower(?), ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")  # fmt: skip
    assert db.execute_many(seen, [("EV1", "T1", "", "x"), ("ev1", "T1", "", "y")]) == 1
    assert [row["event_id"] for row in db.query("SELECT event_id FROM seen_events")] == ["ev1"]
    # DO UPDATE may touch a row twice in one batch: still one statement per row.
    update = ("INSERT INTO seen_events (event_id, team_id, enterprise_id, received_utc)"
              " VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE"
              " SET received_utc = excluded.received_utc")  # fmt: skip
    assert db.execute_many(update, [("ev2", "T1", "", "a"), ("ev2", "T1", "", "b")]) == 2
    held = next(db.query("SELECT received_utc FROM seen_events WHERE event_id = 'ev2'"))
    assert held["received_utc"] == "b"


def test_nano_dollars_round_half_even_at_the_ninth_decimal() -> None:
    """`to_nanousd` scales, then rounds to a whole number: the same as quantizing to 1e-9
    half-even first, on ties, tiny and large amounts (an exact int either way)."""
    import random
    from decimal import ROUND_HALF_EVEN
    from decimal import Decimal as D

    from bot.store.db import to_nanousd

    rng = random.Random(15)
    amounts = [D("0.0000000005"), D("0.0000000015"), D("0.0000000025"), D("-0.0000000025"),
               D("123456.0000000004999"), D("999999999.9999999995"), D(0), D("1E-12")]  # fmt: skip
    amounts += [D(rng.randint(0, 10**15)) / D(10) ** rng.randint(0, 14) for _ in range(2000)]
    for amount in amounts:
        expected = int(amount.quantize(D("1e-9"), rounding=ROUND_HALF_EVEN).scaleb(9))
        assert to_nanousd(amount) == expected, amount
