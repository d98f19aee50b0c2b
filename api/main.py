"""The FastAPI application: ``create_app(settings)`` wires the routers over one KnowledgeBase."""

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.middleware import (
    HeadAsGet,
    KeepAliveLimit,
    LimitAndLog,
    OpenAIErrors,
    SecurityHeaders,
    SparqlFastPath,
    TrustedHosts,
    access_log,
)
from api.navigation import with_navigation
from api.routers import chat, course, entities, health, page, qa, sparql
from api.settings import ApiSettings
from kg import __version__
from kg.admission import FairGate
from kg.kb import KnowledgeBase
from kg.remote import RemoteEndpoint, RemoteStore
from kg.sparql import SparqlEndpoint, SparqlService
from kg.store import OxigraphStore

STATIC = Path(__file__).resolve().parent / "static"


def _sparql_endpoint(kb: KnowledgeBase, settings: ApiSettings) -> SparqlEndpoint:
    """Client queries go to the external store when there is one, else to worker processes."""
    if isinstance(kb.store, RemoteStore):
        return RemoteEndpoint(kb.store, settings.sparql_timeout, settings.sparql_update_timeout)
    assert isinstance(kb.store, OxigraphStore)
    return SparqlService(
        kb.store,
        settings.sparql_workers,
        settings.sparql_timeout,
        settings.sparql_worker_memory_mb << 20,
        settings.sparql_update_timeout,
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
    app.state.sparql_gate = FairGate(
        slots=settings.sparql_workers,
        per_client=settings.sparql_per_client,
        waiting_per_client=settings.sparql_queue_per_client,
        waiting=settings.sparql_queue,
        max_wait=settings.sparql_queue_seconds,
    )
    install_error_handlers(app)
    app.add_middleware(SparqlFastPath)
    app.add_middleware(OpenAIErrors, prefix=chat.router.prefix)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.add_middleware(HeadAsGet)  # outside GZip: a HEAD gets the GET's compressed headers
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"]
        )

    # Outermost last: every answer, a refused host's included, is logged and carries the
    # security headers.
    app.add_middleware(TrustedHosts, allowed=settings.allowed_hosts)
    app.add_middleware(LimitAndLog, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(KeepAliveLimit, max_requests=settings.keepalive_requests)
    routers = (health, page, qa, course, entities, sparql, chat)
    for router in (module.router for module in routers):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = (STATIC / "docs.html").read_text(encoding="utf-8")
        return HTMLResponse(with_navigation(page, "docs", stylesheet=False))

    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (settings from ``VIRTUKG_*`` variables)."""
    return create_app(ApiSettings())
