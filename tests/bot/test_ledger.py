"""Pricing reported usage: field checks, the price in force at the event's time, batches."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.ledger.fields import EventProblems, UsageEvent, event_from_fields
from bot.ledger.pricing import UsageRefused, price_event, record_events
from bot.store.database import Database
from tests.bot.ledger_support import NOW, WS, ledger_catalog
from tests.db_support import count_rows

pytestmark = pytest.mark.both_backends

CATALOG = ledger_catalog()


def test_our_names_and_digit_strings_are_read() -> None:
    event = event_from_fields(
        {"model": "gpt-4o", "input_tokens": "1,000", "output_tokens": 500.0, "tag": "#search",
         "id": 42, "timestamp": "2026-11-02T10:00:00Z"},
        NOW,
    )  # fmt: skip
    assert event == UsageEvent(
        model="gpt-4o", occurred_utc=datetime(2026, 11, 2, 10, tzinfo=UTC), input_tokens=1000,
        output_tokens=500, tag="search", event_id="42",
    )  # fmt: skip


def test_opentelemetry_names_prefer_the_response_model_and_ignore_other_attributes() -> None:
    event = event_from_fields(
        {"gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06",
         "gen_ai.usage.input_tokens": 300, "gen_ai.usage.output_tokens": 20,
         "gen_ai.usage.cache_read.input_tokens": 100, "gen_ai.system": "openai"},
        NOW,
    )  # fmt: skip
    assert (event.model, event.input_tokens, event.output_tokens, event.cached_input_tokens) == (
        "gpt-4o-2024-08-06", 300, 20, 100,
    )  # fmt: skip
    assert event.occurred_utc == NOW


def test_every_field_problem_is_listed_at_once() -> None:
    with pytest.raises(EventProblems) as caught:
        event_from_fields(
            {"input_token": 5, "output_tokens": -1, "cached_input_tokens": 10,
             "input_tokens": 5, "timestamp": "2026-11-02 10:00"},
            NOW,
        )  # fmt: skip
    assert caught.value.problems == (
        "unknown field 'input_token'; did you mean input_tokens?",
        "model is required (or gen_ai.request.model)",
        "output_tokens can't be negative (-1)",
        "cached_input_tokens (10) is part of the prompt, so it can't exceed input_tokens (5)",
        "timestamp '2026-11-02 10:00' needs a timezone (Z or +01:00)",
    )


@pytest.mark.parametrize(
    ("given", "tokens"),
    [("1k", 1000), ("1.5k", 1500), ("2M", 2_000_000), ("1,200", 1200), ("1_200", 1200),
     (" 300 ", 300), (1000.0, 1000)],
)  # fmt: skip
def test_token_counts_take_the_number_forms_of_usage_add(given: object, tokens: int) -> None:
    assert event_from_fields({"model": "gpt-4o", "input_tokens": given}, NOW).input_tokens == tokens


@pytest.mark.parametrize("given", ["1.5", "1.000", "12abc", "1,2", "-1k"])
def test_token_counts_that_are_not_whole_numbers_are_refused(given: str) -> None:
    with pytest.raises(EventProblems) as caught:
        event_from_fields({"model": "gpt-4o", "input_tokens": given}, NOW)
    [problem] = caught.value.problems
    if given == "-1k":
        assert problem == "input_tokens can't be negative (-1,000)"
    else:
        assert problem == (
            f"input_tokens must be a whole number of tokens (like 1200, 1,200 or 1.5k), "
            f"not {given!r}"
        )


def test_a_bare_date_is_midnight_utc_and_a_bad_one_is_refused() -> None:
    event = event_from_fields({"model": "gpt-4o", "timestamp": " 2026-11-02 "}, NOW)
    assert event.occurred_utc == datetime(2026, 11, 2, tzinfo=UTC)
    with pytest.raises(EventProblems) as caught:
        event_from_fields({"model": "gpt-4o", "timestamp": "2026-13-01"}, NOW)
    assert caught.value.problems == (
        "timestamp '2026-13-01' is not an ISO 8601 time (like 2026-11-02T14:30:00Z, or "
        "2026-11-02 for midnight UTC)",
    )


def test_disagreeing_names_and_future_times_are_refused() -> None:
    with pytest.raises(EventProblems) as caught:
        event_from_fields(
            {"model": "gpt-4o", "input_tokens": 5, "gen_ai.usage.input_tokens": 6,
             "timestamp": "2026-12-01T00:00:00+00:00"},
            NOW,
        )  # fmt: skip
    assert caught.value.problems == (
        "input_tokens and gen_ai.usage.input_tokens disagree (5 vs 6)",
        "timestamp '2026-12-01T00:00:00+00:00' is in the future",
    )


def test_each_event_is_priced_at_the_price_in_force_at_its_own_time() -> None:
    before = UsageEvent("gpt-4o", datetime(2026, 10, 31, 23, tzinfo=UTC), 1_000_000, 100_000)
    after = UsageEvent("gpt-4o", datetime(2026, 11, 1, 1, tzinfo=UTC), 1_000_000, 100_000)
    old, new = price_event(CATALOG, before, "cli"), price_event(CATALOG, after, "cli")
    assert (old.cost_usd, old.input_per_mtok, old.output_per_mtok) == (
        Decimal("6.5"), Decimal(5), Decimal(15),
    )  # fmt: skip
    assert (new.cost_usd, new.input_per_mtok, new.output_per_mtok) == (
        Decimal("3.5"), Decimal("2.5"), Decimal(10),
    )  # fmt: skip
    assert (old.price_as_of, new.price_as_of) == (CATALOG.get("gpt-4o").checked,
                                                  datetime(2026, 11, 1).date())  # fmt: skip


def test_a_ledger_row_may_total_more_than_one_context_window() -> None:
    row = price_event(CATALOG, UsageEvent("gpt-4o", NOW, 120_000, 30_000), "slack")
    assert row.cost_usd == Decimal("0.6")


def test_cached_tokens_are_charged_at_the_cached_rate() -> None:
    row = price_event(CATALOG, UsageEvent("gpt-4o", NOW, 1_000_000, 0, 400_000), "http")
    assert row.cost_usd == Decimal("1.5") + Decimal("0.5")
    assert row.cached_input_per_mtok == Decimal("1.25")


def test_a_refused_batch_lists_every_problem_and_stores_nothing(db: Database) -> None:
    events = [
        UsageEvent("gpt-4o", NOW, 10, 10),
        UsageEvent("gpt-4oo", NOW, 10, 10),
        UsageEvent("gpt-3.5-turbo", NOW, 10, 10, cached_input_tokens=5),
    ]
    with pytest.raises(UsageRefused) as caught:
        record_events(db, WS, CATALOG, events, "http", NOW)
    assert [index for index, _ in caught.value.errors] == [1, 2]
    assert "Did you mean `gpt-4o`" in caught.value.errors[0][1]
    assert "no cached-input price" in caught.value.errors[1][1]
    assert count_rows(db, "usage") == 0


def test_a_repeated_id_is_stored_once(db: Database) -> None:
    event = UsageEvent("gpt-4o", NOW, 10, 10, event_id="abc")
    first, _ = record_events(db, WS, CATALOG, [event, event], "http", NOW)
    second, _ = record_events(db, WS, CATALOG, [event], "csv", NOW)
    assert (first.inserted, first.duplicates, second.inserted) == (1, 1, 0)
    assert count_rows(db, "usage") == 1
