"""Settings, read once from the environment at start-up; the only reader of `os.environ`.

Start-up fails with one message that lists every missing or invalid variable. Secrets are
kept out of `repr()` so they never reach a log line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.billing.models import PROVIDERS
from bot.billing.urls import DEFAULT_API_URLS
from bot.errors import BotError

if TYPE_CHECKING:  # the prices package loads only where prices are used (CLI cold start)
    from prices.live import RefreshSettings

__all__ = ["ConfigError", "Settings"]

DEFAULT_DB = "data/tokencost.db"
DEFAULT_PORT = 3000


class ConfigError(BotError):
    """One or more settings are missing or malformed; the message lists them all."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to know about its environment."""

    db_path: Path = Path(DEFAULT_DB)
    """SQLite file (`TOKENCOST_DB`, or `TOKENCOST_DB_PATH`)."""
    bot_token: str | None = field(default=None, repr=False)
    """`SLACK_BOT_TOKEN` (xoxb-...)."""
    signing_secret: str | None = field(default=None, repr=False)
    """`SLACK_SIGNING_SECRET`, for HTTP mode."""
    app_token: str | None = field(default=None, repr=False)
    """`SLACK_APP_TOKEN` (xapp-...), for Socket Mode."""
    client_id: str | None = None
    """`SLACK_CLIENT_ID`: with the secret, serve OAuth installs for many workspaces."""
    client_secret: str | None = field(default=None, repr=False)
    """`SLACK_CLIENT_SECRET`."""
    slack_api_url: str | None = None
    """`SLACK_API_URL`: Web API base URL for every client (a proxy, or a fake in tests)."""
    port: int = DEFAULT_PORT
    """`PORT` for HTTP mode."""
    prices_overrides: Path | None = None
    """`TOKENCOST_PRICES_OVERRIDES`: an extra overrides YAML (contract prices)."""
    prices_url: str | None = None
    """`TOKENCOST_PRICES_URL`: where `serve`, `clock` and `tokencost prices refresh` fetch
    prices (None: genai-prices' published data, `prices.upstream.DEFAULT_URL`)."""
    prices_refresh_s: float | None = 6 * 3600.0
    """`TOKENCOST_PRICES_REFRESH` (`6h`, `30m`, `1d` or `off`): seconds between background
    refreshes in `serve` and `clock`; None (`off`) keeps the bundled prices."""
    ingest_token: str | None = field(default=None, repr=False)
    """`TOKENCOST_INGEST_TOKEN`: bearer token for `POST /usage`; ingestion is off without it."""
    timezone: str = "UTC"
    """`TOKENCOST_TIMEZONE`: the workspace's default time zone for digests."""
    log_level: str = "INFO"
    """`TOKENCOST_LOG_LEVEL`: DEBUG, INFO (one line per HTTP request), WARNING or ERROR."""
    log_format: str = "text"
    """`TOKENCOST_LOG_FORMAT`: `text` (one readable line per record) or `json` (JSON lines)."""
    web_workers: int = 2
    """`WEB_CONCURRENCY`: sizes the HTTP worker thread pool (x 4 threads, at least 4)."""
    http_timeout_s: int = 10
    """`TOKENCOST_HTTP_TIMEOUT`: seconds a client has to send a request's headers, and again its
    body, before the connection is closed (slow or stalled clients)."""
    db_busy_timeout_ms: int = 2000
    """`TOKENCOST_DB_BUSY_TIMEOUT_MS`: how long a request waits for SQLite's write lock before
    it is answered 503 (Retry-After) instead."""
    digest_faq_misses: bool = True
    """`TOKENCOST_DIGEST_FAQ_MISSES`: `off` keeps unanswered questions out of the store and the
    digest (they are kept word for word otherwise)."""
    database_url: str | None = field(default=None, repr=False)
    """`DATABASE_URL` (`postgresql://...`): PostgreSQL instead of the SQLite file. Kept out
    of `repr()`: it usually carries a password."""
    clock_in_web: bool = False
    """`TOKENCOST_CLOCK_IN_WEB=1`: `serve` also runs the digest clock (one-instance hosts)."""

    @property
    def database(self) -> str | Path:
        """What the store opens: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url or self.db_path

    openai_admin_key: str | None = field(default=None, repr=False)
    """`OPENAI_ADMIN_KEY` (sk-admin-...): billed spend for a single-workspace deployment."""
    anthropic_admin_key: str | None = field(default=None, repr=False)
    """`ANTHROPIC_ADMIN_KEY` (sk-ant-admin...): billed spend for a single-workspace deployment."""
    openai_api_url: str = DEFAULT_API_URLS["openai"]
    """`TOKENCOST_OPENAI_API_URL`: the OpenAI API root, `/v1` included (proxies, tests)."""
    anthropic_api_url: str = DEFAULT_API_URLS["anthropic"]
    """`TOKENCOST_ANTHROPIC_API_URL`: the Anthropic API root, without `/v1`."""
    secret_key: str | None = field(default=None, repr=False)
    """`TOKENCOST_SECRET_KEY`: Fernet key(s) encrypting admin keys stored by `billing connect`."""

    def admin_key(self, provider: str) -> str | None:
        """The admin key set in the environment for `provider`, if any."""
        return self.openai_admin_key if provider == "openai" else self.anthropic_admin_key

    def billing_api_url(self, provider: str) -> str:
        """The API root to read `provider`'s billed cost from."""
        return self.openai_api_url if provider == "openai" else self.anthropic_api_url

    @property
    def mode(self) -> str:
        """`socket`, `http`, or `console` (no Slack credentials)."""
        if self.app_token and self.bot_token:
            return "socket"
        if self.bot_token and self.signing_secret:
            return "http"
        if self.client_id and self.client_secret and self.signing_secret:
            return "http"
        return "console"

    @property
    def prices_refresh(self) -> RefreshSettings:
        """What `prices.live.LiveCatalog` needs: source URL, interval, operator's overrides."""
        from prices.live import RefreshSettings
        from prices.upstream import DEFAULT_URL

        return RefreshSettings(
            url=self.prices_url or DEFAULT_URL,
            interval=self.prices_refresh_s,
            overrides=self.prices_overrides,
        )

    @property
    def oauth(self) -> bool:
        """Whether to serve `/slack/install` and store installations (multi-workspace)."""
        return bool(self.client_id and self.client_secret)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; raise `ConfigError` listing all problems."""
        problems: list[str] = []

        def get(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        bot_token = get("SLACK_BOT_TOKEN")
        if bot_token and not bot_token.startswith("xoxb-"):
            problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        app_token = get("SLACK_APP_TOKEN")
        if app_token and not app_token.startswith("xapp-"):
            problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        if app_token and not bot_token:
            problems.append("SLACK_APP_TOKEN (Socket Mode) also needs SLACK_BOT_TOKEN")
        signing_secret = get("SLACK_SIGNING_SECRET")
        if bot_token and not app_token and not signing_secret:
            problems.append(
                "SLACK_SIGNING_SECRET is required for HTTP mode (or set SLACK_APP_TOKEN)"
            )
        client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
        if bool(client_id) != bool(client_secret):
            problems.append("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET must be set together")
        if client_id and not signing_secret:
            problems.append("SLACK_SIGNING_SECRET is required with SLACK_CLIENT_ID (OAuth)")
        api_url = get("SLACK_API_URL")
        if api_url and not re.match(r"^https?://[^\s/]+", api_url):
            problems.append("SLACK_API_URL must be an http(s) URL")
        port = _int(get("PORT"), DEFAULT_PORT, "PORT", 1, 65535, problems)
        workers = _int(get("WEB_CONCURRENCY"), 2, "WEB_CONCURRENCY", 1, 64, problems)
        overrides = get("TOKENCOST_PRICES_OVERRIDES")
        if overrides and not Path(overrides).is_file():
            problems.append(f"TOKENCOST_PRICES_OVERRIDES: no file at {overrides}")
        prices_url, refresh_s = _prices_refresh(
            get("TOKENCOST_PRICES_URL"), get("TOKENCOST_PRICES_REFRESH"), problems
        )
        timezone = get("TOKENCOST_TIMEZONE") or "UTC"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"TOKENCOST_TIMEZONE: {timezone!r} is not an IANA time zone")
        level = (get("TOKENCOST_LOG_LEVEL") or "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            problems.append("TOKENCOST_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        log_format = _choice(get("TOKENCOST_LOG_FORMAT"), "TOKENCOST_LOG_FORMAT", ("text", "json"),
                             problems)  # fmt: skip
        http_timeout = _int(get("TOKENCOST_HTTP_TIMEOUT"), 10, "TOKENCOST_HTTP_TIMEOUT", 1, 300,
                            problems)  # fmt: skip
        busy_ms = _int(get("TOKENCOST_DB_BUSY_TIMEOUT_MS"), 2000, "TOKENCOST_DB_BUSY_TIMEOUT_MS",
                       0, 600_000, problems)  # fmt: skip
        faq_misses = _choice(get("TOKENCOST_DIGEST_FAQ_MISSES"), "TOKENCOST_DIGEST_FAQ_MISSES",
                             ("on", "off"), problems)  # fmt: skip
        database_url = get("DATABASE_URL")
        if database_url and not database_url.startswith(("postgres://", "postgresql://")):
            problems.append("DATABASE_URL must be a postgresql:// URL")
        clock_in_web = _choice(get("TOKENCOST_CLOCK_IN_WEB"), "TOKENCOST_CLOCK_IN_WEB",
                               ("0", "1"), problems)  # fmt: skip
        billing = _billing(get, problems)
        if problems:
            raise ConfigError("Cannot start: " + "; ".join(problems) + ".")
        return cls(
            db_path=Path(get("TOKENCOST_DB") or get("TOKENCOST_DB_PATH") or DEFAULT_DB),
            bot_token=bot_token,
            signing_secret=signing_secret,
            app_token=app_token,
            client_id=client_id,
            client_secret=client_secret,
            slack_api_url=api_url,
            port=port,
            prices_overrides=Path(overrides) if overrides else None,
            prices_url=prices_url,
            prices_refresh_s=refresh_s,
            ingest_token=get("TOKENCOST_INGEST_TOKEN"),
            timezone=timezone,
            log_level=level,
            log_format=log_format,
            web_workers=workers,
            http_timeout_s=http_timeout,
            db_busy_timeout_ms=busy_ms,
            digest_faq_misses=faq_misses == "on",
            database_url=database_url,
            clock_in_web=clock_in_web == "1",
            **billing,
        )


#: `TOKENCOST_PRICES_REFRESH`: the same spellings `prices.live.parse_interval` reads (checked
#: here without importing the prices package, which not every command needs).
_INTERVAL = re.compile(r"^(\d+)([smhd])$")
_INTERVAL_OFF = frozenset({"off", "0", "never", "no", "false"})
_INTERVAL_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _prices_refresh(
    url: str | None, every: str | None, problems: list[str]
) -> tuple[str | None, float | None]:
    """`TOKENCOST_PRICES_URL` and `TOKENCOST_PRICES_REFRESH` (seconds, None for `off`)."""
    if url is not None and not re.match(r"^(https?|file)://\S+$", url):
        problems.append("TOKENCOST_PRICES_URL must be an http(s) or file URL")
    low = (every or "6h").lower().replace(" ", "")
    if low in _INTERVAL_OFF:
        return url, None
    found = _INTERVAL.match(low)
    if not found or int(found.group(1)) == 0:
        problems.append(f"TOKENCOST_PRICES_REFRESH must look like 6h, 30m or off, not {every!r}")
        return url, 6 * 3600.0
    return url, float(int(found.group(1)) * _INTERVAL_UNIT[found.group(2)])


def _billing(get: Callable[[str], str | None], problems: list[str]) -> dict[str, Any]:
    """The billed-spend settings (issue 16); a key's problem never quotes the key.

    The checks (and the HTTP client and cryptography they import) load only when a billing
    variable is set: every CLI command reads the settings (issue 15)."""
    found: dict[str, Any] = {}
    for provider in PROVIDERS:
        variable = f"{provider.upper()}_ADMIN_KEY"
        key = get(variable)
        if key is not None:
            from bot.billing import BillingError, check_admin_key

            try:
                check_admin_key(provider, key)
            except BillingError as exc:
                problems.append(f"{variable}: {str(exc).rstrip('.')}")
        found[f"{provider}_admin_key"] = key
        url_variable = f"TOKENCOST_{provider.upper()}_API_URL"
        url = get(url_variable)
        found[f"{provider}_api_url"] = DEFAULT_API_URLS[provider]  # a valid base URL
        if url:
            from bot.billing import BillingError
            from bot.billing.transport import check_base_url

            try:
                found[f"{provider}_api_url"] = check_base_url(url, url_variable)
            except BillingError as exc:
                problems.append(str(exc).rstrip("."))
    secret = get("TOKENCOST_SECRET_KEY")
    if secret is not None:
        from bot.billing import BillingError, Vault

        try:
            Vault.from_secret(secret)
        except BillingError as exc:
            problems.append(str(exc).split(";")[0])
    found["secret_key"] = secret
    return found


def _int(raw: str | None, default: int, name: str, low: int, high: int, problems: list[str]) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        problems.append(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
        return default
    return int(raw)


def _choice(raw: str | None, name: str, allowed: tuple[str, ...], problems: list[str]) -> str:
    """One of `allowed` (any case; the first when unset), else a problem and the default."""
    value = (raw or allowed[0]).lower()
    if value not in allowed:
        problems.append(f"{name} must be {' or '.join(allowed)}")
        return allowed[0]
    return value
