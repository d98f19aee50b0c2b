"""Liveness and readiness."""

from typing import Any

from fastapi import APIRouter

from api.deps import KB

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/ready")
def ready(kb: KB) -> dict[str, Any]:
    """The knowledge base is loaded: its counts and the manifest of its artifacts."""
    return {
        "status": "ready",
        "passages": len(kb.passages),
        "entities": len(kb.linker.entities),
        "quads": len(kb.store),  # an unreachable external store: 503
        "store": kb.settings.sparql_endpoint or "embedded",
        "manifest": kb.manifest,
    }
