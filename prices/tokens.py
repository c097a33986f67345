"""Token counting with tiktoken, loaded once at start-up and never fetched at request time.

Models with a public tokenizer (OpenAI's) get an exact count. Others (Claude, Gemini, Llama,
...) get an o200k_base count labelled as an approximation. When an encoding file cannot be
had (no network, no cache), counts fall back to ~4 characters a token, labelled as such.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol

from .catalog import default_catalog
from .errors import BadUsage
from .models import Model, TokenCount

__all__ = [
    "MAX_TEXT_CHARS",
    "count_message_tokens",
    "count_tokens",
    "encoding_status",
    "load_encodings",
]

log = logging.getLogger(__name__)

#: Text longer than this is refused: about 1M tokens, far beyond any context window.
MAX_TEXT_CHARS = 4_000_000
ENCODINGS = ("o200k_base", "cl100k_base")
APPROX = "approx-chars/4"

# OpenAI's documented chat overhead: 3 tokens a message, 1 for a name, 3 to prime the reply.
_PER_MESSAGE = 3
_PER_NAME = 1
_REPLY_PRIMING = 3


class _Encoding(Protocol):
    def encode_ordinary(self, text: str) -> list[int]: ...


_lock = threading.Lock()
_loaded: dict[str, _Encoding] = {}
_failed: dict[str, str] = {}


def load_encodings(names: Sequence[str] = ENCODINGS) -> dict[str, str]:
    """Load tiktoken encodings now (at start-up). Returns {name: "ok" or the reason it failed}.

    Never raises: a missing encoding degrades counting to a labelled approximation.
    """
    with _lock:
        for name in names:
            if name in _loaded:
                continue
            try:
                import tiktoken

                _loaded[name] = tiktoken.get_encoding(name)
                _failed.pop(name, None)
            except Exception as exc:  # any failure means "not available"
                _failed[name] = f"{type(exc).__name__}: {exc}"[:200]
                log.warning(
                    "tiktoken encoding %s unavailable, counts will be approximate: %s",
                    name,
                    _failed[name],
                )
    return encoding_status()


def encoding_status() -> dict[str, str]:
    """Which encodings are loaded ("ok") and why the others are not."""
    status = dict.fromkeys(_loaded, "ok")
    status.update(_failed)
    return status


def _resolve(model: Model | str) -> Model:
    return default_catalog().get(model) if isinstance(model, str) else model


def count_tokens(text: str, model: Model | str) -> TokenCount:
    """Count `text` as `model` would see it as input."""
    if len(text) > MAX_TEXT_CHARS:
        raise BadUsage(f"That text is over {MAX_TEXT_CHARS:,} characters; count it in parts.")
    resolved = _resolve(model)
    wanted = resolved.encoding or "o200k_base"
    encoding = _loaded.get(wanted)
    if encoding is None:
        reason = "it could not be loaded" if wanted in _failed else "it was not loaded at start"
        return TokenCount(
            model=resolved.id,
            encoding=APPROX,
            tokens=(len(text) + 3) // 4,
            exact=False,
            note=f"Approximate (about 4 characters a token): the {wanted} encoding is "
            f"unavailable because {reason}.",
        )
    tokens = len(encoding.encode_ordinary(text))
    if resolved.encoding is not None:
        return TokenCount(resolved.id, wanted, tokens, True)
    return TokenCount(
        model=resolved.id,
        encoding=wanted,
        tokens=tokens,
        exact=False,
        note=f"Approximate: {resolved.provider} has no public tokenizer for {resolved.id}, so "
        "this is an o200k_base count; real counts often differ by 10-20%.",
    )


def count_message_tokens(messages: Sequence[Mapping[str, str]], model: Model | str) -> TokenCount:
    """Count a chat prompt with OpenAI's per-message overhead (role, content, name)."""
    resolved = _resolve(model)
    total = _REPLY_PRIMING
    first: TokenCount | None = None
    for message in messages:
        total += _PER_MESSAGE
        for key, value in message.items():
            counted = count_tokens(str(value), resolved)
            first = first or counted
            total += counted.tokens + (_PER_NAME if key == "name" else 0)
    base = first or count_tokens("", resolved)
    return TokenCount(base.model, base.encoding, total, base.exact, base.note)
