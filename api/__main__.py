"""``python -m api [--host H] [--port P] [--workers N]``: serve the API with uvicorn."""

import argparse
import logging
import os

import uvicorn

from api.settings import ApiSettings


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
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    uvicorn.run(
        "api.main:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
