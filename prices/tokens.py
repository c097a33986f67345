"""Token counting with tiktoken, loaded once and never fetched at request time.

A long-running process calls `defer_encodings` at start: an encoding already in tiktoken's
file cache is then loaded by the first count that needs it (a file read, ~0.3 s and ~50 MB
each), so a server that never counts does not hold ~107 MB of tokenizers (issue 15); one that
is not cached is fetched at start, as `load_encodings` does.

Models with a public tokenizer (OpenAI's) get an exact count. Others (Claude, Gemini, Llama,
...) get an o200k_base count labelled as an approximation. When an encoding file cannot be
had (no network, no cache), counts fall back to ~4 characters a token, labelled as such.
"""

from __future__ import annotations

import hashlib
import logging
import os
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
    "defer_encodings",
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
_deferred: set[str] = set()
#: Where tiktoken fetches each encoding from (tiktoken_ext/openai_public.py); its file cache
#: is keyed by the SHA-1 of this address (tiktoken/load.py, `read_file_cached`).
_BLOBS = {
    name: f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    for name in ENCODINGS
}


def _on_disk(name: str) -> bool:
    """Whether tiktoken's file cache holds `name`, so loading it reads a file, fetches nothing."""
    blob = _BLOBS.get(name)
    if blob is None:
        return False
    folder = os.environ.get("TIKTOKEN_CACHE_DIR", os.environ.get("DATA_GYM_CACHE_DIR"))
    if folder is None:
        import tempfile  # shutil, random, bz2...: only when no cache folder is configured

        folder = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    key = hashlib.sha1(blob.encode()).hexdigest()  # tiktoken's cache key, not security
    return bool(folder) and os.path.exists(os.path.join(folder, key))


def defer_encodings(
    names: Sequence[str] = ENCODINGS, *, fetch_missing: bool = True
) -> dict[str, str]:
    """At start-up of a long-running process: encodings in tiktoken's file cache are loaded by
    their first count; the others are loaded (fetched) now, unless `fetch_missing=False` (a
    one-shot command: every encoding, cached or not, waits for a count that needs it). Returns
    `encoding_status()`, where a deferred encoding reads "deferred"."""
    with _lock:
        _deferred.update(
            n for n in names if n not in _loaded and (not fetch_missing or _on_disk(n))
        )
    load_encodings([n for n in names if n not in _deferred])
    return encoding_status()


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
                _deferred.discard(name)
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
    status = dict.fromkeys(_deferred, "deferred")
    status.update(dict.fromkeys(_loaded, "ok"))
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
    if encoding is None and wanted in _deferred:
        load_encodings((wanted,))
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
