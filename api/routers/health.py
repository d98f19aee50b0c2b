"""Liveness and readiness."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import KB
from api.errors import STORE_RETRY_SECONDS, error_body
from kg.sparql import SparqlEndpoint

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/ready", response_model=None)
def ready(kb: KB, request: Request) -> dict[str, Any] | JSONResponse:
    """The knowledge base is loaded and SPARQL can answer: counts and the manifest of the
    artifacts; 503 while no SPARQL worker is alive (they are being replaced)."""
    service: SparqlEndpoint = request.app.state.sparql
    capacity = service.capacity()
    if not capacity:
        response = error_body(503, "sparql_unavailable", "no SPARQL worker is alive yet")
        response.headers["retry-after"] = str(STORE_RETRY_SECONDS)
        return response
    return {
        "status": "ready",
        "passages": len(kb.passages),
        "entities": len(kb.linker.entities),
        "quads": len(kb.store),  # an unreachable external store: 503
        "store": kb.settings.sparql_endpoint or "embedded",
        "sparql_workers": capacity,
        "manifest": kb.manifest,
    }
