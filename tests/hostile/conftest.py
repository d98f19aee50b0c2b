"""A live `kg serve` of these tests' own, with small limits, which they attack."""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kg.local_store import free_port
from tests.conftest import wait_ready

TOKEN = "hostile-token"


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]

    def sparql_workers(self) -> list[int]:
        """The process ids of the server's SPARQL workers (`python -m kg.sparql`)."""
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        return [int(pid) for pid in found if "kg.sparql" in _command_line(int(pid))]


def client_at(address: str) -> httpx.Client:
    """An HTTP client whose connections come from ``address`` (any 127.x.y.z is this
    machine): a distinct client for the server's fair SPARQL queue."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _command_line(pid: int) -> str:
    if not _alive(pid):
        return ""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def start_server(api_settings, log: Path, **settings: str) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "VIRTUKG_CORPUS_DIR": str(api_settings.corpus_dir),
        "VIRTUKG_ONTOLOGY_DIR": str(api_settings.ontology_dir),
        "VIRTUKG_ARTIFACTS_DIR": str(api_settings.artifacts_dir),
        "VIRTUKG_SPARQL_TIMEOUT": "2",
        "VIRTUKG_SPARQL_WORKER_MEMORY_MB": "512",
        "VIRTUKG_SPARQL_MAX_BYTES": "200000",
        "VIRTUKG_SPARQL_UPDATES": "true",
        "VIRTUKG_SPARQL_UPDATE_TOKEN": TOKEN,
        "VIRTUKG_HEADER_SECONDS": "1.5",
        "VIRTUKG_BODY_SECONDS": "1.5",
        "VIRTUKG_SPARQL_UPDATE_TIMEOUT": "1.5",
        "VIRTUKG_SPARQL_QUEUE_SECONDS": "4",
        **{f"VIRTUKG_{name.upper()}": value for name, value in settings.items()},
    }
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process, log)
    return Server(base, process)


@pytest.fixture(scope="module")
def server(api_settings, tmp_path_factory) -> Iterator[Server]:
    live = start_server(api_settings, tmp_path_factory.mktemp("hostile") / "server.log")
    yield live
    live.process.terminate()
    live.process.wait(timeout=30)
