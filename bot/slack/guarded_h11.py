"""uvicorn's HTTP/1.1 protocol with a header deadline, so a stalled client cannot hold a socket.

uvicorn closes a kept-alive connection that stays idle (`timeout_keep_alive`), but not one
that opens and sends nothing, nor one that sends half its headers and stops (slowloris). Such
connections cost no thread here, yet they would pile up until `limit_concurrency` turns real
clients away. `guarded_protocol(seconds)` gives each connection `seconds` from its opening
(or from the first byte after a keep-alive) to complete a request's headers; otherwise it is
closed. The body has its own deadline in `bot.slack.asgi.WSGIBridge`.

This subclasses uvicorn internals (`H11Protocol.cycle`); tests/bot/test_server_limits.py
checks it through the real server, so an uvicorn upgrade that breaks it fails there.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["guarded_protocol"]


class _GuardedH11(H11Protocol):
    """`H11Protocol` plus a deadline for request headers (class attribute `header_timeout`)."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_request():
            self._disarm()
        elif self._header_timer is None:
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _in_request(self) -> bool:
        """Whether a request's headers have arrived and its response is not complete yet."""
        return self.cycle is not None and not self.cycle.response_complete

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expire(self) -> None:
        self._header_timer = None
        if not self._in_request() and not self.transport.is_closing():
            self.logger.info("closed a connection that sent no complete request in %ss",
                             self.header_timeout)  # fmt: skip
            self.transport.close()


def guarded_protocol(header_timeout: float) -> type[H11Protocol]:
    """The protocol class for `uvicorn.Config(http=...)` with this header deadline."""
    return type("GuardedH11", (_GuardedH11,), {"header_timeout": header_timeout})
