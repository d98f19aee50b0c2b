"""A real Oxigraph server (the `oxigraph` package's `oxigraph serve`) for tests."""

import subprocess
import time
from pathlib import Path

import httpx

from kg.local_store import free_port, oxigraph_command


class OxigraphServer:
    """`oxigraph serve` on 127.0.0.1 over a folder, as a deployment would run it."""

    def __init__(
        self, location: Path, timeout_seconds: int = 3, union_default_graph: bool = True
    ) -> None:
        self.location = location
        self.union_default_graph = union_default_graph
        self.port = free_port()
        self.timeout_seconds = timeout_seconds
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    @property
    def update(self) -> str:
        return f"{self.base}/update"

    @property
    def store(self) -> str:
        return f"{self.base}/store"

    def start(self) -> "OxigraphServer":
        self.process = subprocess.Popen(
            [
                oxigraph_command(), "serve",
                "--location", str(self.location),
                "--bind", f"127.0.0.1:{self.port}",
                "--timeout-s", str(self.timeout_seconds),
                *(["--union-default-graph"] if self.union_default_graph else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {self.process.returncode}")
            try:
                httpx.get(self.query, params={"query": "ASK {}"}, timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("oxigraph serve did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
