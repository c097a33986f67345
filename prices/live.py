"""The catalog a running bot uses: the bundled one, refreshed from upstream and swapped in whole.

`LiveCatalog` holds the current `Catalog` behind a lock; readers take `.catalog` once per
request and keep that snapshot (a swap never changes a catalog under them). `refresh()`
fetches, builds and validates a new catalog (`prices.refresh`) outside the lock, then swaps
it in atomically; a refused or unreachable refresh keeps the current catalog and says why in
`status()`. Price changes accumulate in `changes()`.

With a `PriceState` (the bot passes its database's, `bot.store.pricefeed.PriceStore`; this
package imports nothing of the bot), changes outlive the process and are shared by every
process: the stored ones are replayed onto the bundled catalog at start-up (so a change keeps
its day), each refresh first catches up with what other processes recorded (`sync`), and a
refresh's new changes and its outcome are handed to `PriceState.record` together.

Settings (read by `settings_from_env`): `TOKENCOST_PRICES_URL` (default: genai-prices'
published data), `TOKENCOST_PRICES_REFRESH` (`6h` default, `30m`, `1d`, or `off`),
`TOKENCOST_PRICES_OVERRIDES` (an operator's overrides file).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

from .catalog import Catalog, load_catalog
from .history import PriceChange, replay
from .refresh import RefreshRefused, SourceUnreachable, build, fetch
from .upstream import DEFAULT_URL

__all__ = [
    "LiveCatalog", "PriceState", "RefreshSettings", "RefreshStatus", "parse_interval",
    "settings_from_env",
]  # fmt: skip

log = logging.getLogger("tokencost.prices")
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float | None:
    """Seconds between refreshes from `6h`, `30m`, `1d`, `90s`; None for `off`/`0`/`never`.

    Raises `ValueError` with a one-line message for anything else."""
    low = text.strip().lower()
    if low in ("off", "0", "never", "no", "false"):
        return None
    match = _INTERVAL.match(low)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"TOKENCOST_PRICES_REFRESH must look like 6h, 30m or off, not {text!r}")
    return float(int(match.group(1)) * _UNIT[match.group(2)])


@dataclass(frozen=True)
class RefreshSettings:
    """Where to refresh from and how often (None: never by itself)."""

    url: str = DEFAULT_URL
    interval: float | None = 6 * 3600.0
    overrides: Path | None = None
    timeout: float = 10.0


def settings_from_env(env: Mapping[str, str]) -> RefreshSettings:
    """Settings from `TOKENCOST_PRICES_URL`, `TOKENCOST_PRICES_REFRESH` and
    `TOKENCOST_PRICES_OVERRIDES`; raises `ValueError` for a bad interval."""
    overrides = env.get("TOKENCOST_PRICES_OVERRIDES", "").strip()
    return RefreshSettings(
        url=env.get("TOKENCOST_PRICES_URL", "").strip() or DEFAULT_URL,
        interval=parse_interval(env.get("TOKENCOST_PRICES_REFRESH", "6h")),
        overrides=Path(overrides) if overrides else None,
    )


@dataclass(frozen=True)
class RefreshStatus:
    """Where the prices in use came from and how the last refresh went."""

    source: str
    """`bundled` until a refresh succeeds, then the URL."""
    url: str
    """The URL refreshes fetch."""
    as_of: date
    """The newest day any price in use was checked."""
    models: int
    outcome: str
    """`never` (no attempt yet), `updated`, `unchanged`, `refused` or `unreachable`."""
    message: str = ""
    """One sentence on the outcome, safe to show an operator (no secrets, no traceback)."""
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    changed: tuple[str, ...] = ()
    """Keys repriced by the last successful refresh."""
    added: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


class PriceState(Protocol):
    """Where a `LiveCatalog` keeps its price changes and its last outcome, beyond the process."""

    def load_changes(self) -> Sequence[PriceChange]:
        """Every change recorded so far, by any process (unreadable entries left out)."""

    def record(self, changes: Sequence[PriceChange], status: RefreshStatus) -> None:
        """Keep a refresh's new changes and its outcome, all or nothing. A change already kept
        (the same model and day, from any process) stays as first recorded; a status whose
        `last_attempt` is older than the one kept is not kept."""


class LiveCatalog:
    """A thread-safe holder of the catalog in use, refreshed from upstream on demand."""

    def __init__(
        self,
        settings: RefreshSettings | None = None,
        *,
        catalog: Catalog | None = None,
        data_dir: Path | None = None,
        state: PriceState | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings or RefreshSettings()
        self._data_dir = data_dir
        self._state = state
        self._clock = clock
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()  # one refresh at a time; readers never wait on it
        base = catalog or load_catalog(data_dir, self.settings.overrides)
        self._changes: list[PriceChange] = []
        self._unsaved: list[PriceChange] = []  # found here, not yet kept by the state
        self._catalog = base
        self._status = RefreshStatus(
            "bundled", self.settings.url, base.as_of, len(base), "never", "No refresh yet."
        )
        if state is not None:
            with self._refreshing:
                self._sync()

    @property
    def catalog(self) -> Catalog:
        """The catalog in use now (a snapshot: keep it for the whole request)."""
        with self._lock:
            return self._catalog

    def status(self) -> RefreshStatus:
        """Where the prices came from, their as-of date, and the last refresh's outcome."""
        with self._lock:
            return self._status

    def changes(self, key: str | None = None, since: date | None = None) -> tuple[PriceChange, ...]:
        """Price changes found so far, oldest first; of one model (`provider/id`) and/or from
        `since` on."""
        with self._lock:
            found = list(self._changes)
        return tuple(
            c for c in found if (key is None or c.key == key) and (since is None or c.day >= since)
        )

    def sync(self) -> int:
        """Apply the changes other processes recorded since (those that still fit the prices
        in use); how many were applied. Never raises: an unreadable state is logged."""
        with self._refreshing:
            return self._sync()

    def refresh(self) -> RefreshStatus:
        """Catch up with the state, then fetch, build, validate and swap in a fresh catalog,
        and record the outcome; never raises for a bad or missing payload or an unwritable
        state (the status says what happened, the current catalog stays)."""
        with self._refreshing:
            self._sync()
            now = self._clock()
            current = self.catalog
            try:
                payload = fetch(self.settings.url, self.settings.timeout)
                result = build(
                    payload, current, day=now.date(), source=self.settings.url, found=now,
                    overrides=self.settings.overrides, data_dir=self._data_dir,
                )  # fmt: skip
            except SourceUnreachable as exc:
                return self._failed(now, "unreachable", f"{exc}; keeping the current prices.")
            except RefreshRefused as exc:
                return self._failed(now, "refused", f"Refused: {exc}; keeping the current prices.")
            changed = tuple(c.key for c in result.changes)
            outcome = "updated" if changed or result.added else "unchanged"
            status = RefreshStatus(
                self.settings.url, self.settings.url, result.catalog.as_of, len(result.catalog),
                outcome, _summary(changed, result.added, result.missing), now, now, changed,
                result.added, result.missing,
            )  # fmt: skip
            with self._lock:
                self._catalog = result.catalog
                self._changes.extend(result.changes)
                self._status = status
            self._unsaved.extend(result.changes)
            self._record(status)
            log.info("prices refreshed from %s: %s", self.settings.url, status.message)
            return status

    def run(self, stop: threading.Event) -> None:
        """Refresh now and then every `settings.interval` seconds until `stop` is set (run it
        in a daemon thread); does nothing when refresh is off."""
        interval = self.settings.interval
        if interval is None:
            return
        while not stop.is_set():
            self.refresh()
            stop.wait(interval)

    def _failed(self, now: datetime, outcome: str, message: str) -> RefreshStatus:
        """Keep the current catalog, say why, and record the attempt (with `_refreshing`)."""
        log.warning("prices refresh %s: %s", outcome, message)
        with self._lock:
            self._status = replace(self._status, outcome=outcome, message=message, last_attempt=now)
            status = self._status
        self._record(status)
        return status

    def _record(self, status: RefreshStatus) -> None:
        """Hand the changes not yet kept and `status` to the state (with `_refreshing` held);
        a state that fails keeps them for the next refresh."""
        if self._state is None:
            return
        try:
            self._state.record(tuple(self._unsaved), status)
        except Exception as exc:  # the prices in use stay fresh; the next refresh retries
            log.warning("prices refresh not recorded (%s): %s", type(exc).__name__, exc)
            return
        self._unsaved.clear()

    def _sync(self) -> int:
        """Replay the state's changes this process does not know yet (with `_refreshing`)."""
        if self._state is None:
            return 0
        try:
            saved = list(self._state.load_changes())
        except Exception as exc:  # serve what is in use; the next refresh tries again
            log.warning("recorded price changes not read (%s): %s", type(exc).__name__, exc)
            return 0
        with self._lock:
            known = {(c.key, c.day) for c in self._changes}
            base = self._catalog
        models = {m.key: m for m in base.models}
        applied: list[PriceChange] = []
        for change in sorted(saved, key=lambda c: c.day):
            if (change.key, change.day) in known:
                continue
            model = models.get(change.key)
            merged = replay(model, change) if model is not None else None
            if merged is not None:
                models[change.key] = merged
                applied.append(change)
                known.add((change.key, change.day))
        if applied:
            catalog = Catalog(models.values(), base.overridden, base.registry)
            with self._lock:  # only refreshes swap, and they hold `_refreshing` as we do
                self._catalog = catalog
                self._changes = sorted([*self._changes, *applied], key=lambda c: c.day)
                if self._status.outcome == "never":
                    self._status = replace(self._status, as_of=catalog.as_of)
        return len(applied)


def _summary(changed: tuple[str, ...], added: tuple[str, ...], missing: tuple[str, ...]) -> str:
    parts = [f"{len(changed)} model(s) repriced" if changed else "no price changes"]
    if added:
        parts.append(f"{len(added)} new")
    if missing:
        parts.append(f"{len(missing)} no longer upstream (kept)")
    return ", ".join(parts) + "."
