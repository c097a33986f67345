"""Price cards and model lists, as reply parts."""

from __future__ import annotations

from bot.answers import results as r
from bot.answers.changes import PriceStep
from bot.answers.lineage import old_label
from bot.render.style import Parts, Style, count_text, rate_text, window_text
from prices import Model, format_usd

__all__ = [
    "MODELS_ONE_PROVIDER",
    "MODELS_PER_PROVIDER",
    "models_parts",
    "price_parts",
    "prices_parts",
]

_n = count_text
_rate = rate_text


def price_parts(res: r.PriceResult, s: Style) -> Parts:
    """A model's price card."""
    model, p = res.model, res.prices
    write = "at the input rate"
    if p.cache_write_per_mtok is not None:
        write = format_usd(p.cache_write_per_mtok)
    body = [
        f"{s.bold(s.esc(model.name))} ({s.esc(model.id)}, {s.esc(model.provider)}), "
        "USD per 1M tokens:",
        f"• input {format_usd(p.input_per_mtok)}, output {format_usd(p.output_per_mtok)}",
        f"• cached input {_rate(p.cached_input_per_mtok).removesuffix('/M')}, cache write {write}",
    ]
    if p.batch is not None:
        body.append(
            f"• batch: input {format_usd(p.batch.input_per_mtok)}, output "
            f"{format_usd(p.batch.output_per_mtok)}"
        )
    for tier in p.tiers:
        over = "from" if tier.inclusive else "over"
        rates = ", ".join(
            f"{name.removesuffix('_per_mtok').replace('_', ' ')} {format_usd(rate)}"
            for name, rate in tier.rates.items()
        )
        body.append(f"• prompts {over} {_n(tier.threshold_input_tokens)} tokens: {rates}")
    for peak in res.time_of_day:
        q = peak.prices
        body.append(
            f"• peak hours {window_text(peak.window)}: input {format_usd(q.input_per_mtok)}, "
            f"output {format_usd(q.output_per_mtok)}, cached input "
            f"{_rate(q.cached_input_per_mtok).removesuffix('/M')}"
        )
    window = f"{_n(model.context_window)} tokens" if model.context_window else "not published"
    limit = f", max output {_n(model.max_output_tokens)}" if model.max_output_tokens else ""
    body.append(f"Context window: {window}{limit}")
    if res.lineage is not None:
        body.append(s.esc(res.lineage))
    elif model.retires_on is not None:
        instead = f"; replacement: {model.replacement}" if model.replacement else ""
        body.append(s.esc(f"Retires on {model.retires_on.isoformat()}{instead}."))
    elif model.deprecated:
        body.append("Deprecated: the provider is retiring this model.")
    for step in res.changes:
        body.append(f"• {_step(step)}")
    notes = []
    if model.aliases:
        shown = ", ".join(model.aliases[:8]) + (" …" if len(model.aliases) > 8 else "")
        notes.append(f"Also known as: {s.esc(shown)}")
    notes.append(f"Prices as of {model.checked.isoformat()}; source: {s.esc(model.source)}")
    return Parts(f"{model.name} ({model.id}) prices", body, None, notes)


def _step(step: PriceStep) -> str:
    """`price change 2026-12-06: input $1.00 → $1.50, output $2.00 → $2.50` (unchanged rates
    left out)."""
    pairs = [
        ("input", step.before.input_per_mtok, step.after.input_per_mtok),
        ("output", step.before.output_per_mtok, step.after.output_per_mtok),
        ("cached input", step.before.cached_input_per_mtok, step.after.cached_input_per_mtok),
    ]
    moved = [
        f"{name} {_rate(old).removesuffix('/M')} → {_rate(new).removesuffix('/M')}"
        for name, old, new in pairs
        if old != new
    ]
    return f"price change {step.day.isoformat()}: " + (", ".join(moved) or "other rates changed")


def prices_parts(res: r.PricesResult, s: Style) -> Parts:
    """Several price cards, one after the other, under one title."""
    body: list[str] = []
    notes: list[str] = []
    for card in res.cards:
        parts = price_parts(card, s)
        if body:
            body.append("")
        body += parts.body
        notes += [n for n in parts.notes if n not in notes and not n.startswith("Also known")]
    ids = ", ".join(card.model.id for card in res.cards)
    return Parts(f"Prices: {ids}", body, None, notes)


#: Ids shown per provider in the all-providers list before "+N more".
MODELS_PER_PROVIDER = 12
#: Lines shown for one provider before "+N more".
MODELS_ONE_PROVIDER = 60


def models_parts(res: r.ModelsResult, s: Style) -> Parts:
    """The model list: one provider with rates, or every provider's ids (capped)."""
    body: list[str] = []
    if res.provider is not None:
        _, models = res.groups[0]
        for m in models[:MODELS_ONE_PROVIDER]:
            old = f" ({label})" if (label := old_label(m)) else ""
            body.append(
                f"• {s.esc(m.id)}: {format_usd(m.current.input_per_mtok)} in / "
                f"{format_usd(m.current.output_per_mtok)} out per 1M{old}"
            )
        if len(models) > MODELS_ONE_PROVIDER:
            body.append(f"+{len(models) - MODELS_ONE_PROVIDER} more")
        return Parts(
            f"{res.provider} models ({_counts(models)})",
            body,
            None,
            ["Type `price MODEL` for a model's card."],
        )
    for provider, models in res.groups:
        current = [m for m in models if not old_label(m)]
        ids = ", ".join(s.esc(m.id) for m in current[:MODELS_PER_PROVIDER])
        more = len(current) - MODELS_PER_PROVIDER
        tail = f" +{more} more" if more > 0 else ""
        body.append(f"{s.bold(s.esc(provider))} ({_counts(models)}): {ids}{tail}")
    every = tuple(m for _, models in res.groups for m in models)
    return Parts(
        f"Models I price ({_counts(every)})",
        body,
        None,
        [
            "Deprecated models are priced but not listed here; type `models PROVIDER` for "
            "one provider's full list with prices."
        ],
    )


def _counts(models: tuple[Model, ...]) -> str:
    """`19 current, 8 deprecated`, or `19` when none is deprecated: the same figures in the
    list of providers and in one provider's list."""
    old = sum(1 for m in models if old_label(m))
    current = len(models) - old
    return f"{current} current, {old} deprecated" if old else f"{current}"
