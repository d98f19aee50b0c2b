"""Faults: damaged or foreign artifacts, bad documents, interrupted builds."""

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kg import artifacts
from kg.kb import KnowledgeBase
from kg.sparql import SparqlService, _Worker
from tests.conftest import build_command


@pytest.mark.parametrize("damaged", [artifacts.VECTORS, f"{artifacts.ENCODER_DIR}/model.onnx"])
def test_damaged_artifacts_are_rebuilt_at_startup(tmp_settings, damaged):
    artifacts.build(tmp_settings)
    (tmp_settings.artifacts_dir / damaged).write_bytes(b"not an index nor a model")
    kb = KnowledgeBase.open(tmp_settings)
    assert kb.search("licence de Wine", 1)[0].slide in (33, 44)


def test_artifacts_from_another_version_are_rebuilt(tmp_settings):
    artifacts.build(tmp_settings)
    manifest_path = tmp_settings.artifacts_dir / artifacts.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["fingerprint"]["virtukg"] = "0.0.0-old"
    manifest_path.write_text(json.dumps(manifest))
    assert not artifacts.is_current(tmp_settings)
    KnowledgeBase.open(tmp_settings)
    assert artifacts.is_current(tmp_settings)


def test_a_bad_document_is_named_and_the_others_still_built(tmp_settings):
    (tmp_settings.corpus_dir / "latin1.txt").write_bytes("Système à l'écart".encode("latin-1"))
    (tmp_settings.corpus_dir / "empty.txt").write_text("")
    manifest = artifacts.build(tmp_settings)
    assert set(manifest["problems"]) == {"latin1.txt", "empty.txt"}
    assert "not UTF-8" in manifest["problems"]["latin1.txt"]
    assert [d["file"] for d in manifest["documents"]] == ["virtualisation.txt"]


def test_a_build_killed_halfway_leaves_the_previous_artifacts_whole(tmp_settings):
    artifacts.build(tmp_settings)
    before = (tmp_settings.artifacts_dir / artifacts.MANIFEST).read_text()
    deck = tmp_settings.corpus_dir / "virtualisation.txt"
    deck.write_text(deck.read_text().replace("CDDL", "MPL"))
    command = build_command(tmp_settings)
    build = subprocess.Popen(command)
    time.sleep(2.0)  # well inside loading the model, before the swap
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    assert (tmp_settings.artifacts_dir / artifacts.MANIFEST).read_text() == before
    loaded = artifacts.load(tmp_settings.artifacts_dir)
    assert len(loaded.passages) == 40
    assert not artifacts.is_current(tmp_settings)  # the next start rebuilds from the new deck


def _sparql_workers() -> list[int]:
    """This process's children that are SPARQL workers (`python -m kg.sparql`)."""
    found = subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True)
    workers = []
    for pid in found.stdout.split():
        with contextlib.suppress(OSError):
            if b"kg.sparql" in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers.append(int(pid))
    return workers


def test_a_sparql_worker_failing_to_start_leaves_none_behind(kb, monkeypatch):
    """The workers start together; one that dies as it starts must not strand the others."""
    start = _Worker.wait_started
    failures: list[_Worker] = []

    def first_fails(worker: _Worker) -> None:
        if not failures:  # as a worker killed before it says it is ready
            failures.append(worker)
            worker.stop()
            raise RuntimeError("a SPARQL worker failed to start")
        start(worker)

    monkeypatch.setattr(_Worker, "wait_started", first_fails)
    service = SparqlService(kb.store, workers=2)
    try:
        assert failures and service.capacity() == 2
        deadline = time.monotonic() + 10
        while len(_sparql_workers()) != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_sparql_workers()) == 2
    finally:
        service.close()
    assert not _sparql_workers()
