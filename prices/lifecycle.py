"""Retired and deprecated models, from the vendors' deprecation pages, read by `prices.sync`.

genai-prices flags only some retired models, so the bot offered retired ones (Claude 3 Sonnet,
Claude 3.5 Sonnet, GPT-4 32k ...) as cheaper alternatives and in `cheapest`. The sync merges
this table into the generated files as `deprecated: true` plus a sentence in `notes` with the
date and the source. A deprecated model still resolves and still prices (usage records of a
retired model must still cost what they cost); it is only no longer recommended. The flag
changes no price, so these models stay in the cross-check against genai-prices.

Rules for this table (reviewed by hand):

- Only models the vendor has retired, or formally deprecated with a shutdown date, by the
  `checked` date of the data; each entry names the vendor's deprecations page.
- `date` is the shutdown (retirement) date the vendor announced. When that is after the sync's
  day, the note says "shutdown scheduled" instead of "retired".
- Partner platforms keep their own schedules (Anthropic: "Amazon Bedrock and Google Cloud set
  their own retirement schedules"), so an Anthropic entry says nothing about `vertex/...`.
- When unsure of a model or of its date, leave it out.

Keys are `provider/id` as in the generated files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["LIFECYCLE", "Lifecycle", "lifecycle_note"]

ANTHROPIC_PAGE = "https://docs.claude.com/en/docs/about-claude/model-deprecations"
OPENAI_PAGE = "https://platform.openai.com/docs/deprecations"
GEMINI_PAGE = "https://ai.google.dev/gemini-api/docs/deprecations"
MISTRAL_PAGE = "https://docs.mistral.ai/getting-started/models/"
COHERE_PAGE = "https://docs.cohere.com/docs/deprecations"
XAI_PAGE = "https://docs.x.ai/docs/models#model-deprecations"
GROQ_PAGE = "https://console.groq.com/docs/deprecations"
TOGETHER_PAGE = "https://docs.together.ai/docs/deprecations"
BEDROCK_PAGE = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html"
#: The day the entries added after the catalog review (issue 14) were checked.
REVIEWED = date(2026, 12, 6)


@dataclass(frozen=True)
class Lifecycle:
    """A model's announced shutdown: the day it stops (or stopped) serving, and who says so."""

    shutdown: date | None
    """The announced shutdown day; None when the vendor lists the model as retired without
    a date we could record (the model is flagged, with no `retires_on`)."""
    source: str
    replacement: str | None = None
    """The vendor's recommended replacement, when it names one."""
    checked: date | None = None
    """The day the entry was checked against `source`, when recorded."""


def _d(text: str) -> date:
    return date.fromisoformat(text)


_GPT3 = ("ada", "babbage", "curie", "davinci", "text-davinci-002", "text-davinci-003")
_GEMINI_1_5 = (
    "gemini-1.5-pro", "gemini-1.5-flash", "gemini-pro-1.5", "gemini-flash-1.5",
    "gemini-flash-1.5-8b",
)  # fmt: skip

_ANTHROPIC: dict[str, Lifecycle] = {
    # Claude 1 and Claude Instant 1.x.
    "claude-v1": Lifecycle(_d("2024-11-06"), ANTHROPIC_PAGE),
    # Claude 2.0 and 2.1 (deprecated 2025-01-21).
    "claude-2": Lifecycle(_d("2025-07-21"), ANTHROPIC_PAGE),
    # claude-3-sonnet-20240229.
    "claude-3-sonnet": Lifecycle(_d("2025-07-21"), ANTHROPIC_PAGE),
    # claude-3-5-sonnet-20240620 and -20241022 (deprecated 2025-08-13).
    "claude-3-5-sonnet": Lifecycle(_d("2025-10-22"), ANTHROPIC_PAGE, "claude-sonnet-4-5"),
    # claude-3-opus-20240229 (deprecated 2025-06-30).
    "claude-3-opus": Lifecycle(_d("2026-01-05"), ANTHROPIC_PAGE, "claude-opus-4-1"),
    # claude-3-7-sonnet-20250219 (deprecated 2025-10-28).
    "claude-3-7-sonnet": Lifecycle(_d("2026-02-19"), ANTHROPIC_PAGE, "claude-sonnet-4-5"),
    # claude-3-5-haiku-20241022 (deprecated 2025-12-19).
    "claude-3-5-haiku": Lifecycle(_d("2026-02-19"), ANTHROPIC_PAGE, "claude-haiku-4-5"),
    # claude-3-haiku-20240307 (deprecated 2026-02); some reports say the 19th.
    "claude-3-haiku": Lifecycle(_d("2026-04-20"), ANTHROPIC_PAGE, "claude-haiku-4-5"),
    # Claude Sonnet 4 and Opus 4, then Opus 4.1 (issue 14's review).
    "claude-sonnet-4": Lifecycle(_d("2026-06-15"), ANTHROPIC_PAGE, "claude-sonnet-4-5", REVIEWED),
    "claude-opus-4": Lifecycle(_d("2026-06-15"), ANTHROPIC_PAGE, None, REVIEWED),
    "claude-opus-4-1": Lifecycle(_d("2026-08-05"), ANTHROPIC_PAGE, None, REVIEWED),
}

