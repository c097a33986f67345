"""The dependency direction prices <- faq <- bot, enforced on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "prices": ("faq", "bot", "slack_bolt", "slack_sdk", "sqlite_utils", "sqlite3", "genai_prices"),
    "faq": ("bot", "slack_bolt", "slack_sdk", "sqlite_utils", "sqlite3"),
}
#: The one module allowed to import genai_prices: the offline sync script (a dev tool).
ALLOWED = {("prices", "sync.py", "genai_prices")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_point_one_way(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in _imports(path) & set(FORBIDDEN[package])
        if (package, path.name, name) not in ALLOWED
    ]
    assert offenders == []


def test_the_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("import slack_bolt\nfrom bot.slack.app import x\n")
    assert _imports(bad) == {"slack_bolt", "bot"}
