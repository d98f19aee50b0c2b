"""Liveness and readiness."""

import ipaddress
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import KB, AppSettings
from api.errors import STORE_RETRY_SECONDS, error_body
from api.settings import ApiSettings
from kg.sparql import SparqlEndpoint

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


def _shows_details(request: Request, settings: ApiSettings) -> bool:
    """Counts, versions and fingerprints are for the operator: a client on this machine,
    or one that gives `VIRTUKG_READY_TOKEN`."""
    if request.client is not None and _is_loopback(request.client.host):
        return True
    given = request.headers.get("authorization", "").encode("latin-1")
    expected = f"Bearer {settings.ready_token}".encode()
    return bool(settings.ready_token) and secrets.compare_digest(given, expected)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # "testclient" and other names
        return False


@router.get("/ready", response_model=None)
def ready(kb: KB, settings: AppSettings, request: Request) -> dict[str, Any] | JSONResponse:
    """The knowledge base is loaded and SPARQL can answer; 503 while no SPARQL worker is
    alive (they are being replaced). Details (counts, manifest) only for the operator."""
    service: SparqlEndpoint = request.app.state.sparql
    capacity = service.capacity()
    if not capacity:
        response = error_body(503, "sparql_unavailable", "no SPARQL worker is alive yet")
        response.headers["retry-after"] = str(STORE_RETRY_SECONDS)
        return response
    if not _shows_details(request, settings):
        len(kb.store)  # the store answers (an unreachable external store: 503)
        return {"status": "ready"}
    return {
        "status": "ready",
        "passages": len(kb.passages),
        "entities": len(kb.linker.entities),
        "quads": len(kb.store),  # an unreachable external store: 503
        "store": kb.settings.sparql_endpoint or "embedded",
        "sparql_workers": capacity,
        "manifest": kb.manifest,
    }
