"""Startup benchmark: seconds from `kg serve` to a ready service, with built artifacts.

.venv/bin/python bench/startup.py [--runs 3]
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from common import free_port

from kg import artifacts
from kg.config import Settings


def one_start() -> float:
    port = free_port()
    started = time.perf_counter()
    command: list[str | Path] = [Path(sys.executable).parent / "kg", "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                time.sleep(0.05)
            if time.perf_counter() - started > 120:
                raise RuntimeError("the service did not become ready in 120 s")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    artifacts.ensure_built(Settings())
    times = [one_start() for _ in range(args.runs)]
    print(
        f"startup to /ready with built artifacts: median {statistics.median(times):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
