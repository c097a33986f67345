"""A small, fixed catalog for arithmetic tests, independent of the synced price data."""

from __future__ import annotations

from pathlib import Path

import pytest

import prices

FIXTURE_YAML = """
provider: acme
name: Acme AI
source: https://acme.example/pricing
models:
  acme-large:
    name: Acme Large
    aliases: [acme-large-2025-01-31, acme-large-latest]
    context_window: 1000000
    max_output_tokens: 64000
    checked: 2026-11-01
    prices:
      - input_per_mtok: 3
        cached_input_per_mtok: 0.3
        cache_write_per_mtok: 3.75
        cache_write_1h_per_mtok: 6
        output_per_mtok: 15
        tiers:
          - threshold_input_tokens: 200000
            input_per_mtok: 6
            cached_input_per_mtok: 0.6
            cache_write_per_mtok: 7.5
            output_per_mtok: 22.5
        batch:
          input_per_mtok: 1.5
          output_per_mtok: 7.5
          tiers:
            - threshold_input_tokens: 200000
              input_per_mtok: 3
              output_per_mtok: 11.25
  acme-inclusive:
    name: Acme Inclusive Tier
    context_window: 2000000
    checked: 2026-11-01
    prices:
      input_per_mtok: 2
      output_per_mtok: 10
      tiers:
        - threshold_input_tokens: 128000
          inclusive: true
          input_per_mtok: 4
          output_per_mtok: 20
  acme-history:
    name: Acme Repriced
    context_window: 200000
    checked: 2026-11-01
    prices:
      - input_per_mtok: 10
        output_per_mtok: 40
      - from: 2025-06-10
        input_per_mtok: 2
        output_per_mtok: 8
  acme-peak:
    name: Acme Peak Hours
    context_window: 128000
    checked: 2026-11-01
    prices:
      - input_per_mtok: 0.135
        cached_input_per_mtok: 0.035
        output_per_mtok: 0.55
      - window: {start: "22:00", end: "02:00"}
        input_per_mtok: 0.27
        output_per_mtok: 1.1
        cached_input_per_mtok: 0.07
      - from: 2026-08-17
        window: {start: "01:00", end: "04:00", days: [mon, tue, wed, thu, fri]}
        input_per_mtok: 0.3
        cached_input_per_mtok: 0.006
        output_per_mtok: 1.2
  acme-embed:
    name: Acme Embed
    kind: embedding
    checked: 2026-11-01
    prices:
      input_per_mtok: 0.02
      output_per_mtok: 0
"""


@pytest.fixture(scope="session")
def acme_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding only the Acme fixture provider."""
    folder = tmp_path_factory.mktemp("acme-prices")
    (folder / "acme.yaml").write_text(FIXTURE_YAML, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def acme(acme_dir: Path) -> prices.Catalog:
    """The Acme fixture catalog."""
    return prices.load_catalog(acme_dir)
