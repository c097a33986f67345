"""The interactive Home tab through signed requests: views at 200 budgets and 100
subscriptions, paging, budget edit and delete, digest subscribe and stop, admin-only misses."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from slack_bolt import App

from bot.billing import BilledCost
from bot.render import home_modals as hm
from bot.render.home import (
    ACTION_BUDGET,
    ACTION_BUDGET_PAGE,
    ACTION_DIGEST,
    ACTION_DIGEST_CHANNEL,
    ACTION_DIGEST_SUBSCRIBE,
    ACTION_DIGEST_TIME,
    ACTION_DIGEST_ZONE,
)
from bot.runtime import Runtime
from bot.store.billing import record_sync, replace_billed_days
from bot.store.budgets import get_budget, list_budgets, set_budget
from bot.store.digests import get_subscription, pause_subscription, set_subscription
from bot.store.queries import record_faq_miss
from bot.store.workspace import Workspace
from tests.bot.slack_payloads import valid_view
from tests.bot.slack_requests import (
    dispatch,
    event_body,
    suggestion_body,
    view_action_body,
    view_submission_body,
)
from tests.fake_slack import FakeSlack

pytestmark = pytest.mark.both_backends  # the Home tab reads the store: SQLite and PostgreSQL

WS = Workspace("T123")
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
HOME: dict[str, Any] = {"type": "home", "blocks": []}


def _open_home(app: App, fake_slack: FakeSlack, event_id: str = "EvHome") -> dict[str, Any]:
    before = len(fake_slack.calls("views.publish"))
    event = {"type": "app_home_opened", "user": "U111", "channel": "D333", "tab": "home"}
    assert dispatch(app, event_body(event, event_id=event_id)).status == 200
    view: dict[str, Any] = fake_slack.wait_for("views.publish", before + 1)[-1].json_field("view")
    valid_view(view)
    return view


def _overflow(action_id: str, value: str) -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": "x"}, "value": value}
    return {"type": "overflow", "action_id": action_id, "selected_option": option}


def _published(fake_slack: FakeSlack, count: int) -> dict[str, Any]:
    view: dict[str, Any] = fake_slack.wait_for("views.publish", count)[-1].json_field("view")
    valid_view(view)
    return view


def test_home_is_valid_at_200_budgets_and_100_subscriptions_and_pages(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    db = runtime.db()
    for i in range(200):
        set_budget(db, WS, f"team-{i:03}", Decimal(100 + i), "month", "U1", NOW)
    for i in range(100):
        set_subscription(db, WS, f"C{i:08}", "09:00", "Europe/Berlin", "U1", NOW)
    pause_subscription(db, WS, "C00000000", "not_in_channel", NOW)
    for i in range(12):  # and an admin, with more missed questions than are shown
        record_faq_miss(db, WS, f"what is thing number {i} of the pricing zoo?", "U2", [],
                        runtime.clock())  # fmt: skip
    fake_slack.respond_with("users.info", {"ok": True, "user": {"id": "U111", "is_owner": True}})
    started = time.perf_counter()
    view = _open_home(app, fake_slack)
    elapsed = time.perf_counter() - started
    text = json.dumps(view)
    assert "Page 1 of 10 (200 budgets)" in text
    assert "paused: Slack says `not_in_channel`" in text
    assert "and 90 more channels" in text
    assert "Teach the FAQ" in text
    assert len(view["blocks"]) <= 100
    assert elapsed < 3  # measured ~0.1 s: budgets' spend is read for the shown page only
    nav = {"type": "button", "action_id": ACTION_BUDGET_PAGE + "_next", "value": "9"}
    dispatch(app, view_action_body(HOME, {}, nav, container="view"))
    last = _published(fake_slack, 2)
    assert "Page 10 of 10" in json.dumps(last)


def test_faq_misses_are_shown_to_admins_only_with_their_teach_buttons(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    for _ in range(3):
        record_faq_miss(runtime.db(), WS, "what does it cost for project borealis?", "U2", [],
                        runtime.clock())  # fmt: skip
    assert "batch discounts" not in json.dumps(_open_home(app, fake_slack))
    assert fake_slack.calls("users.info")[0].body["user"] == "U111"
    fake_slack.respond_with("users.info", {"ok": True, "user": {"id": "U111", "is_admin": True}})
    view = _open_home(app, fake_slack, event_id="EvHome2")
    text = json.dumps(view, ensure_ascii=False)
    assert "Teach the FAQ" in text and "what does it cost for project borealis?" in text


def test_budget_edit_opens_a_modal_and_saving_changes_the_budget(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    set_budget(runtime.db(), WS, "search", Decimal(500), "month", "U1", NOW)
    dispatch(app, view_action_body(HOME, {}, _overflow(ACTION_BUDGET, "edit:month:search")))
    opened = fake_slack.calls("views.open")
    assert len(opened) == 1 and opened[0].body["trigger_id"] == "123.456.abc"
    modal = opened[0].json_field("view")
    valid_view(modal)
    bad = {hm.BLOCK_AMOUNT: {"value": {"type": "plain_text_input", "value": "lots"}},
           hm.BLOCK_PERIOD: {"value": {"selected_option": {"value": "week"}}}}  # fmt: skip
    answer = json.loads(dispatch(app, view_submission_body(modal, bad)).body)
    assert answer["response_action"] == "errors" and hm.BLOCK_AMOUNT in answer["errors"]
    good = {**bad, hm.BLOCK_AMOUNT: {"value": {"type": "plain_text_input", "value": "$750"}}}
    response = dispatch(app, view_submission_body(modal, good))
    assert response.status == 200 and response.body == ""
    budgets = list_budgets(runtime.db(), WS)
    assert [(b.tag, b.amount_usd, b.period) for b in budgets] == [("search", Decimal(750), "week")]
    assert "Saved." in json.dumps(_published(fake_slack, 1))


def test_budget_delete_removes_it_and_says_so(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    set_budget(runtime.db(), WS, None, Decimal(500), "month", "U1", NOW)
    dispatch(app, view_action_body(HOME, {}, _overflow(ACTION_BUDGET, "delete:month:")))
    view = _published(fake_slack, 1)
    assert "Deleted the month budget for the workspace." in json.dumps(view)
    assert get_budget(runtime.db(), WS, None, "month") is None


def test_subscribe_from_home_checks_the_channel_and_stop_turns_it_off(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    zones = json.loads(dispatch(app, suggestion_body(ACTION_DIGEST_ZONE, "berlin",
                                                     view=HOME)).body)["options"]  # fmt: skip
    assert zones[0]["value"] == "Europe/Berlin"
    values = {"home_digest_new": {
        ACTION_DIGEST_CHANNEL: {"type": "conversations_select",
                                "selected_conversation": "C0777ABCD"},
        ACTION_DIGEST_TIME: {"type": "timepicker", "selected_time": "08:30"},
        ACTION_DIGEST_ZONE: {"type": "external_select", "selected_option": zones[0]},
    }}  # fmt: skip
    button = {"type": "button", "action_id": ACTION_DIGEST_SUBSCRIBE, "value": "subscribe"}
    dispatch(app, view_action_body(HOME, values, button))
    view = _published(fake_slack, 1)
    assert fake_slack.calls("conversations.info")[0].body["channel"] == "C0777ABCD"
    sub = get_subscription(runtime.db(), WS, "C0777ABCD")
    assert sub is not None and (sub.local_time, sub.timezone) == ("08:30", "Europe/Berlin")
    assert "C0777ABCD" in json.dumps(view)
    dispatch(app, view_action_body(HOME, {}, _overflow(ACTION_DIGEST, "edit:C0777ABCD")))
    modal = fake_slack.calls("views.open")[0].json_field("view")
    valid_view(modal)
    assert modal["callback_id"] == hm.DIGEST_MODAL
    dispatch(app, view_action_body(HOME, {}, _overflow(ACTION_DIGEST, "remove:C0777ABCD")))
    stopped = _published(fake_slack, 2)
    assert "no longer gets the digest" in json.dumps(stopped)
    sub = get_subscription(runtime.db(), WS, "C0777ABCD")
    assert sub is not None and not sub.enabled


def test_subscribe_without_a_channel_asks_for_one(app: App, fake_slack: FakeSlack) -> None:
    button = {"type": "button", "action_id": ACTION_DIGEST_SUBSCRIBE, "value": "subscribe"}
    dispatch(app, view_action_body(HOME, {}, button))
    assert "Choose a channel" in json.dumps(_published(fake_slack, 1))


def test_billed_month_to_date_shows_when_billing_has_synced(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    assert "Billed month to date" not in json.dumps(_open_home(app, fake_slack))
    now = runtime.clock()
    day = now.date()
    cost = BilledCost("openai", day, "gpt-4o, input", None, None, Decimal("12.3456"), True)
    month = [day.replace(day=n) for n in range(1, day.day + 1)]  # a sync covers the month
    replace_billed_days(runtime.db(), WS, "openai", month, [cost], now)
    record_sync(runtime.db(), WS, "openai", now, True, "synced 1 day")
    view = _open_home(app, fake_slack, event_id="EvHomeBilled")
    assert "*Billed month to date:* $12.35 _(providers' bills)_" in json.dumps(view)
