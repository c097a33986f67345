"""The sync: committed data is what a sync writes, and the conversion of a tiny fake provider."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import prices
from prices import sync, sync_convert
from prices.lifecycle import Lifecycle
from prices.providers import Provider
from prices.sync import HEADER, main, render
from prices.sync_convert import SyncError, canonical_id, convert_provider, is_speech_model
from prices.upstream import dump_json, parse_payload, to_raw

types = pytest.importorskip("genai_prices.types")

#: A provider entry as `prices/data/providers.yaml` would give it.
FAKE = Provider(id="fake", name="Fake AI", kind="first_party", prefixes=(), upstream="fake")


def test_committed_data_matches_a_sync(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0, capsys.readouterr().out


def test_check_fails_and_names_the_change_when_data_drifts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "--date", "2026-11-29"]) == 0
    path = tmp_path / "openai.yaml"
    path.write_text(path.read_text().replace("input_per_mtok: 2.5\n", "input_per_mtok: 3\n", 1))
    capsys.readouterr()
    assert main(["--check", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "openai.yaml" in out
    assert "~ openai/gpt-4o: input 3 -> 2.5" in out


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--dry-run", "--data-dir", str(tmp_path), "--date", "2026-11-29"]) == 0
    assert list(tmp_path.iterdir()) == []
    assert "+ anthropic/claude-sonnet-4" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("provider", "genai_id", "equals", "expected"),
    [
        ("anthropic", "claude-opus-4-0", ["claude-opus-4"], "claude-opus-4"),
        ("anthropic", "claude-3-7-sonnet-latest", [], "claude-3-7-sonnet"),
        ("xai", "grok-4-0709", ["grok-4-0709", "grok-4"], "grok-4"),
        ("mistral", "mistral-medium-latest", ["mistral-medium-latest"], "mistral-medium"),
        ("mistral", "mistral-large-2512", ["mistral-large-2512"], "mistral-large-2512"),
        ("groq", "llama-3.3-70b-versatile", [], "llama-3.3-70b"),
        ("groq", "llama-3.1-8b-instant", [], "llama-3.1-8b"),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", [], "llama-3.3-70b"),
        ("bedrock", "meta.llama3-3-70b-instruct-v1:0", [], "llama-3.3-70b"),
        ("bedrock", "amazon.nova-pro-v1:0", [], "nova-pro"),
        ("groq", "meta-llama/llama-4-maverick-17b-128e-instruct", [], "llama-4-maverick"),
        ("openai", "gpt-4o:extended", ["gpt-4o:extended"], "gpt-4o-extended"),
    ],
)
def test_canonical_ids(provider: str, genai_id: str, equals: list[str], expected: str) -> None:
    assert canonical_id(provider, genai_id, equals) == expected


def _fake_provider() -> object:
    t = types
    tiered = t.TieredPrices(base=Decimal("2"), tiers=[t.Tier(start=199999, price=Decimal("4"))])
    return t.Provider(
        id="fake",
        name="Fake",
        api_pattern="https://fake",
        pricing_urls=["https://fake.example/pricing"],
        models=[
            t.ModelInfo(
                id="fake-large-latest",
                name="Fake Large",
                match=t.ClauseOr(
                    or_=[
                        t.ClauseEquals(equals="fake-large-latest"),
                        t.ClauseStartsWith(starts_with="fake-large-2026"),
                        t.ClauseEquals(equals="fake-large-2026-01-31"),
                    ]
                ),
                context_window=400000,
                price_comments="Tier over 200k.",
                prices=[
                    t.ConditionalPrice(
                        prices=t.ModelPrice(input_mtok=Decimal("3"), output_mtok=Decimal("12"))
                    ),
                    t.ConditionalPrice(
                        constraint=t.StartDateConstraint(start_date=dt.date(2026, 6, 1)),
                        prices=t.ModelPrice(
                            input_mtok=tiered,
                            cache_read_mtok=Decimal("0.2"),
                            output_mtok=Decimal("8"),
                            web_searches_kcount=Decimal("10"),
                        ),
                    ),
                ],
                price_variants=[
                    t.PriceVariant(
                        when={"processing": "batch"},
                        constraint=t.StartDateConstraint(start_date=dt.date(2026, 10, 14)),
                        prices=t.ModelPrice(input_mtok=Decimal("1"), output_mtok=Decimal("4")),
                    ),
                    t.PriceVariant(
                        when={"service_tier": "fast"},
                        prices=t.ModelPrice(input_mtok=Decimal("9"), output_mtok=Decimal("9")),
                    ),
                ],
            ),
            t.ModelInfo(
                id="fake-peak",
                match=t.ClauseEquals(equals="fake-peak"),
                prices=[
                    t.ConditionalPrice(
                        prices=t.ModelPrice(input_mtok=Decimal("0.1"), output_mtok=Decimal("0.2"))
                    ),
                    t.ConditionalPrice(
                        constraint=t.TimeOfDateConstraint(
                            start_time=dt.time(1, 0, tzinfo=dt.UTC),
                            end_time=dt.time(4, 0, tzinfo=dt.UTC),
                        ),
                        prices=t.ModelPrice(input_mtok=Decimal("0.2"), output_mtok=Decimal("0.4")),
                    ),
                ],
            ),
            t.ModelInfo(
                id="fake-embed",
                match=t.ClauseEquals(equals="fake-embed"),
                prices=t.ModelPrice(input_mtok=Decimal("0.02")),
            ),
            t.ModelInfo(
                id="fake-voice",
                match=t.ClauseEquals(equals="fake-voice"),
                prices=t.ModelPrice(audio_hours=Decimal("3")),
            ),
        ],
    )


NOTES = (
    "Tier over 200k. Variant rates as verified upstream: batch from 2026-10-14 "
    "(earlier variant history not modelled)."
)
EXPECTED = (
    HEADER.format(version="9.9.9", day="2026-11-29")
    + """