_OPENAI: dict[str, Lifecycle] = {
    # GPT-3 base and instruct models (deprecated 2023-07-06).
    **{model_id: Lifecycle(_d("2024-01-04"), OPENAI_PAGE) for model_id in _GPT3},
    # gpt-3.5-turbo-0301, -0613 and -16k-0613.
    "gpt-3.5-0301": Lifecycle(_d("2024-09-13"), OPENAI_PAGE),
    "gpt-3.5-turbo-0613": Lifecycle(_d("2024-09-13"), OPENAI_PAGE),
    "gpt-3.5-turbo-16k": Lifecycle(_d("2024-09-13"), OPENAI_PAGE),
    # gpt-4-vision-preview and gpt-4-1106-vision-preview (deprecated 2024-06-06).
    "gpt-4-vision-preview": Lifecycle(_d("2024-12-06"), OPENAI_PAGE, "gpt-4o"),
    # gpt-4-32k, -0314 and -0613 (deprecated 2024-06-06).
    "gpt-4-32k": Lifecycle(_d("2025-06-06"), OPENAI_PAGE, "gpt-4o"),
    # Deprecated 2025-04-14.
    "gpt-4.5-preview": Lifecycle(_d("2025-07-14"), OPENAI_PAGE, "gpt-4.1"),
    # Deprecated 2025-04-28.
    "o1-preview": Lifecycle(_d("2025-07-28"), OPENAI_PAGE, "o3"),
    "o1-mini": Lifecycle(_d("2025-10-27"), OPENAI_PAGE, "o4-mini"),
    # Deprecated 2025-11-17 / 2025-11-18.
    "codex-mini": Lifecycle(_d("2026-01-16"), OPENAI_PAGE),  # -> gpt-5-codex-mini,
    "chatgpt-4o": Lifecycle(_d("2026-02-17"), OPENAI_PAGE, "gpt-5.1-chat"),
    # "2026-04-22: Legacy GPT model snapshots".
    **{
        model_id: Lifecycle(_d("2026-07-23"), OPENAI_PAGE, replacement)
        for model_id, replacement in (
            ("computer-use", "gpt-5.4-mini"),
            ("gpt-4o-search-preview", "gpt-4.1-mini"),
            ("gpt-4o-mini-search-preview", "gpt-4.1-mini"),
            ("gpt-5-chat", "gpt-5.3-chat"),
            ("gpt-5.1-chat", "gpt-5.3-chat"),
            ("gpt-5-codex", "gpt-5.4"),
            ("gpt-5.1-codex", "gpt-5"),
            ("gpt-5.1-codex-max", "gpt-5.4"),
            ("gpt-5.1-codex-mini", "gpt-5.4-mini"),
            ("gpt-5.2-codex", "gpt-5.4"),
            ("o3-deep-research", "gpt-5.4-pro"),
            ("o4-mini-deep-research", "gpt-5.4-pro"),
        )
    },
    "gpt-3.5-turbo": Lifecycle(_d("2026-10-23"), OPENAI_PAGE, "gpt-4.1-mini"),
    # Issue 14's review: retired on 2026-10-23 ...
    **{
        model_id: Lifecycle(_d("2026-10-23"), OPENAI_PAGE, None, REVIEWED)
        for model_id in (
            "o1",
            "o1-pro",
            "o3-mini",
            "o4-mini",
            "gpt-4-turbo",
            "gpt-4.1-nano",
            "gpt-4o-2024-05-13",
        )
    },
    # ... and scheduled: 2026-12-11 and 2027-01-14.
    **{
        model_id: Lifecycle(_d("2026-12-11"), OPENAI_PAGE, None, REVIEWED)
        for model_id in ("gpt-5", "gpt-5-mini", "gpt-5-nano", "o3")
    },
    **{
        model_id: Lifecycle(_d("2027-01-14"), OPENAI_PAGE, None, REVIEWED)
        for model_id in ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini")
    },
    "gpt-4": Lifecycle(_d("2026-10-23"), OPENAI_PAGE),
    # "2026-05-08: gpt-5.2-chat-latest and gpt-5.3-chat-latest model snapshots".
    "gpt-5.2-chat": Lifecycle(_d("2026-08-10"), OPENAI_PAGE, "gpt-5.5"),
    "gpt-5.3": Lifecycle(_d("2026-08-10"), OPENAI_PAGE, "gpt-5.5"),  # gpt-5.3-chat-latest
}

