"""uvicorn's HTTP/1.1 protocol with the service's edges.

What uvicorn answers itself, before the app sees a request (a malformed request
line, a bad Content-Length), becomes the JSON error body every other error has;
a request head larger than ``VIRTUKG_MAX_HEADER_BYTES`` is refused (431), and
one that takes longer than ``VIRTUKG_HEADER_SECONDS`` to arrive is answered 408
and its connection closed, and so is a body that takes longer than
``VIRTUKG_BODY_SECONDS``: a client cannot hold a connection by trickling its
headers or its body.
"""

import asyncio
import json
from collections.abc import Callable
from functools import cache

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.settings import ApiSettings

_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


@cache
def _settings() -> ApiSettings:
    """Read once per worker process (uvicorn builds the protocol without arguments of ours)."""
    return ApiSettings()


class _Refused(httptools.HttpParserError):
    """Stops the parser after the refusal was written."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    _head_bytes = 0
    _timer: asyncio.TimerHandle | None = None
    _refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_timer(_settings().header_seconds, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._start_timer(_settings().header_seconds, self._head_too_slow)

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        # The body has until the whole message has arrived (a request without one completes
        # at once), or its response is sent. A request pipelined behind one being answered
        # is not read meanwhile: its time starts with its turn.
        answering = self.cycle is not None and not self.cycle.response_complete
        self._stop_timer()
        super().on_headers_complete()
        if not answering:
            self._start_timer(_settings().body_seconds, self._body_too_slow)

    def on_message_complete(self) -> None:
        self._stop_timer()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._stop_timer()
        super().on_response_complete()
        if self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete:
            self._start_timer(_settings().body_seconds, self._body_too_slow)  # the next in line

    def send_400_response(self, msg: str) -> None:
        if not self._refused:
            self._refuse(400, "bad_request", f"the HTTP request is malformed: {msg}")

    def _count(self, size: int) -> None:
        self._head_bytes += size
        limit = _settings().max_header_bytes
        if self._head_bytes > limit:
            self._refuse(431, "header_too_large", f"the request's head exceeds {limit} bytes")
            raise _Refused

    def _start_timer(self, seconds: float, expired: Callable[[], None]) -> None:
        self._stop_timer()
        self._timer = asyncio.get_running_loop().call_later(seconds, expired)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _head_too_slow(self) -> None:
        self._timer = None
        if not self._head_bytes:
            self.transport.close()  # a connection that never sent a request
            return
        seconds = _settings().header_seconds
        self._refuse(408, "timeout", f"the request's head took over {seconds:g} s")

    def _body_too_slow(self) -> None:
        self._timer = None
        seconds = _settings().body_seconds
        self._refuse(408, "timeout", f"the request's body took over {seconds:g} s")

    def _refuse(self, status: int, code: str, message: str) -> None:
        """Write the JSON error and close the connection."""
        self._refused = True
        self._stop_timer()
        body = json.dumps({"error": code, "message": message}).encode()
        head = [
            b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status]),
            *(name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers),
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        if not self.transport.is_closing():
            self.transport.write(b"".join(head) + body)
            self.transport.close()
