"""The digest's chart: the last 14 days' spend by model, as a PNG with alt text.

`chart_data` reads the ledger (one `spend_by_model` per local day), `draw_chart` draws stacked
bars with matplotlib's Agg canvas (no pyplot, no global backend switch, no display), and
`alt_text` says in words what the chart shows, for screen readers and for clients that show
no images. matplotlib is optional (`pip install 'tokencost-bot[charts]'`) and imported only
here, inside `draw_chart`: without it `draw_chart` returns None and the digest, which reads
fully on its own, simply has no chart. Money stays Decimal everywhere except the bar heights
handed to matplotlib (pixels, not sums).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from decimal import Decimal

import prices
from bot.store.database import Database
from bot.store.usage import local_midnight, spend_by_model
from bot.store.workspace import Workspace

__all__ = [
    "CHART_DAYS",
    "CHART_MODELS",
    "MAX_ALT_CHARS",
    "ChartData",
    "alt_text",
    "chart_data",
    "draw_chart",
]

CHART_DAYS = 14
CHART_MODELS = 6
"""Series drawn at most: with more models, the smallest are stacked as "other models"."""
MAX_ALT_CHARS = 1000
"""Alt text kept within `files.getUploadURLExternal`'s `alt_txt` (and an image block's 2,000)."""
OTHER = "other models"
_COLOURS = ("#1d3557", "#e63946", "#2a9d8f", "#f4a261", "#6d597a", "#457b9d", "#adb5bd")


@dataclass(frozen=True)
class ChartData:
    """Daily spend per model, oldest day first; USD, exact."""

    days: tuple[date, ...]
    series: tuple[tuple[str, tuple[Decimal, ...]], ...]
    """(model id or `other models`, one cost per day), biggest spender first."""
    timezone: str

    @property
    def totals(self) -> tuple[Decimal, ...]:
        """Spend per day, every model together."""
        return tuple(
            sum((costs[i] for _, costs in self.series), Decimal(0)) for i in range(len(self.days))
        )

    @property
    def total(self) -> Decimal:
        """Spend over every day shown."""
        return sum(self.totals, Decimal(0))


def chart_data(
    db: Database,
    ws: Workspace,
    last_day: date,
    tz: tzinfo,
    *,
    days: int = CHART_DAYS,
    top: int = CHART_MODELS,
) -> ChartData:
    """`ws`'s spend per model for the `days` local days ending with `last_day`."""
    shown = tuple(last_day - timedelta(days=n) for n in range(days - 1, -1, -1))
    per_day: list[dict[str, Decimal]] = []
    for day in shown:
        start, end = local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)
        per_day.append({str(g.key): g.cost_usd for g in spend_by_model(db, ws, start, end, 1000)})
    overall: dict[str, Decimal] = {}
    for spend in per_day:
        for model, cost in spend.items():
            overall[model] = overall.get(model, Decimal(0)) + cost
    ranked = sorted(overall, key=lambda m: (-overall[m], m))
    kept = ranked if len(ranked) <= top else ranked[: top - 1]  # `top` series in all
    series = [(m, tuple(spend.get(m, Decimal(0)) for spend in per_day)) for m in kept]
    rest = [m for m in ranked if m not in kept]
    if rest:
        other = tuple(sum((spend.get(m, Decimal(0)) for m in rest), Decimal(0))
                      for spend in per_day)  # fmt: skip
        series.append((f"{OTHER} ({len(rest)})", other))
    name = getattr(tz, "key", None) or str(tz)
    return ChartData(shown, tuple(series), name)


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def alt_text(data: ChartData) -> str:
    """What the chart shows, in one paragraph (at most `MAX_ALT_CHARS`)."""
    first, last = data.days[0], data.days[-1]
    span = f"the {len(data.days)} days from {_day(first)} to {_day(last)} {last.year}"
    if data.total == 0:
        return f"Bar chart of daily LLM spend by model over {span} ({data.timezone}): no spend."
    shares = [
        f"{model} {prices.format_usd(sum(costs, Decimal(0)))} "
        f"({prices.format_percent(sum(costs, Decimal(0)) / data.total)})"
        for model, costs in data.series
    ]
    totals = data.totals
    peak = max(range(len(totals)), key=lambda i: (totals[i], i))
    text = (
        f"Stacked bar chart of daily LLM spend by model over {span} ({data.timezone}). "
        f"Total {prices.format_usd(data.total)}; highest day {_day(data.days[peak])} at "
        f"{prices.format_usd(totals[peak])}. By model: " + ", ".join(shares) + "."
    )
    return text if len(text) <= MAX_ALT_CHARS else text[: MAX_ALT_CHARS - 1] + "…"


def draw_chart(data: ChartData) -> bytes | None:
    """The chart as PNG bytes; None without matplotlib or without any spend to draw."""
    if data.total == 0:
        return None
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        return None
    figure = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(data.days)))
    bottom = [0.0] * len(positions)
    for index, (model, costs) in enumerate(data.series):
        heights = [float(cost) for cost in costs]  # pixels only: every sum above is Decimal
        colour = _COLOURS[index % len(_COLOURS)]
        axes.bar(positions, heights, bottom=bottom, label=model, color=colour, width=0.75)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xticks(positions, [_day(d) for d in data.days], rotation=45, ha="right", fontsize=8)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"${value:,.2f}"))
    axes.set_title(f"LLM spend by model, last {len(data.days)} days ({data.timezone})", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
