"""The command language wired to the store: parse, evaluate, render, and the log row.

Pricing commands go to `bot.answers.evaluate` (pure); `log`, `budget` and `digest` go to
`bot.ledger.commands` (they read and write the store); questions go to the FAQ, whose misses
are recorded so the digest can show what people could not get answered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.answers import evaluate
from bot.answers.faq import answer_question
from bot.answers.ledger_results import AnyResult
from bot.answers.results import ErrorResult, FaqMissResult, FaqResult
from bot.language import commands as c
from bot.language.errors import ParseError
from bot.language.parse import COUNT_WORDS, parse_command
from bot.render.replies import render_blocks, render_json, render_text, slack_parts
from bot.render.style import Parts
from bot.reply import Asker, Reply
from bot.runtime import Runtime
from bot.store.db import text_fingerprint
from bot.store.queries import QueryRecord, record_faq_miss
from prices import Catalog

if TYPE_CHECKING:
    import faq

__all__ = ["ChannelResolver", "is_count", "respond_to"]

#: Turns a channel name (without `#`) into its id, or None.
ChannelResolver = Callable[[str], str | None]

log = logging.getLogger("tokencost.respond")


@dataclass(frozen=True)
class _ResultRenderings:
    """A priced result rendered by `bot.render.replies`, on demand."""

    result: AnyResult
    _slack: list[Parts] = field(default_factory=list, compare=False, repr=False)
    """The Slack-style parts, built once for both the fallback text and the blocks."""

    def _slack_parts(self) -> Parts:
        if not self._slack:
            self._slack.append(slack_parts(self.result))
        return self._slack[0]

    def text(self) -> str:
        return render_text(self.result)

    def mrkdwn(self) -> str:
        return render_text(self.result, slack=True, parts=self._slack_parts())

    def blocks(self) -> list[dict[str, Any]]:
        return render_blocks(self.result, self._slack_parts())

    def data(self) -> dict[str, Any]:
        return render_json(self.result)


def _faq_by_id(matcher: faq.Matcher, catalog: Catalog, question: str,
               share: bool) -> FaqResult | None:  # fmt: skip
    """`faq <entry-id>` (the related-question buttons) answers that entry directly."""
    import faq  # questions only: `faq` is not imported by other answers

    wanted = question.strip().lower()
    for entry in matcher.entries:
        if entry.id == wanted:
            rendered = faq.render(entry, catalog, entries=matcher.entries)
            return FaqResult(rendered.id, rendered.question, rendered.text, asked=question,
                             related=rendered.related, share=share)  # fmt: skip
    return None


def _evaluate(
    runtime: Runtime,
    catalog: Catalog,
    command: c.Command,
    asker: Asker,
    resolve: ChannelResolver | None,
    check: ChannelResolver | None = None,
) -> AnyResult:
    if isinstance(command, c.Log | c.Budget | c.Digest | c.Billing):
        # The ledger (and its digest) is imported by the ledger's own commands only: an
        # estimate in the CLI starts without it (issue 15).
        from bot.ledger.billing import run_billing
        from bot.ledger.commands import run_budget, run_digest, run_log
    match command:
        case c.Log():
            source = "cli" if asker.surface == "cli" else "slack"
            return run_log(command, runtime, asker.workspace, asker.channel_id, asker.user_id,
                           source=source)  # fmt: skip
        case c.Budget():
            return run_budget(command, runtime, asker.workspace, asker.user_id)
        case c.Billing():
            return run_billing(runtime, asker.workspace, command.share)
        case c.Digest():
            return run_digest(command, runtime, asker.workspace, asker.channel_id,
                              asker.user_id, resolve_channel=resolve,
                              check_channel=check)  # fmt: skip
        case c.Faq():
            # The asker's workspace's matcher: what it was taught answers there only.
            matcher = runtime.faq_matcher(asker.workspace)
            direct = _faq_by_id(matcher, catalog, command.question, command.share)
            if direct is not None:
                return direct
            return answer_question(command.question, catalog, matcher=matcher,
                                   share=command.share)  # fmt: skip
    return evaluate(command, catalog, at=runtime.clock())


def _record(runtime: Runtime, asker: Asker, text: str, kind: str, fields: dict[str, Any],
            error: str | None, command: c.Command | None,
            started: float | None) -> QueryRecord:  # fmt: skip
    """The query-log row. Pasted `count` text is never stored: only its length and hash.
    `started`: when answering began (`time.perf_counter()`), for the row's duration."""
    chars = sha = count_tokens = None
    if isinstance(command, c.Count):
        chars, sha = text_fingerprint(command.text)
        count_tokens = fields.get("input_tokens")
    if error and (isinstance(command, c.Count) or is_count(text)):
        # The sentence may quote a word of the pasted text ("I don't know the model `...`").
        error = "count refused (the message is not kept: it may quote the pasted text)"
    cost = fields.get("cost_usd")
    return QueryRecord(
        created_utc=runtime.clock(),
        surface=asker.surface,
        kind=kind,
        outcome="error" if kind == "error" else "ok",
        workspace=asker.workspace,
        channel_id=asker.channel_id,
        user_id=asker.user_id,
        model=fields.get("model"),
        input_tokens=fields.get("input_tokens"),
        output_tokens=fields.get("output_tokens"),
        requests=fields.get("requests"),
        cost_usd=cost if isinstance(cost, Decimal) and cost >= 0 else None,
        error=error[:300] if error else None,
        text_chars=chars,
        text_sha256=sha,
        count_tokens=count_tokens,
        duration_ms=None if started is None else int((time.perf_counter() - started) * 1000),
    )


def is_count(text: str) -> bool:
    """Whether `text` is a `count` command (possibly malformed): its text must not be kept."""
    words = text.strip().split(maxsplit=2)
    if words and words[0].lower() == "/tokencost":
        words = words[1:]
    return bool(words) and words[0].lower() in COUNT_WORDS


def respond_to(
    runtime: Runtime,
    text: str,
    asker: Asker,
    resolve_channel: ChannelResolver | None = None,
    check_channel: ChannelResolver | None = None,
    started: float | None = None,
) -> Reply:
    """Answer `text`; user mistakes become `error` replies, never exceptions. `started`: when
    answering began (`time.perf_counter()`), so the log row says how long it took."""
    command: c.Command | None = None
    outcome: AnyResult
    catalog = runtime.catalog  # one snapshot per request: a price refresh may swap it any time
    try:
        command = parse_command(text, catalog)
        outcome = _evaluate(runtime, catalog, command, asker, resolve_channel, check_channel)
    except ParseError as exc:
        outcome = ErrorResult(exc.message, exc.suggestions)
    if (isinstance(outcome, FaqMissResult) and not outcome.off_topic
            and runtime.settings.digest_faq_misses):  # fmt: skip
        try:
            record_faq_miss(runtime.db(), asker.workspace, outcome.question, asker.user_id,
                            [sid for sid, _ in outcome.suggestions], runtime.clock())  # fmt: skip
        except Exception:
            log.exception("could not record an FAQ miss; answering anyway")
    error = outcome.message if isinstance(outcome, ErrorResult) else None
    return Reply(
        kind=outcome.kind,
        renderings=_ResultRenderings(outcome),
        share=outcome.share,
        record=_record(
            runtime, asker, text, outcome.kind, outcome.log_fields(), error, command, started
        ),
        related=outcome.related if isinstance(outcome, FaqResult) else (),
    )
