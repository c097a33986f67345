"""The dependency direction prices <- faq <- bot, enforced on the source."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(exe), "--no-cache", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_the_import_contracts_hold() -> None:
    """The layers inside bot/ (pyproject's [tool.importlinter]), imports in functions included."""
    run = _lint_imports()
    assert run.returncode == 0, run.stdout[-3000:]
    assert "0 broken" in run.stdout


def test_a_backwards_import_breaks_the_contracts(tmp_path: Path) -> None:
    """The contracts can fail: the real code read against layers in the wrong order."""
    config = tmp_path / "backwards.ini"
    config.write_text(
        "[importlinter]\nroot_packages =\n    bot\n\n"
        "[importlinter:contract:backwards]\nname = backwards\ntype = layers\n"
        "layers =\n    bot.language\n    bot.answers\n"
    )
    run = _lint_imports("--config", str(config))
    assert run.returncode == 1
    assert "bot.answers.evaluate -> bot.language" in run.stdout


def _module_graph() -> dict[str, set[str]]:
    """Project module -> project modules it imports (at any depth of the file)."""
    paths = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for pkg in ("prices", "faq", "bot")
        for p in (ROOT / pkg).rglob("*.py")
    }
    graph: dict[str, set[str]] = {m: set() for m in paths}
    for mod, path in paths.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                names = [prefix] + [f"{prefix}.{a.name}" for a in node.names]
            graph[mod] |= {n for n in names if n in graph and n != mod}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_even_inside_functions() -> None:
    assert _cycles(_module_graph()) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_bot_keeps_few_modules_at_its_top() -> None:
    assert len(list((ROOT / "bot").glob("*.py"))) <= 12
