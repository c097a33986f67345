"""Token counting: exact with tiktoken where the tokenizer is public, labelled otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import prices
from prices import tokens


@pytest.fixture(scope="module")
def loaded() -> dict[str, str]:
    if not os.environ.get("TIKTOKEN_CACHE_DIR"):
        pytest.skip("needs TIKTOKEN_CACHE_DIR (the offline encoding files)")
    return prices.load_encodings()


def test_openai_models_count_exactly(loaded: dict[str, str], acme: prices.Catalog) -> None:
    assert loaded["o200k_base"] == "ok"
    model = prices.Model(
        id="demo", provider="openai", name="demo", history=acme.get("acme-large").history,
        source="https://x.example", checked=acme.as_of, encoding="o200k_base",
    )  # fmt: skip
    count = prices.count_tokens("Hello, world!", model)
    assert count == prices.TokenCount("demo", "o200k_base", 4, True)


def test_models_without_public_tokenizer_are_approximate(
    loaded: dict[str, str], acme: prices.Catalog
) -> None:
    count = prices.count_tokens("Hello, world!", acme.get("acme-large"))
    assert count.tokens == 4
    assert count.exact is False
    assert count.note is not None and "no public tokenizer" in count.note


def test_missing_encoding_degrades_to_a_labelled_approximation(acme: prices.Catalog) -> None:
    model = acme.get("acme-large")
    saved = dict(tokens._loaded)
    tokens._loaded.clear()
    try:
        count = prices.count_tokens("x" * 40, model)
    finally:
        tokens._loaded.update(saved)
    assert count.encoding == "approx-chars/4"
    assert count.tokens == 10
    assert count.exact is False
    assert count.note is not None and "Approximate" in count.note


def test_chat_overhead_is_added(loaded: dict[str, str], acme: prices.Catalog) -> None:
    model = acme.get("acme-large")
    one = prices.count_tokens("hi", model).tokens
    messages = [{"role": "user", "content": "hi"}]
    role = prices.count_tokens("user", model).tokens
    assert prices.count_message_tokens(messages, model).tokens == one + role + 3 + 3


def test_oversized_text_is_refused(acme: prices.Catalog) -> None:
    with pytest.raises(prices.BadUsage, match="characters"):
        prices.count_tokens("x" * (tokens.MAX_TEXT_CHARS + 1), acme.get("acme-large"))


def test_a_one_shot_defer_loads_and_fetches_nothing(tmp_path: Path) -> None:
    # `tokencost ask` with a question: an encoding missing from tiktoken's file cache waits
    # for a count that needs it too (it would be fetched then), instead of being fetched now.
    probe = (
        "import json, sys, prices\n"
        "status = prices.defer_encodings(fetch_missing=False)\n"
        "print(json.dumps([status, 'tiktoken' in sys.modules]))\n"
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path / "empty")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip
    status, imported = json.loads(done.stdout)
    assert status == {"o200k_base": "deferred", "cl100k_base": "deferred"}
    assert imported is False
