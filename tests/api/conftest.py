"""The app built once per session over the session's knowledge base, and a live server."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import ApiSettings


@pytest.fixture(scope="session")
def api_settings(kb) -> ApiSettings:
    return ApiSettings(
        corpus_dir=kb.settings.corpus_dir,
        ontology_dir=kb.settings.ontology_dir,
        artifacts_dir=kb.settings.artifacts_dir,
        sparql_timeout=2.0,
        sparql_max_rows=1000,
        max_body_bytes=20_000,
    )


@pytest.fixture(scope="session")
def app(api_settings):
    return create_app(api_settings)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(api_settings) -> Iterator[str]:
    """`kg serve` on 127.0.0.1 in a subprocess; stopped at the end of the session."""
    port = _free_port()
    env = {
        **os.environ,
        "VIRTUKG_CORPUS_DIR": str(api_settings.corpus_dir),
        "VIRTUKG_ONTOLOGY_DIR": str(api_settings.ontology_dir),
        "VIRTUKG_ARTIFACTS_DIR": str(api_settings.artifacts_dir),
    }
    command = [sys.executable, "-m", "kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode() if server.stderr else "died")
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the server did not become ready")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
