"""Read YAML with exact decimals: every float is a `Decimal`, and errors name the file."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import CatalogError

__all__ = ["read_yaml"]


class _DecimalLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]  # the C loader is optional
    """A YAML loader that reads every float as an exact `Decimal`."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
#: The plain words YAML 1.1 reads as booleans or null; any other word starting with a letter
#: is a string, which lets `_DecimalLoader.resolve` skip PyYAML's regex scan for most scalars.
_YAML_WORDS = frozenset(
    f(w)
    for w in ("yes", "no", "true", "false", "on", "off", "null", "y", "n")
    for f in (str.lower, str.title, str.upper)
)


def _resolve(self: _DecimalLoader, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's implicit tag resolution, with a fast path for plain words."""
    if kind is yaml.ScalarNode and implicit[0] and value[:1].isalpha() and value not in _YAML_WORDS:
        return "tag:yaml.org,2002:str"
    tag: str = yaml.SafeLoader.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]  # types-PyYAML leaves it unannotated
    return tag


_DecimalLoader.resolve = _resolve


_STR, _INT, _FLOAT, _NULL, _BOOL, _TIMESTAMP = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "null", "bool", "timestamp")
)
_SIMPLE_INT = re.compile(r"-?[0-9]+")
_SIMPLE_FLOAT = re.compile(r"-?[0-9]*\.[0-9]+")
_SIMPLE_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _construct(node: yaml.Node, loader: _DecimalLoader) -> Any:
    """Build Python values from a composed node tree, as the safe constructor would.

    The price files are thousands of small scalars and PyYAML's general constructor is most
    of the start-up time; the common shapes are built directly here and anything else
    (sexagesimal times, merge keys, special floats) goes through the standard constructor.
    """
    if isinstance(node, yaml.ScalarNode):
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _FLOAT and _SIMPLE_FLOAT.fullmatch(value):
            return Decimal(value)
        if tag == _INT and _SIMPLE_INT.fullmatch(value):
            return int(value)
        if tag == _TIMESTAMP and _SIMPLE_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() in ("true", "yes", "on", "y")
        return loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loader) for item in node.value]
    if isinstance(node, yaml.MappingNode) and all(
        k.tag != "tag:yaml.org,2002:merge" for k, _ in node.value
    ):
        return {_construct(k, loader): _construct(v, loader) for k, v in node.value}
    return loader.construct_object(node, deep=True)


def read_yaml(path: Path) -> Any:
    """Read a YAML file with exact decimals; a syntax error names the file."""
    try:
        with path.open(encoding="utf-8") as fh:
            loader = _DecimalLoader(fh)  # a SafeLoader subclass
            try:
                node = loader.get_single_node()
                return None if node is None else _construct(node, loader)
            finally:
                loader.dispose()
    except yaml.YAMLError as exc:
        raise CatalogError(path.name, None, None, f"is not valid YAML: {exc}") from exc
    except ArithmeticError as exc:  # `.inf` / `.nan`: not a price
        raise CatalogError(path.name, None, None, "holds a number that is not finite") from exc
    except OSError as exc:
        raise CatalogError(str(path), None, None, f"cannot be read: {exc.strerror}") from exc
