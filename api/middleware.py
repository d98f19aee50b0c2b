"""The ASGI middlewares every request goes through: plain ASGI classes, because
Starlette's ``BaseHTTPMiddleware`` costs about a millisecond per request, as much as a
whole SPARQL query."""

import json
import logging
import time

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import GRAPH_ERRORS, error_body, graph_error
from api.routers import sparql

access_log = logging.getLogger("api.access")


class HeadAsGet:
    """HEAD wherever GET exists: the GET response's status and headers, without its body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        body_sent = False

        async def without_body(message: Message) -> None:
            nonlocal body_sent
            if message["type"] == "http.response.body":
                if body_sent:
                    return
                message, body_sent = {**message, "body": b"", "more_body": False}, True
            await send(message)

        # As a GET, without the zero-copy file extension whose message carries no body.
        extensions = {
            name: value
            for name, value in scope.get("extensions", {}).items()
            if name != "http.response.pathsend"
        }
        await self.app({**scope, "method": "GET", "extensions": extensions}, receive, without_body)


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    # Scripts from this origin only (no inline script, no eval), no framing, no plugins,
    # no foreign base or form targets.
    (
        b"content-security-policy",
        b"script-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; "
        b"form-action 'self'",
    ),
]


class SecurityHeaders:
    """Headers every response carries, whatever route or error produced it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *_SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


_FAST = ("GET", "POST")


class SparqlFastPath:
    """GET and POST ``/sparql`` answered without FastAPI's routing, dependency solving and
    exception middleware, which cost about a third of a small query's whole latency. The
    route stays declared (OpenAPI, HEAD) and the answers are the same."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] not in _FAST:
            await self.app(scope, receive, send)
            return
        try:
            response = await sparql.sparql(Request(scope, receive))
        except GRAPH_ERRORS as error:
            response = graph_error(error)
        await response(scope, receive, send)


class OpenAIErrors:
    """The errors of the OpenAI-compatible routes in OpenAI's shape, ``{"error": {"message",
    "type", "param", "code"}}``, which its clients read (they show nothing of ours)."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix + "/"):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def reshaping(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and message["status"] >= 400:
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = _openai_error(start["status"], b"".join(chunks))
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, reshaping)


def _openai_error(status: int, body: bytes) -> bytes:
    try:
        ours = json.loads(body)
        code, message = ours["error"], ours["message"]
    except (ValueError, KeyError, TypeError):
        return body
    kind = "invalid_request_error" if status < 500 else "server_error"
    error = {"message": message, "type": kind, "param": None, "code": code}
    return json.dumps({"error": error}).encode()


class LimitAndLog:
    """Refuses bodies over the size limit (413) and logs one JSON line per request."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}
        received = {"bytes": 0}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        async def receiving() -> Message:
            message = await receive()
            received["bytes"] += len(message.get("body", b""))
            if received["bytes"] > self.max_body_bytes:
                raise _TooLarge
            return message

        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length", b"0")
        try:
            if not length.isdigit() or int(length) > self.max_body_bytes:
                raise _TooLarge
            if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
                # Read whole before the app sees it: the app's body parsing would turn
                # the refusal into a 400 of its own.
                receiving = await self._buffered(receive)  # type: ignore[assignment]
            await self.app(scope, receiving, sending)
        except _TooLarge:
            response = error_body(
                413, "too_large", f"the request body exceeds {self.max_body_bytes} bytes"
            )
            await response(scope, receive, sending)
        access_log.info(
            json.dumps(
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status["code"],
                    "ms": round(1000 * (time.perf_counter() - started), 1),
                }
            )
        )

    async def _buffered(self, receive: Receive) -> Receive:
        """A chunked body read whole, up to the limit, then handed over as one message."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return receive  # the client left: the app sees it
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body_bytes:
                raise _TooLarge
            more = message.get("more_body", False)
        whole: list[Message] = [{"type": "http.request", "body": b"".join(chunks)}]

        async def replay() -> Message:
            return whole.pop() if whole else await receive()

        return replay


class KeepAliveLimit:
    """Closes a keep-alive connection after ``max_requests`` requests (0: never).

    Each worker process keeps the connections it accepted, however busy it gets:
    with long-lived clients, one worker can hold twice the other's and answer twice
    as slowly. Closing after a bounded number of requests (nginx's
    ``keepalive_requests``) makes clients reconnect, and the worker free first
    accepts them.

    A connection is known by its client's address and port. A request from that address
    and port after ``idle_seconds`` without one (uvicorn closes a keep-alive connection
    idle for 5 s) comes on a new connection that reuses the port: its count starts again.
    """

    _MAX_TRACKED = 10_000

    def __init__(self, app: ASGIApp, max_requests: int, idle_seconds: float = 5.0) -> None:
        self.app = app
        self.max_requests = max_requests
        self.idle_seconds = idle_seconds
        self._served: dict[tuple[str, int], tuple[int, float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client or not self.max_requests:
            await self.app(scope, receive, send)
            return
        key = (client[0], client[1])
        now = time.monotonic()
        served, last = self._served.pop(key, (0, now))
        served = served + 1 if now - last <= self.idle_seconds else 1
        if served < self.max_requests:
            if len(self._served) >= self._MAX_TRACKED:  # connections closed by their clients
                self._served.clear()
            self._served[key] = (served, now)
            await self.app(scope, receive, send)
            self._served[key] = (served, time.monotonic())  # idle from the response on
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


class _TooLarge(Exception):
    pass


def host_name(host_header: str) -> str:
    """The name in a Host header, without its port or a final dot: "[::1]:8000" → "::1"."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    return host.removesuffix(".")


class TrustedHosts:
    """Answers only requests whose Host is one of ``allowed`` ("*" allows any; ".example.org"
    allows it and its subdomains). The Host becomes the base of the SPARQL endpoint's
    relative IRIs and its service description, so a forged one must not be echoed."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = [name.lower() for name in allowed]

    def allows(self, host: str) -> bool:
        return any(
            pattern == "*"
            or host == pattern
            or (pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:]))
            for pattern in self.allowed
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope.get("headers", []) if name == b"host"]
        # Without a Host (HTTP/1.0) URLs are made from the server's own address.
        if len(hosts) > 1:
            response = error_body(400, "bad_request", "the request has several Host headers")
            await response(scope, receive, send)
        elif hosts and not self.allows(host := host_name(hosts[0].decode("latin-1"))):
            response = error_body(
                400,
                "unknown_host",
                f"this service does not answer to the host {host!r}: an operator can add it "
                "to VIRTUKG_ALLOWED_HOSTS",
            )
            await response(scope, receive, send)
        else:
            await self.app(scope, receive, send)
