"""One GET with retries over urllib: 429 honours Retry-After, 5xx and timeouts back off.

JSON is parsed with ``parse_float=Decimal`` so a dollar amount never passes through a float.
Redirects are refused, because following one would send the admin key to another address.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from bot.billing.errors import BadResponse, BillingError, ProviderUnavailable, RateLimited

__all__ = ["USER_AGENT", "Answer", "RetryPolicy", "Sleep", "check_base_url", "get_json"]

USER_AGENT = "tokencost-bot/0.1 (billing connector)"

Sleep = Callable[[float], None]
"""How to wait between attempts (``time.sleep``; tests pass a recorder)."""

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request tries before it gives up with a typed error."""

    attempts: int = 4
    """Tries per request, the first included."""
    backoff_s: float = 1.0
    """Wait before the second try after a 5xx or timeout; doubled for each further try."""
    max_retry_after_s: float = 60.0
    """Longest ``Retry-After`` we wait; a longer one raises ``RateLimited`` at once."""
    timeout_s: float = 30.0
    """Socket timeout for connecting and for each read."""


@dataclass(frozen=True)
class Answer:
    """A final (non-retried) HTTP answer: its status and parsed JSON body."""

    status: int
    """HTTP status code."""
    payload: Any
    """Parsed JSON (floats as Decimal), or None when the body was empty or not JSON."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


_OPENER = urllib.request.build_opener(_NoRedirects)


def check_base_url(url: str, variable: str) -> str:
    """Return ``url`` without a trailing slash; https is required except on loopback."""
    parts = urlsplit(url)
    loopback = parts.hostname in _LOOPBACK
    if (
        not parts.hostname
        or parts.scheme not in ("https", "http")
        or (parts.scheme == "http" and not loopback)
    ):
        raise BillingError(f"{variable} must be an https:// URL (http:// only for localhost).")
    return url.rstrip("/")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} is not an amount")


def _parse(body: bytes) -> Any:
    if not body.strip():
        return None
    return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_reject_constant)


def _retry_after_s(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _once(url: str, headers: Mapping[str, str], timeout_s: float) -> tuple[int, bytes, str | None]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        with _OPENER.open(request, timeout=timeout_s) as response:
            return response.status, response.read(), None
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(), exc.headers.get("Retry-After")


def get_json(
    url: str, headers: Mapping[str, str], *, name: str, policy: RetryPolicy, sleep: Sleep
) -> Answer:
    """GET ``url`` and return the first answer that is neither 429 nor 5xx, parsed.

    ``name`` is the provider's display name for messages (``OpenAI``). Raises
    ``RateLimited``, ``ProviderUnavailable`` or ``BadResponse`` (a 200 that is not JSON).
    """
    provider = name.lower()
    problem = ""
    for attempt in range(1, policy.attempts + 1):
        backoff = policy.backoff_s * 2 ** (attempt - 1)
        try:
            status, body, retry_after = _once(url, headers, policy.timeout_s)
        except TimeoutError:
            problem = f"{name} did not answer within {policy.timeout_s:g} s"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                problem = f"{name} did not answer within {policy.timeout_s:g} s"
            else:
                problem = f"could not reach {name}: {type(exc.reason).__name__}"
        except OSError as exc:
            problem = f"the connection to {name} failed: {type(exc).__name__}"
        else:
            if status == 429:
                wait = _retry_after_s(retry_after)
                if wait is not None and wait > policy.max_retry_after_s:
                    raise RateLimited(
                        f"{name} is rate-limiting billing requests and asks to wait "
                        f"{wait:.0f} s; try again later.",
                        provider=provider,
                        retry_after_s=wait,
                    )
                if attempt == policy.attempts:
                    raise RateLimited(
                        f"{name} is still rate-limiting billing requests after "
                        f"{policy.attempts} tries; try again later.",
                        provider=provider,
                        retry_after_s=wait,
                    )
                sleep(backoff if wait is None else wait)
                continue
            if status >= 500:
                problem = f"{name} answered HTTP {status}"
            else:
                try:
                    payload = _parse(body)
                except ValueError as exc:
                    if status == 200:
                        raise BadResponse(
                            f"{name} answered 200 with a body that is not JSON.", provider=provider
                        ) from exc
                    payload = None
                return Answer(status, payload)
        if attempt < policy.attempts:
            sleep(backoff)
    raise ProviderUnavailable(
        f"{problem} after {policy.attempts} tries; billing data is unavailable for now.",
        provider=provider,
    )
