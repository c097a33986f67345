"""bot/billing stands alone: its exported names, its one error tree, and what it may import."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import bot.billing as billing
from bot.billing import (
    AnthropicCosts,
    AuthError,
    BadResponse,
    BillingError,
    OpenAICosts,
    ProviderUnavailable,
    RateLimited,
    VaultError,
    check_admin_key,
    cost_source,
)

PACKAGE = Path(billing.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: use absolute imports"
            names.add(node.module or "")
    return names


def test_it_imports_only_the_stdlib_cryptography_and_itself() -> None:
    offenders = sorted(
        f"{path.name} imports {name}"
        for path in PACKAGE.glob("*.py")
        for name in _imports(path)
        if not (
            name.split(".")[0] in sys.stdlib_module_names
            or name.split(".")[0] == "cryptography"
            or name == "bot.billing"
            or name.startswith("bot.billing.")
        )
    )
    assert offenders == []


def test_the_exported_names_exist_and_are_sorted() -> None:
    assert billing.__all__ == sorted(billing.__all__, key=lambda n: (not n.isupper(), n))
    for name in billing.__all__:
        assert hasattr(billing, name), name
    public = {n for n in vars(billing) if not n.startswith("_")}
    submodules = {p.stem for p in PACKAGE.glob("*.py")}
    assert public - set(billing.__all__) <= submodules  # nothing public left unlisted


def test_one_error_tree_with_a_docstring_each() -> None:
    for error in (AuthError, RateLimited, ProviderUnavailable, BadResponse, VaultError):
        assert issubclass(error, BillingError)
        assert error.__doc__ and error.__doc__.strip().endswith(".")
    assert issubclass(BillingError, Exception) and not issubclass(BillingError, ValueError)


def test_check_admin_key_is_offline_and_per_provider() -> None:
    check_admin_key("openai", "sk-admin-abc")
    check_admin_key("anthropic", "sk-ant-admin01-abc")
    for provider, key, start in [
        ("openai", "sk-proj-abc", "That's a project key"),
        ("openai", "sk-ant-admin01-abc", "That is an Anthropic key"),
        ("openai", "hello", "That is not an OpenAI admin key"),
        ("anthropic", "sk-ant-api03-abc", "That's a workspace API key"),
        ("anthropic", "sk-admin-abc", "That is not an Anthropic admin key"),
    ]:
        try:
            check_admin_key(provider, key)  # type: ignore[arg-type]
        except AuthError as error:
            assert str(error).startswith(start), str(error)
            assert key not in str(error)
        else:
            raise AssertionError(f"{key} accepted for {provider}")


def test_cost_source_picks_the_connector_and_the_default_url() -> None:
    openai = cost_source("openai", "sk-admin-abc")
    anthropic = cost_source("anthropic", "sk-ant-admin01-abc", base_url="http://127.0.0.1:9/")
    assert (openai.provider, anthropic.provider) == ("openai", "anthropic")
    assert isinstance(openai, OpenAICosts) and isinstance(anthropic, AnthropicCosts)
    assert openai.base_url == "https://api.openai.com/v1"
    assert anthropic.base_url == "http://127.0.0.1:9"
