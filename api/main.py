"""The FastAPI application: ``create_app(settings)`` wires the routers over one KnowledgeBase."""

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import GRAPH_ERRORS, error_body, graph_error, install_error_handlers
from api.navigation import with_navigation
from api.routers import chat, course, entities, health, page, qa, sparql
from api.settings import ApiSettings
from kg import __version__
from kg.kb import KnowledgeBase
from kg.remote import RemoteEndpoint, RemoteStore
from kg.sparql import SparqlEndpoint, SparqlService
from kg.store import OxigraphStore

STATIC = Path(__file__).resolve().parent / "static"
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
    # No framing, no plugins, no foreign base or form targets. Scripts are not restricted:
    # the API docs page (Swagger UI) starts with an inline script.
    (
        b"content-security-policy",
        b"frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
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


class LimitAndLog:
    """Refuses bodies over the size limit (413) and logs one JSON line per request.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` costs about a
    millisecond per request, as much as a whole SPARQL query.
    """

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
    """

    _MAX_TRACKED = 10_000

    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self._served: dict[tuple[str, int], int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client or not self.max_requests:
            await self.app(scope, receive, send)
            return
        key = (client[0], client[1])
        served = self._served.pop(key, 0) + 1
        if served < self.max_requests:
            if len(self._served) >= self._MAX_TRACKED:  # connections closed by their clients
                self._served.clear()
            self._served[key] = served
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


class _TooLarge(Exception):
    pass


def _sparql_endpoint(kb: KnowledgeBase, settings: ApiSettings) -> SparqlEndpoint:
    """Client queries go to the external store when there is one, else to worker processes."""
    if isinstance(kb.store, RemoteStore):
        return RemoteEndpoint(kb.store, settings.sparql_timeout)
    assert isinstance(kb.store, OxigraphStore)
    return SparqlService(
        kb.store,
        settings.sparql_workers,
        settings.sparql_timeout,
        settings.sparql_worker_memory_mb << 20,
    )


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        started = time.perf_counter()
        kb = KnowledgeBase.open(settings)
        app.state.kb = kb
        app.state.sparql = _sparql_endpoint(kb, settings)
        access_log.info(
            json.dumps({"event": "ready", "seconds": round(time.perf_counter() - started, 2)})
        )
        try:
            yield
        finally:
            app.state.sparql.close()
            kb.close()

    app = FastAPI(
        title="VirtuKG",
        version=__version__,
        description="Questions en français sur un cours de virtualisation : réponses citées, "
        "recherche, graphe de connaissances et point d'accès SPARQL.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(SparqlFastPath)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.add_middleware(HeadAsGet)  # outside GZip: a HEAD gets the GET's compressed headers
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"]
        )

    app.add_middleware(LimitAndLog, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(KeepAliveLimit, max_requests=settings.keepalive_requests)
    routers = (health, page, qa, course, entities, sparql, chat)
    for router in (module.router for module in routers):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="VirtuKG — API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
        return HTMLResponse(with_navigation(bytes(page.body).decode(), "docs", stylesheet=False))

    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (settings from ``VIRTUKG_*`` variables)."""
    return create_app(ApiSettings())