_GEMINI: dict[str, Lifecycle] = {
    # Gemini 1.5 Pro / Flash / Flash-8B 002 (the undated aliases' targets): shut down 2025-09-24
    # (the 001 versions on 2025-05-27). genai-prices lists both `gemini-1.5-*` and OpenRouter's
    # `gemini-*-1.5` spellings.
    **{
        model_id: Lifecycle(_d("2025-09-24"), GEMINI_PAGE, "gemini-2.5-flash")
        for model_id in _GEMINI_1_5
    },
    # Gemini 2.5 Pro and Flash on the Gemini API (issue 14's review; Vertex AI keeps its own).
    "gemini-2.5-pro": Lifecycle(_d("2026-12-01"), GEMINI_PAGE, None, REVIEWED),
    "gemini-2.5-flash": Lifecycle(_d("2026-12-01"), GEMINI_PAGE, None, REVIEWED),
}

_XAI: dict[str, Lifecycle] = {
    # Grok 3, Grok 4, the Grok 4 Fast variants and Grok Code Fast 1 (issue 14's review).
    model_id: Lifecycle(_d("2026-05-15"), XAI_PAGE, None, REVIEWED)
    for model_id in (
        "grok-3", "grok-4", "grok-4-fast-reasoning", "grok-4-fast-non-reasoning",
        "grok-code-fast-1",
    )
}  # fmt: skip

#: Hosts' retirements of Llama models that issue 14's review found, without a recorded date.
_HOSTS: dict[str, Lifecycle] = {
    "groq/llama-3.3-70b": Lifecycle(None, GROQ_PAGE, None, REVIEWED),
    "groq/llama-3.1-8b": Lifecycle(None, GROQ_PAGE, None, REVIEWED),
    "together/llama-3.3-70b": Lifecycle(None, TOGETHER_PAGE, None, REVIEWED),
    **{
        f"bedrock/llama-3.2-{size}": Lifecycle(None, BEDROCK_PAGE, None, REVIEWED)
        for size in ("1b", "3b", "11b", "90b")
    },
}

_MISTRAL: dict[str, Lifecycle] = {
    # open-mistral-7b, open-mixtral-8x7b and open-mixtral-8x22b (deprecated 2024-11-25).
    "mistral-7b": Lifecycle(_d("2025-03-30"), MISTRAL_PAGE),
    "mixtral-8x7b": Lifecycle(_d("2025-03-30"), MISTRAL_PAGE),
    "mixtral-8x22b-instruct": Lifecycle(_d("2025-03-30"), MISTRAL_PAGE),
    # Mistral Medium 1 (genai-prices' own note gives the date).
    "mistral-medium-2312": Lifecycle(_d("2025-06-16"), MISTRAL_PAGE, "mistral-medium"),
}

_COHERE: dict[str, Lifecycle] = {
    # command (and command-light, which genai-prices already flags).
    "command": Lifecycle(_d("2025-09-15"), COHERE_PAGE, "command-a"),
}

LIFECYCLE: dict[str, Lifecycle] = {
    **{f"anthropic/{k}": v for k, v in _ANTHROPIC.items()},
    **{f"openai/{k}": v for k, v in _OPENAI.items()},
    **{f"google/{k}": v for k, v in _GEMINI.items()},
    **{f"mistral/{k}": v for k, v in _MISTRAL.items()},
    **{f"cohere/{k}": v for k, v in _COHERE.items()},
    **{f"xai/{k}": v for k, v in _XAI.items()},
    **_HOSTS,
}


def lifecycle_note(entry: Lifecycle, day: date) -> str:
    """The sentence the sync adds to a model's notes: retired (or scheduled to be) on a date."""
    instead = f"; replacement: {entry.replacement}" if entry.replacement else ""
    checked = f", checked {entry.checked.isoformat()}" if entry.checked else ""
    if entry.shutdown is None:
        return f"Retired; shutdown date not recorded ({entry.source}{checked}{instead})."
    when = "Retired" if entry.shutdown <= day else "Deprecated; shutdown scheduled"
    return f"{when} on {entry.shutdown.isoformat()} ({entry.source}{checked}{instead})."