provider: fake
name: Fake AI
source: https://fake.example/pricing
models:
  fake-large:
    name: Fake Large
    aliases: [fake-large-latest, fake-large-2026-01-31]
    context_window: 400000
    checked: 2026-11-29
    notes: "<NOTES>"
    prices:
      - input_per_mtok: 3
        output_per_mtok: 12
      - from: 2026-06-01
        input_per_mtok: 2
        cached_input_per_mtok: 0.2
        output_per_mtok: 8
        tiers:
          - {threshold_input_tokens: 200000, inclusive: true, input_per_mtok: 4}
        batch: {input_per_mtok: 1, output_per_mtok: 4}
  fake-peak:
    name: Fake Peak
    aliases: [fake-peak-latest]
    checked: 2026-11-29
    prices:
      - input_per_mtok: 0.1
        output_per_mtok: 0.2
      - window: {start: "01:00", end: "04:00"}
        input_per_mtok: 0.2
        output_per_mtok: 0.4
  fake-embed:
    name: Fake Embed
    aliases: [fake-embed-latest]
    kind: embedding
    checked: 2026-11-29
    prices:
      - input_per_mtok: 0.02
        output_per_mtok: 0
"""
).replace("<NOTES>", NOTES)


def test_the_published_json_converts_exactly_as_the_package_objects() -> None:
    """The refresh reads genai-prices' JSON, the sync its package: one conversion for both.
    Written to JSON text and parsed back, the whole database gives the same documents."""
    raw = sync.genai_raw()
    day = dt.date(2026, 11, 29)
    from_json = sync_convert.convert_all(parse_payload(dump_json(raw)), day)
    from_package = sync_convert.convert_all(raw, day)
    assert [d.models for d in from_json] == [d.models for d in from_package]
    assert sum(len(d.models) for d in from_json) > 300


def test_conversion_of_a_tiny_fake_provider(tmp_path: Path) -> None:
    doc = convert_provider(FAKE, to_raw(_fake_provider()), dt.date(2026, 11, 29))
    text = render(doc, "9.9.9", dt.date(2026, 11, 29))
    assert text == EXPECTED  # the voice model (no token prices) and `fast` mode are skipped
    assert doc.origins == {
        "fake-large": "fake-large-latest",
        "fake-peak": "fake-peak",
        "fake-embed": "fake-embed",
    }
    (tmp_path / "fake.yaml").write_text(text)
    catalog = prices.load_catalog(tmp_path)  # what the sync writes, the loader reads exactly
    large = catalog.get("fake-large-2026-01-31")
    assert large.id == "fake-large"
    at = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    assert prices.estimate(large, 200_000, 0, at=at).rates.input_per_mtok == 4
    assert prices.estimate(large, 199_999, 0, at=at).rates.input_per_mtok == 2
    assert prices.estimate(large, 1000, 0, batch=True, at=at).total == Decimal("0.001")


# -- speech models and the lifecycle table --------------------------------------------------------


def _text_model(model_id: str) -> object:
    t = types
    return t.ModelInfo(
        id=model_id,
        match=t.ClauseEquals(equals=model_id),
        prices=t.ModelPrice(input_mtok=Decimal("1"), output_mtok=Decimal("2")),
    )


def test_speech_models_are_dropped_and_named_in_the_header(tmp_path: Path) -> None:
    t = types
    provider = t.Provider(
        id="fake",
        name="Fake",
        api_pattern="https://fake",
        pricing_urls=["https://fake.example/pricing"],
        models=[_text_model(i) for i in ("fake-chat", "fake-realtime", "fake-sonic", "fake-tts")],
    )
    doc = convert_provider(FAKE, to_raw(provider), dt.date(2026, 11, 29))
    assert list(doc.models) == ["fake-chat"]
    assert sorted(doc.dropped) == ["fake-realtime", "fake-sonic", "fake-tts"]
    text = render(doc, "9.9.9", dt.date(2026, 11, 29))
    header = text.split("provider:", 1)[0]
    assert "Not carried: speech" in header and "fake-realtime, fake-sonic, fake-tts." in header
    assert all(line.startswith("# ") for line in header.splitlines())
    (tmp_path / "fake.yaml").write_text(text)
    assert [m.id for m in prices.load_catalog(tmp_path).models] == ["fake-chat"]


@pytest.mark.parametrize(
    ("model_id", "speech"),
    [
        ("nova-sonic", True), ("nova-2-sonic", True), ("gpt-realtime", True),
        ("gpt-4o-mini-tts", True), ("gpt-4o-transcribe-diarize", True), ("gpt-audio-mini", True),
        ("gemini-live-2.5-flash", True), ("gemini-3.8-live", True),
        ("gpt-4o", False), ("voxtral-small-24b-2507", False), ("gemini-2.5-flash-lite", False),
        ("claude-sonnet-4-5", False), ("deliverable-1", False),
    ],
)  # fmt: skip
def test_is_speech_model(model_id: str, speech: bool) -> None:
    assert is_speech_model(model_id) is speech


def test_lifecycle_entries_flag_the_model_and_add_a_dated_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = types
    monkeypatch.setattr(
        sync_convert,
        "LIFECYCLE",
        {
            "fake/fake-old": Lifecycle(dt.date(2025, 7, 21), "https://fake.example/deprecations"),
            "fake/fake-soon": Lifecycle(
                dt.date(2027, 1, 5), "https://fake.example/deprecations", "fake-new"
            ),
        },
    )
    provider = t.Provider(
        id="fake",
        name="Fake",
        api_pattern="https://fake",
        pricing_urls=["https://fake.example/pricing"],
        models=[_text_model(i) for i in ("fake-old", "fake-soon", "fake-new")],
    )
    doc = convert_provider(FAKE, to_raw(provider), dt.date(2026, 11, 29))
    old, soon, new = (doc.models[i] for i in ("fake-old", "fake-soon", "fake-new"))
    assert old["deprecated"] is True and soon["deprecated"] is True
    assert "deprecated" not in new
    assert old["notes"] == "Retired on 2025-07-21 (https://fake.example/deprecations)."
    assert soon["notes"] == (
        "Deprecated; shutdown scheduled on 2027-01-05 "
        "(https://fake.example/deprecations; replacement: fake-new)."
    )
    (tmp_path / "fake.yaml").write_text(render(doc, "9.9.9", dt.date(2026, 11, 29)))
    catalog = prices.load_catalog(tmp_path)
    retired = catalog.get("fake-old")
    assert retired.deprecated
    assert prices.estimate(retired, 1_000_000, 0).total == 1  # still prices, at its own rate


def test_a_lifecycle_entry_for_a_model_the_sync_does_not_produce_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        sync,
        "LIFECYCLE",
        {"anthropic/claude-typo": Lifecycle(dt.date(2025, 1, 1), "https://example.com")},
    )
    with pytest.raises(SyncError, match="claude-typo"):
        sync.build_docs(dt.date(2026, 11, 29))


def test_the_check_names_newly_deprecated_models_and_new_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "--date", "2026-11-29"]) == 0
    path = tmp_path / "anthropic.yaml"
    text = path.read_text()
    block = text.index("  claude-3-opus:")
    text = text[:block] + text[block:].replace("    deprecated: true\n", "", 1)
    path.write_text(text.replace("    context_window: 200000\n", "", 1))
    capsys.readouterr()
    assert main(["--check", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "  ! anthropic/claude-3-opus: deprecated" in out
    assert "context_window None -> 200000" in out
