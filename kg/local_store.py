"""One store shared by the workers of one machine: a supervised Oxigraph server.

``kg serve --workers N`` (N > 1) with updates enabled and no external store
starts one ``oxigraph serve`` on 127.0.0.1, over a folder beside the artifacts,
publishes the build into it and points every worker at it, so that an update
reaches every worker at once instead of one worker's copy. The server is restarted when it
dies (the workers answer 503 meanwhile, then recover) and dies with its parent.
"""

import logging
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from kg.artifacts import GRAPH
from kg.processes import child_setup
from kg.publish import build_id, publish, published_build
from kg.remote import Endpoints, RemoteStore
from kg.store import StoreUnavailable

log = logging.getLogger(__name__)


def oxigraph_command() -> str:
    """The ``oxigraph`` program: on the PATH, or installed beside this Python."""
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = shutil.which("oxigraph") or (str(beside_python) if beside_python.exists() else "")
    if not found:
        raise RuntimeError("the `oxigraph` program is missing: `pip install oxigraph`")
    return found


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalStore:
    """A supervised ``oxigraph serve`` on 127.0.0.1, holding the current build."""

    def __init__(self, location: Path, timeout_seconds: float) -> None:
        """``timeout_seconds``: how long the service waits for a query (its setting)."""
        self.location = location
        # A second more than the service waits: the service answers 503 first, then the
        # store stops the query.
        self.timeout_seconds = int(timeout_seconds) + 1
        base = f"http://127.0.0.1:{free_port()}"
        self.endpoints = Endpoints(query=f"{base}/query", update=f"{base}/update")
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # a restart and stop() never cross
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)

    def start(self, artifacts_dir: Path) -> None:
        """Start the server, publish the build unless it holds it already, then supervise.
        The server is stopped again when any of it fails."""
        try:
            with self._lock:
                self._spawn()
            store = RemoteStore(self.endpoints)
            try:
                build = build_id((artifacts_dir / GRAPH).read_bytes())
                if published_build(store) != build:  # kept across restarts, updates included
                    publish(store, artifacts_dir, record=False)
            finally:
                store.close()
        except BaseException:
            self.stop()
            raise
        self._supervisor.start()

    def _spawn(self) -> None:
        port = self.endpoints.query.rsplit(":", 1)[1].split("/")[0]
        self._process = subprocess.Popen(
            [
                oxigraph_command(), "serve",
                "--location", str(self.location),
                "--bind", f"127.0.0.1:{port}",
                "--union-default-graph",
                "--timeout-s", str(self.timeout_seconds),
            ],
            stdout=subprocess.DEVNULL,
            preexec_fn=child_setup(death_signal=signal.SIGTERM),
        )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, seconds: float = 30) -> None:
        store = RemoteStore(self.endpoints, timeout=2, retries=0)
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                if self._process is None or self._process.poll() is not None:
                    raise RuntimeError("the local SPARQL store exited at start")
                try:
                    store.ask("ASK {}")
                    return
                except StoreUnavailable:
                    time.sleep(0.1)
        finally:
            store.close()
        raise RuntimeError("the local SPARQL store did not start")

    def _supervise(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            process = self._process
            if process is None or process.poll() is None:
                self._stopping.wait(0.5)
                continue
            log.warning("the local SPARQL store exited (%s); restarting it", process.returncode)
            try:
                with self._lock:
                    if self._stopping.is_set():
                        return
                    self._spawn()
                delay = 0.5
            except (OSError, RuntimeError):
                log.exception("could not restart the local SPARQL store")
                self._stopping.wait(delay)
                delay = min(delay * 2, 10)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            process = self._process
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self._supervisor.is_alive():
            self._supervisor.join(timeout=5)
