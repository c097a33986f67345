"""The fake provider server keeps the documented rules, so tests against it mean something."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.fake_providers import (
    ANTHROPIC_ADMIN_KEY,
    OPENAI_ADMIN_KEY,
    FakeProviders,
)

OPENAI_AUTH = {"Authorization": f"Bearer {OPENAI_ADMIN_KEY}"}
ANTHROPIC_AUTH = {"x-api-key": ANTHROPIC_ADMIN_KEY, "anthropic-version": "2023-06-01"}
NOV_1 = "1793491200"  # 2026-11-01T00:00Z
NOV_4 = "1793750400"


def _get(url: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode()


def _openai(fake: FakeProviders, query: list[tuple[str, str]]) -> tuple[int, Any]:
    status, text = _get(f"{fake.openai_url}/organization/costs?{urlencode(query)}", OPENAI_AUTH)
    return status, json.loads(text, parse_float=Decimal)


def _anthropic(
    fake: FakeProviders, query: list[tuple[str, str]], **headers: str
) -> tuple[int, Any]:
    url = f"{fake.anthropic_url}/v1/organizations/cost_report?{urlencode(query)}"
    status, text = _get(url, {**ANTHROPIC_AUTH, **headers})
    return status, json.loads(text)


def test_openai_amounts_go_out_as_the_exact_json_text_seeded(fake: FakeProviders) -> None:
    fake.add_openai_cost(date(2026, 11, 1), "0E-6176", line_item="a")
    status, text = _get(
        f"{fake.openai_url}/organization/costs?start_time={NOV_1}&end_time={NOV_4}"
        "&group_by=line_item",
        OPENAI_AUTH,
    )
    assert status == 200
    assert '"value": 0E-6176' in text  # a JSON number, not a string and not 0.0


def test_openai_groups_by_either_array_form_and_aggregates_otherwise(fake: FakeProviders) -> None:
    fake.add_openai_cost(date(2026, 11, 1), "0.1", line_item="a", project_id="p1")
    fake.add_openai_cost(date(2026, 11, 1), "0.2", line_item="b", project_id="p1")
    base = [("start_time", NOV_1), ("end_time", NOV_4)]

    _, ungrouped = _openai(fake, base)
    _, brackets = _openai(fake, [*base, ("group_by[]", "line_item")])
    _, repeated = _openai(fake, [*base, ("group_by", "line_item"), ("group_by", "project_id")])

    (total,) = ungrouped["data"][0]["results"]
    assert total["amount"]["value"] == Decimal("0.3") and total["line_item"] is None
    assert [r["line_item"] for r in brackets["data"][0]["results"]] == ["a", "b"]
    assert {r["project_id"] for r in repeated["data"][0]["results"]} == {"p1"}
    assert [len(b["results"]) for b in ungrouped["data"]] == [1, 0, 0]  # empty days are buckets


@pytest.mark.parametrize(
    "query",
    [
        [("end_time", NOV_4)],  # start_time is required
        [("start_time", NOV_1), ("bucket_width", "1h")],  # costs only allow 1d
        [("start_time", NOV_1), ("limit", "181")],
        [("start_time", NOV_1), ("group_by", "model")],  # costs have no model group
        [("start_time", NOV_1), ("page", "not-a-cursor")],
    ],
)
def test_openai_refuses_what_the_reference_refuses(
    fake: FakeProviders, query: list[tuple[str, str]]
) -> None:
    status, body = _openai(fake, query)
    assert status == 400 and body["error"]["type"] == "invalid_request_error"


def test_a_cursor_replayed_with_another_query_is_refused(fake: FakeProviders) -> None:
    query = [("start_time", NOV_1), ("end_time", NOV_4), ("limit", "1")]
    _, first = _openai(fake, query)
    assert first["has_more"] is True
    status, _ = _openai(fake, [*query[:2], ("limit", "2"), ("page", first["next_page"])])
    assert status == 400
    status, second = _openai(fake, [*query, ("page", first["next_page"])])
    assert status == 200 and second["data"][0]["start_time"] == int(NOV_1) + 86400


def test_anthropic_refuses_a_misaligned_ending_at(fake: FakeProviders) -> None:
    query = [("starting_at", "2026-11-01T00:00:00Z"), ("ending_at", "2026-11-03T23:59:59Z")]
    status, body = _anthropic(fake, query)
    assert status == 400
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"


def test_anthropic_snaps_starting_at_and_fills_description_fields(fake: FakeProviders) -> None:
    fake.add_anthropic_cost(date(2026, 11, 1), "41280.000000", description="X", model="m")
    query = [
        ("starting_at", "2026-11-01T13:45:00Z"),
        ("ending_at", "2026-11-03T00:00:00Z"),
        ("group_by[]", "description"),
    ]
    status, body = _anthropic(fake, query)
    assert status == 200
    assert [b["starting_at"] for b in body["data"]] == [
        "2026-11-01T00:00:00Z",
        "2026-11-02T00:00:00Z",
    ]
    (row,) = body["data"][0]["results"]
    assert row == {
        "amount": "41280.000000",
        "currency": "USD",
        "workspace_id": None,
        "description": "X",
        "model": "m",
        "cost_type": "tokens",
        "token_type": None,
        "service_tier": None,
        "context_window": None,
        "inference_geo": None,
    }
    assert body["data"][1]["results"] == [] and body["next_page"] is None


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ([("starting_at", "2026-11-01T00:00:00Z"), ("group_by[]", "api_key_id")], {}),
        ([("starting_at", "2026-11-01T00:00:00Z"), ("limit", "32")], {}),
        ([("ending_at", "2026-11-02T00:00:00Z")], {}),
        ([("starting_at", "2026-11-01T00:00:00Z")], {"anthropic-version": "2020-01-01"}),
    ],
)
def test_anthropic_refuses_what_the_reference_refuses(
    fake: FakeProviders, query: list[tuple[str, str]], headers: dict[str, str]
) -> None:
    status, _ = _anthropic(fake, query, **headers)
    assert status == 400


def test_requests_are_recorded_with_their_headers(fake: FakeProviders) -> None:
    _anthropic(fake, [("starting_at", "2026-11-01T00:00:00Z")])
    (call,) = fake.calls()
    assert call.api == "anthropic" and call.path == "/v1/organizations/cost_report"
    assert call.headers["anthropic-version"] == "2023-06-01"
    assert call.param("starting_at") == "2026-11-01T00:00:00Z"


def test_scripted_429_carries_retry_after(fake: FakeProviders) -> None:
    fake.fail_next("openai", 429, retry_after="3")
    request = urllib.request.Request(
        f"{fake.openai_url}/organization/costs?start_time={NOV_1}", headers=OPENAI_AUTH
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    with caught.value as error:
        assert error.code == 429 and error.headers["Retry-After"] == "3"
    assert _openai(fake, [("start_time", NOV_1)])[0] == 200  # only the next one failed
