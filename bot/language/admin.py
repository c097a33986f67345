"""The team commands: `log` usage, set a `budget`, manage the daily `digest`.

Parsed here so every kind exists as a typed command; later issues evaluate them.
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.language import commands as c
from bot.language.errors import ParseError
from bot.language.grammar import read_usage
from bot.language.lexing import Word, lex
from bot.language.lookup import unknown_words_error
from prices import Catalog

__all__ = ["parse_billing", "parse_budget", "parse_digest", "parse_log"]

_LOG_EXAMPLE = "log gpt-4o 120k 30k #search-team"
_CHANNEL = re.compile(
    r"<#(?P<id>[A-Z0-9]+)(?:\|(?P<name>[^>]*))?>|#(?P<plain>[\w.\-]+)"
    # A bare Slack channel id, as the digest's errors ask for: `C0123ABC`, `G01234567`.
    r"|(?P<bare>[CG](?=[A-Z]*\d)[A-Z0-9]{7,10})"
)
_TIME = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?", re.IGNORECASE)
_DIGEST_EXAMPLE = "digest on #llm-costs at 09:00 Europe/Berlin"
_Action = Literal["on", "off", "preview", "status"]
_ACTIONS: dict[str, _Action] = {
    "on": "on",
    "subscribe": "on",
    "off": "off",
    "stop": "off",
    "unsubscribe": "off",
    "preview": "preview",
    "status": "status",
}


def parse_log(catalog: Catalog, words: list[Word]) -> c.Log:
    """`log MODEL IN OUT [cached N] [#tag]`: usage to record in the ledger."""
    usage = read_usage(lex(catalog, words))
    if usage.unknown:
        raise unknown_words_error(catalog, usage.unknown, words, _LOG_EXAMPLE)
    if len(usage.models) != 1:
        raise ParseError(f"Log one model at a time: `{_LOG_EXAMPLE}`.")
    if usage.input_tokens is None:
        raise ParseError(f"How many tokens did it use? Write `{_LOG_EXAMPLE}`.")
    if usage.cache_write_tokens or usage.reasoning_tokens:
        raise ParseError(
            "The ledger keeps input, output and cached counts; log reasoning tokens as output "
            f"and cache writes as input: `{_LOG_EXAMPLE}`."
        )
    if usage.volume or usage.budget or usage.batch or usage.versus or usage.min_context:
        raise ParseError(f"`log` takes a model, token counts and a #tag: `{_LOG_EXAMPLE}`.")
    return c.Log(
        model=usage.models[0],
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens or 0,
        cached_input_tokens=usage.cached_input_tokens or 0,
        tag=usage.tag,
        share=usage.share,
    )


def parse_budget(catalog: Catalog, words: list[Word]) -> c.Budget:
    """`budget [$]AMOUNT/PERIOD [#tag] [billed]` sets a budget; `budget [#tag]` shows it."""
    billed = any(w.text.lower() == "billed" for w in words)
    words = [w for w in words if w.text.lower() != "billed"]
    items = lex(catalog, words)
    for item in items:
        if item.kind == "num" and item.num is not None:  # `budget 500/month`: no $ needed
            item.kind = "usd"
    usage = read_usage([*lex(catalog, [Word("budget", 0, 0)]), *items])
    if usage.unknown or usage.models or usage.input_tokens is not None:
        bad = usage.unknown[0] if usage.unknown else "that"
        raise ParseError(f"I didn't understand `{bad}`; write `budget $500/month #search-team`.")
    if billed and usage.tag:
        raise ParseError("Billed spend has no tags; a billed budget is for the whole "
                         "workspace: `budget 5000/month billed`.")  # fmt: skip
    if billed and usage.budget is not None and usage.budget.period != "month":
        raise ParseError("Providers bill by the month, so a billed budget is monthly: "
                         "`budget 5000/month billed`.")  # fmt: skip
    return c.Budget(amount=usage.budget, tag=usage.tag, billed=billed, share=usage.share)


def parse_billing(catalog: Catalog, words: list[Word]) -> c.Billing:
    """`billing [share]`: the billed spend and the connected providers."""
    del catalog  # billing names no models
    rest = [w.text.lower() for w in words]
    if rest not in ([], ["share"]):
        raise ParseError("`billing` takes no more words; it shows the connected providers and "
                         "what they billed yesterday and this month.")  # fmt: skip
    return c.Billing(share=bool(rest))


def _channel(text: str) -> str | None:
    match = _CHANNEL.fullmatch(text)
    if match is None:
        return None
    return match["id"] or match["plain"] or match["bare"]


def _time(text: str, after_at: bool = False) -> str | None:
    """`09:00`, `9:30`, `9am`, `21:00` as `HH:MM`; a bare hour (`9`) only right after `at`."""
    match = _TIME.fullmatch(text)
    if match is None or (match["m"] is None and match["ampm"] is None and not after_at):
        return None
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").lower()
    if ampm and not 1 <= hours <= 12:
        return None
    if ampm == "pm" and hours != 12:
        hours += 12
    elif ampm == "am" and hours == 12:
        hours = 0
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def _tz(text: str) -> str | None:
    if "/" not in text and text.upper() not in ("UTC", "GMT"):
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return text


def parse_digest(catalog: Catalog, words: list[Word]) -> c.Digest:
    """`digest on [#channel] [at HH:MM] [Area/City]`, `digest off`, `digest preview`."""
    del catalog  # digest settings name no models
    texts = [w.text for w in words]
    action: _Action = "status"
    if texts and texts[0].lower() in _ACTIONS:
        action = _ACTIONS[texts.pop(0).lower()]
    channel = time = tz = None
    share = False
    for k, text in enumerate(texts):
        lower = text.lower()
        if lower in ("at", "in", "to", "for", "every", "day", "daily", "morning"):
            continue
        after_at = k > 0 and texts[k - 1].lower() == "at"
        if k + 1 < len(texts) and texts[k + 1].lower() in ("am", "pm") and text.isdigit():
            text = text + texts[k + 1]  # `at 9 am`
            texts[k + 1] = ""
        if not text:
            continue
        if lower == "share":
            share = True
        elif (found := _channel(text)) is not None and channel is None:
            channel = found
        elif (at := _time(text, after_at)) is not None and time is None:
            time = at
        elif (zone := _tz(text)) is not None and tz is None:
            tz = zone
        elif "/" in text:
            raise ParseError(
                f"I don't know the time zone `{text}`; use a name like `Europe/Berlin`."
            )
        else:
            raise ParseError(f"I didn't understand `{text}`; write `{_DIGEST_EXAMPLE}`.")
    if action != "on" and (time or tz):
        raise ParseError(f"A time and zone go with `digest on`: `{_DIGEST_EXAMPLE}`.")
    return c.Digest(action=action, channel=channel, time=time, tz=tz, share=share)
