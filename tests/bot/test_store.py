"""Store round trips, idempotent all-or-nothing ledger writes, and exactly-once digest claims."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.store.budgets import (
    claim_budget_alert,
    delete_budget,
    list_budgets,
    period_window,
    set_budget,
)
from bot.store.db import (
    Database,
    StoreError,
    decimal_text,
    format_utc,
    from_nanousd,
    mark_event_seen,
    open_db,
    parse_utc,
    prune_seen_events,
    text_fingerprint,
    to_nanousd,
)
from bot.store.digests import (
    DigestClaim,
    claim_digest,
    disable_subscription,
    due_digests,
    get_digest,
    get_subscription,
    list_subscriptions,
    mark_digest_failed,
    mark_digest_posted,
    mark_digest_skipped,
    set_subscription,
)
from bot.store.queries import (
    QueryRecord,
    faq_vote_tallies,
    query_activity,
    recent_faq_misses,
    recent_queries,
    record_faq_miss,
    record_faq_vote,
    record_query,
)
from bot.store.usage import (
    UsageRejected,
    UsageRow,
    daily_spend,
    insert_usage,
    month_to_date,
    spend_by_model,
    spend_by_tag,
    spend_total,
)
from bot.store.workspace import Workspace
from tests.db_support import count_rows

pytestmark = pytest.mark.both_backends

NOW = datetime(2025, 6, 15, 9, 30, tzinfo=UTC)
DAY = date(2025, 6, 14)

WS = Workspace("T1")
"""The workspace these tests read and write."""


def _usage(key: str | None, cost: str, at: datetime = NOW, **fields: object) -> UsageRow:
    values: dict[str, object] = {"model": "gpt-4o", "input_tokens": 1000, "output_tokens": 500}
    values.update(fields)
    return UsageRow(event_key=key, cost_usd=Decimal(cost), occurred_utc=at, **values)  # type: ignore[arg-type]


# -- codecs ----------------------------------------------------------------------------------


def test_time_text_is_fixed_width_utc_and_round_trips() -> None:
    berlin = datetime(2025, 6, 15, 11, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert format_utc(berlin) == "2025-06-15T09:30:00.000000+00:00"
    assert parse_utc(format_utc(berlin)) == berlin
    with pytest.raises(ValueError, match="naive"):
        format_utc(datetime(2025, 6, 15))


def test_money_codecs_are_exact() -> None:
    assert decimal_text(Decimal("1E-7")) == "0.0000001"
    assert decimal_text(Decimal("2.50")) == "2.5"
    assert to_nanousd(Decimal("0.0075")) == 7_500_000
    assert from_nanousd(7_500_000) == Decimal("0.0075")
    assert to_nanousd(Decimal("0.0000000015")) == 2  # half-even below a nano-dollar


# -- query log -------------------------------------------------------------------------------


def test_query_round_trip_and_recent_order(db: Database) -> None:
    chars, digest = text_fingerprint("secret pasted text")
    first = QueryRecord(
        created_utc=NOW,
        surface="command",
        kind="count",
        user_id="U1",
        model="gpt-4o",
        text_chars=chars,
        text_sha256=digest,
        count_tokens=4,
        cost_usd=Decimal("0.00001"),
        duration_ms=12,
        workspace=WS,
    )
    first_id = record_query(db, first)
    later = NOW + timedelta(seconds=1)
    record_query(db, QueryRecord(later, "dm", "estimate", workspace=WS, user_id="U2"))
    later += timedelta(seconds=1)
    record_query(db, QueryRecord(later, "cli", "help", workspace=WS, user_id="U1"))

    mine = recent_queries(db, WS, user_id="U1")
    assert [q.kind for q in mine] == ["help", "count"]
    assert mine[1] == QueryRecord(**{**first.__dict__, "id": first_id})
    assert "secret" not in str(list(db.query("SELECT * FROM queries")))
    assert [q.kind for q in recent_queries(db, WS, since=NOW + timedelta(seconds=1))] == [
        "help",
        "estimate",
    ]
    assert len(recent_queries(db, WS, limit=1)) == 1


def test_query_log_refuses_unknown_kinds(db: Database) -> None:
    with pytest.raises(StoreError, match="unknown kind 'guess'"):
        record_query(db, QueryRecord(NOW, "command", "guess", workspace=WS))


def test_query_activity_counts_people_and_models(db: Database) -> None:
    for user, model in [
        ("U1", "gpt-4o"),
        ("U2", "gpt-4o"),
        ("U1", "claude-sonnet-4"),
        ("U3", None),
    ]:
        record_query(
            db, QueryRecord(NOW, "command", "estimate", workspace=WS, user_id=user, model=model)
        )
    activity = query_activity(db, WS, NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    assert activity.queries == 4
    assert activity.people == 3
    assert activity.top_models == (("gpt-4o", 2), ("claude-sonnet-4", 1))


def test_faq_misses_and_votes(db: Database) -> None:
    record_faq_miss(db, WS, "what is a token?", "U1", ["tokens-101"], NOW)
    (miss,) = recent_faq_misses(db, WS, since=NOW)
    assert (miss.question, miss.suggestions) == ("what is a token?", ("tokens-101",))
    record_faq_vote(db, WS, "why-output", "U1", helpful=True, now=NOW)
    record_faq_vote(db, WS, "why-output", "U1", helpful=False, now=NOW)  # replaces the first
    record_faq_vote(db, WS, "why-output", "U2", helpful=False, now=NOW)
    (tally,) = faq_vote_tallies(db, WS)
    assert (tally.faq_id, tally.helpful, tally.not_helpful) == ("why-output", 0, 2)


# -- seen events -----------------------------------------------------------------------------


def test_seen_events_dedupe_and_prune(db: Database) -> None:
    assert mark_event_seen(db, WS, "Ev1", NOW) is True
    assert mark_event_seen(db, WS, "Ev1", NOW + timedelta(minutes=5)) is False
    assert mark_event_seen(db, WS, "Ev2", NOW + timedelta(minutes=30)) is True
    assert prune_seen_events(db, NOW + timedelta(minutes=61)) == 1
    assert mark_event_seen(db, WS, "Ev1", NOW + timedelta(minutes=62)) is True
    assert mark_event_seen(db, WS, "Ev2", NOW + timedelta(minutes=62)) is False


# -- usage ledger ----------------------------------------------------------------------------


def test_usage_round_trip_keeps_the_price_it_was_charged(db: Database) -> None:
    row = _usage(
        "a",
        "0.0075",
        provider="openai",
        cached_input_tokens=200,
        input_per_mtok=Decimal("2.50"),
        output_per_mtok=Decimal("10"),
        cached_input_per_mtok=Decimal("1.25"),
        price_as_of=date(2025, 6, 1),
        tag="search",
        user="U1",
        source="slack",
    )
    assert insert_usage(db, WS, [row], NOW).inserted == 1
    stored = next(db.query("SELECT * FROM usage"))
    assert stored["cost_usd"] == "0.0075"
    assert stored["cost_nanousd"] == 7_500_000
    assert (stored["input_per_mtok"], stored["price_as_of"]) == ("2.5", "2025-06-01")
    assert stored["occurred_utc"] == format_utc(NOW)


def test_usage_insert_is_idempotent_on_event_key(db: Database) -> None:
    first = insert_usage(db, WS, [_usage("a", "1"), _usage("b", "2"), _usage(None, "3")], NOW)
    assert (first.inserted, first.duplicates) == (3, 0)
    again = insert_usage(db, WS, [_usage("a", "1"), _usage("c", "4"), _usage("c", "4")], NOW)
    assert (again.inserted, again.duplicates) == (1, 2)
    assert spend_total(db, WS, NOW, NOW + timedelta(seconds=1)).cost_usd == Decimal("10")


def test_usage_batch_lists_every_problem_and_stores_nothing(db: Database) -> None:
    rows = [_usage("a", "1"), _usage("b", "1", input_tokens=-5), _usage("c", "-1", model="")]
    with pytest.raises(UsageRejected) as caught:
        insert_usage(db, WS, rows, NOW)
    assert caught.value.problems == (
        "row 2: input_tokens must not be negative",
        "row 3: model is required",
        "row 3: cost_usd must be a non-negative amount",
    )
    assert count_rows(db, "usage") == 0


@pytest.fixture
def refuse_boom(db: Database) -> Iterator[None]:
    """A real constraint inside the database, past the Python checks: model 'boom' is refused
    (on PostgreSQL as a check violation; dropped after, as the test database is shared)."""
    if db.backend == "sqlite":
        db.execute(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON usage WHEN NEW.model = 'boom'"
            " BEGIN SELECT RAISE(ABORT, 'boom refused'); END"
        )
        yield
        return
    db.execute(
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.model = 'boom' THEN RAISE EXCEPTION 'boom refused' USING ERRCODE ="
        " 'check_violation'; END IF; RETURN NEW; END $$"
    )
    db.execute("CREATE TRIGGER refuse_boom BEFORE INSERT ON usage FOR EACH ROW"
               " EXECUTE FUNCTION refuse_boom()")  # fmt: skip
    try:
        yield
    finally:
        db.execute("DROP TRIGGER refuse_boom ON usage")
        db.execute("DROP FUNCTION refuse_boom()")


@pytest.mark.usefixtures("refuse_boom")
def test_usage_batch_rolls_back_when_the_database_refuses_a_middle_row(db: Database) -> None:
    # Prove the transaction is one unit.
    rows = [_usage("a", "1"), _usage("b", "1", model="boom"), _usage("c", "1")]
    with pytest.raises(UsageRejected, match="row 2: rejected by the ledger"):
        insert_usage(db, WS, rows, NOW)
    assert count_rows(db, "usage") == 0
    assert insert_usage(db, WS, [rows[0], rows[2]], NOW).inserted == 2


def test_spend_aggregates_sum_exactly_per_day_model_and_tag(db: Database) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    rows = [
        # 23:30 UTC on the 13th is already the 14th in Berlin
        _usage("1", "0.1", at=datetime(2025, 6, 13, 23, 30, tzinfo=UTC), tag="search"),
        _usage("2", "0.2", at=datetime(2025, 6, 14, 12, 0, tzinfo=UTC), model="gpt-4o-mini"),
        _usage("3", "0.0000375", at=datetime(2025, 6, 14, 13, 0, tzinfo=UTC), tag="search"),
        _usage("4", "5", at=datetime(2025, 5, 31, 12, 0, tzinfo=UTC)),
    ]
    insert_usage(db, WS, rows, NOW)
    days = daily_spend(db, WS, date(2025, 6, 12), date(2025, 6, 14), tz=berlin)
    assert [(d.day, d.cost_usd, d.rows) for d in days] == [
        (date(2025, 6, 12), Decimal(0), 0),
        (date(2025, 6, 13), Decimal(0), 0),
        (date(2025, 6, 14), Decimal("0.3000375"), 3),
    ]
    assert daily_spend(db, WS, DAY, DAY, tag="search")[0].cost_usd == Decimal("0.0000375")
    start, end = datetime(2025, 6, 1, tzinfo=UTC), NOW
    by_model = spend_by_model(db, WS, start, end)
    assert [(g.key, g.cost_usd) for g in by_model] == [
        ("gpt-4o-mini", Decimal("0.2")),
        ("gpt-4o", Decimal("0.1000375")),
    ]
    assert [(g.key, g.cost_usd) for g in spend_by_tag(db, WS, start, end)] == [
        (None, Decimal("0.2")),
        ("search", Decimal("0.1000375")),
    ]
    assert month_to_date(db, WS, NOW).cost_usd == Decimal("0.3000375")
    assert month_to_date(db, WS, NOW, tag="search").rows == 2
    assert spend_total(db, WS, datetime(2025, 5, 1, tzinfo=UTC), NOW).input_tokens == 4000


# -- budgets ---------------------------------------------------------------------------------


def test_budgets_upsert_list_and_delete(db: Database) -> None:
    first = set_budget(db, WS, None, Decimal("500"), "month", "U1", NOW)
    again = set_budget(db, WS, "", Decimal("650.50"), "month", "U2", NOW)
    assert again.id == first.id
    assert (again.tag, again.amount_usd, again.created_by) == ("", Decimal("650.5"), "U2")
    set_budget(db, WS, "search", Decimal("20"), "day", "U1", NOW)
    assert [(b.tag, b.period) for b in list_budgets(db, WS)] == [
        ("", "month"),
        ("search", "day"),
    ]
    with pytest.raises(StoreError, match="period"):
        set_budget(db, WS, None, Decimal("1"), "year", "U1", NOW)
    with pytest.raises(StoreError, match="positive"):
        set_budget(db, WS, None, Decimal("0"), "day", "U1", NOW)
    assert delete_budget(db, WS, "search", "day") is True
    assert delete_budget(db, WS, "search", "day") is False


def test_budget_alert_is_claimed_once_per_period_and_threshold(db: Database) -> None:
    budget = set_budget(db, WS, None, Decimal("100"), "month", "U1", NOW)
    start, _ = period_window("month", NOW)
    assert claim_budget_alert(db, WS, budget.id, start.date(), 80, NOW) is True
    assert claim_budget_alert(db, WS, budget.id, start.date(), 80, NOW) is False
    assert claim_budget_alert(db, WS, budget.id, start.date(), 100, NOW) is True
    assert claim_budget_alert(db, WS, budget.id, date(2025, 7, 1), 80, NOW) is True


def test_period_windows_follow_local_calendar() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert period_window("week", NOW, berlin) == (
        datetime(2025, 6, 9, tzinfo=berlin),
        datetime(2025, 6, 16, tzinfo=berlin),
    )
    assert period_window("month", datetime(2025, 12, 31, 23, 0, tzinfo=UTC), berlin) == (
        datetime(2026, 1, 1, tzinfo=berlin),
        datetime(2026, 2, 1, tzinfo=berlin),
    )


# -- digest subscriptions --------------------------------------------------------------------


def test_subscriptions_round_trip_and_validate(db: Database) -> None:
    sub = set_subscription(db, WS, "C1", "09:00", "Europe/Berlin", "U1", NOW)
    assert (sub.local_time, sub.timezone, sub.enabled) == ("09:00", "Europe/Berlin", True)
    assert disable_subscription(db, WS, "C1", NOW) is True
    assert disable_subscription(db, WS, "C1", NOW) is False
    assert list_subscriptions(db, WS) == []
    assert get_subscription(db, WS, "C1") is not None
    assert set_subscription(db, WS, "C1", "08:15", "UTC", "U1", NOW).enabled is True
    with pytest.raises(StoreError, match="HH:MM"):
        set_subscription(db, WS, "C2", "9am", "UTC", "U1", NOW)
    with pytest.raises(StoreError, match="timezone"):
        set_subscription(db, WS, "C2", "09:00", "Mars/Olympus", "U1", NOW)


def test_due_digests_wait_for_local_time_and_report_yesterday(db: Database) -> None:
    set_subscription(db, WS, "C1", "09:00", "Europe/Berlin", "U1", NOW)  # 11:30 there: due
    set_subscription(db, WS, "C2", "09:00", "America/New_York", "U1", NOW)  # 05:30: not yet
    due = due_digests(db, WS, NOW)
    assert [(d.subscription.channel_id, d.day) for d in due] == [("C1", DAY)]
    claim = claim_digest(db, WS, "C1", DAY, "clock-a", NOW)
    assert claim is not None
    assert due_digests(db, WS, NOW) == []
    mark_digest_posted(db, claim, "1700000000.000001", NOW)
    assert due_digests(db, WS, NOW + timedelta(hours=1)) == []


# -- digest claims ---------------------------------------------------------------------------


def test_claim_then_post_is_final(db: Database) -> None:
    claim = claim_digest(db, WS, "C1", DAY, "clock-a", NOW)
    assert claim == DigestClaim(WS, "C1", DAY, "clock-a", 1, claim.client_msg_id if claim else "")
    assert claim_digest(db, WS, "C1", DAY, "clock-b", NOW) is None  # lease is fresh
    assert mark_digest_posted(db, claim, "1700000000.000001", NOW) is True
    later = NOW + timedelta(days=2)
    assert claim_digest(db, WS, "C1", DAY, "clock-b", later) is None  # posted: never again
    record = get_digest(db, WS, "C1", DAY)
    assert record is not None
    assert (record.status, record.message_ts, record.attempts) == (
        "posted",
        "1700000000.000001",
        1,
    )


def test_stale_lease_is_reclaimed_and_the_old_holder_cannot_finish(db: Database) -> None:
    old = claim_digest(db, WS, "C1", DAY, "clock-a", NOW)
    assert old is not None
    assert claim_digest(db, WS, "C1", DAY, "clock-b", NOW + timedelta(minutes=9)) is None
    new = claim_digest(db, WS, "C1", DAY, "clock-b", NOW + timedelta(minutes=11))
    assert new is not None
    assert (new.attempts, new.client_msg_id) == (2, old.client_msg_id)
    assert mark_digest_posted(db, old, "1.1", NOW) is False
    assert mark_digest_posted(db, new, "1.2", NOW) is True


def test_failed_digest_is_retried_on_the_next_tick_up_to_a_limit(db: Database) -> None:
    tick = NOW
    for attempt in range(1, 4):
        claim = claim_digest(db, WS, "C1", DAY, "clock-a", tick, max_attempts=3)
        assert claim is not None
        assert claim.attempts == attempt
        assert mark_digest_failed(db, claim, "ratelimited") is True
        tick += timedelta(minutes=1)
    assert claim_digest(db, WS, "C1", DAY, "clock-a", tick, max_attempts=3) is None
    record = get_digest(db, WS, "C1", DAY)
    assert record is not None
    assert (record.status, record.last_error) == ("failed", "ratelimited")


def test_skipped_digest_is_never_claimed_again(db: Database) -> None:
    claim = claim_digest(db, WS, "C1", DAY, "clock-a", NOW)
    assert claim is not None
    assert mark_digest_skipped(db, claim, "nothing to report", NOW) is True
    assert claim_digest(db, WS, "C1", DAY, "clock-a", NOW + timedelta(days=1)) is None


def test_two_clocks_racing_on_one_database_claim_exactly_once(
    db: Database, database: str | Path
) -> None:
    days = [DAY - timedelta(days=n) for n in range(20)]
    wins: dict[str, list[date]] = {"clock-a": [], "clock-b": []}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def clock(name: str) -> None:
        conn = open_db(database)  # its own connection, as a second process would have
        try:
            for day in days:
                barrier.wait(timeout=5)
                if claim_digest(conn, WS, "C1", day, name, NOW) is not None:
                    wins[name].append(day)
        except BaseException as exc:  # surfaced below: a thread must not swallow failures
            errors.append(exc)
            barrier.abort()
        finally:
            conn.close()

    threads = [threading.Thread(target=clock, args=(name,)) for name in wins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(wins["clock-a"] + wins["clock-b"]) == sorted(days)
    assert count_rows(db, "digests") == len(days)


def test_racing_batches_with_the_same_keys_in_opposite_orders_store_each_once(
    db: Database, database: str | Path
) -> None:
    # PostgreSQL deadlocked 20 times in 20 on this before batches were sorted by key.
    keys = [f"k{n:04d}" for n in range(300)]
    inserted: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(order: list[str]) -> None:
        conn = open_db(database)
        try:
            barrier.wait(timeout=5)
            result = insert_usage(conn, WS, [_usage(key, "1") for key in order], NOW)
            inserted.append(result.inserted)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(order,))
               for order in (keys, keys[::-1])]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(inserted) == len(keys)
    assert count_rows(db, "usage") == len(keys)
