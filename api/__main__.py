"""``python -m api [--host H] [--port P] [--workers N]``: serve the API with uvicorn."""

import argparse
import json
import logging
import os

import uvicorn

from api.protocol import GuardedHttpToolsProtocol
from api.settings import ApiSettings
from kg import artifacts
from kg.local_store import LocalStore


def main() -> None:
    settings = ApiSettings()
    parser = argparse.ArgumentParser(prog="kg serve", description="Serve the VirtuKG API.")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.workers > 1:
        # Each worker is a process with its own encoder: share the cores, don't fight.
        cores = os.cpu_count() or 1
        os.environ.setdefault("VIRTUKG_ENCODER_THREADS", str(max(1, cores // args.workers)))
    if args.host not in ("0.0.0.0", "::") and args.host not in settings.allowed_hosts:
        # The workers read their settings from the environment.
        os.environ["VIRTUKG_ALLOWED_HOSTS"] = json.dumps([*settings.allowed_hosts, args.host])
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    shared = _shared_store(settings) if args.workers > 1 and settings.sparql_updates else None
    try:  # a store that failed to start was stopped by its start()
        uvicorn.run(
            "api.main:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=False,
            log_level="warning",
            http=GuardedHttpToolsProtocol,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
    finally:
        if shared is not None:
            shared.stop()


def _shared_store(settings: ApiSettings) -> LocalStore | None:
    """Several workers that accept updates share one store (a supervised local one unless
    an external store is set), so that an update reaches them all; the workers find it in
    the environment. Read-only workers keep their own copies of the one build, which
    cannot diverge and answer faster (no HTTP hop, no extra process on the cores)."""
    if settings.sparql_endpoint:
        return None
    artifacts.ensure_built(settings)
    location = settings.artifacts_dir.with_name(settings.artifacts_dir.name + "-store")
    store = LocalStore(location, settings.sparql_timeout)
    store.start(settings.artifacts_dir)
    os.environ["VIRTUKG_SPARQL_ENDPOINT"] = store.endpoints.query
    os.environ["VIRTUKG_SPARQL_UPDATE_ENDPOINT"] = store.endpoints.update
    return store


if __name__ == "__main__":
    main()
