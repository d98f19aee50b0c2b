import json
import subprocess

import pytest

from kg import artifacts
from kg.kb import KnowledgeBase, UnknownEntity
from tests.conftest import build_command


def test_build_writes_graph_passages_and_manifest(tmp_settings):
    manifest = artifacts.build(tmp_settings)
    assert manifest["counts"]["Product"] >= 12
    assert manifest["counts"]["VirtualisationType"] == 7
    assert manifest["counts"]["Passage"] == 40
    assert manifest["documents"] == [
        {"file": "virtualisation.txt", "sha256": manifest["documents"][0]["sha256"], "passages": 40}
    ]
    written = json.loads((tmp_settings.artifacts_dir / artifacts.MANIFEST).read_text())
    assert written["fingerprint"] == artifacts.fingerprint(tmp_settings)
    loaded = artifacts.load(tmp_settings.artifacts_dir)
    assert len(loaded.passages) == 40
    assert loaded.passages[0].source_span(0, 5) == (1, 6)


def test_a_changed_corpus_makes_the_artifacts_stale_and_they_are_rebuilt(tmp_settings):
    artifacts.build(tmp_settings)
    assert artifacts.is_current(tmp_settings)
    deck = tmp_settings.corpus_dir / "virtualisation.txt"
    deck.write_text(deck.read_text().replace("CDDL", "MPL"), encoding="utf-8")
    assert not artifacts.is_current(tmp_settings)
    kb = KnowledgeBase.open(tmp_settings)
    rows = kb.sparql(
        "SELECT ?l WHERE { res:product-solaris-containers vkg:licence/skos:prefLabel ?l }"
    )
    assert [str(r["l"]) for r in rows] == ["MPL"]


def test_a_second_document_is_built_too(tmp_settings):
    (tmp_settings.corpus_dir / "notes.txt").write_text(
        "HYPERVISEUR DE TYPE 1\n\nUn hyperviseur de type 1 s'exécute sur le matériel.\n",
        encoding="utf-8",
    )
    manifest = artifacts.build(tmp_settings)
    assert [d["file"] for d in manifest["documents"]] == ["notes.txt", "virtualisation.txt"]
    kb = KnowledgeBase(artifacts.load(tmp_settings.artifacts_dir), tmp_settings)
    assert "notes-s01" in kb.passages
    assert kb.entity("concept-hyperviseur").passages.count("notes-s01") == 1


def test_damaged_artifacts_are_a_clear_error(tmp_settings):
    artifacts.build(tmp_settings)
    (tmp_settings.artifacts_dir / artifacts.PASSAGES).write_text("{not json", encoding="utf-8")
    with pytest.raises(artifacts.ArtifactsError, match="damaged"):
        artifacts.load(tmp_settings.artifacts_dir)
    with pytest.raises(artifacts.ArtifactsError, match="kg build"):
        artifacts.load(tmp_settings.artifacts_dir.parent / "nowhere")


def test_concurrent_builds_leave_one_whole_artifacts_folder(tmp_settings):
    command = build_command(tmp_settings)
    builds = [subprocess.Popen(command, stdout=subprocess.DEVNULL) for _ in range(2)]
    assert [build.wait(timeout=240) for build in builds] == [0, 0]
    assert artifacts.is_current(tmp_settings)
    assert len(artifacts.load(tmp_settings.artifacts_dir).passages) == 40
    leftovers = [
        p.name
        for p in tmp_settings.artifacts_dir.parent.iterdir()
        if p.name.startswith(".artifacts-")
    ]
    assert leftovers == []


def test_entity_card_lists_facts_with_their_source(tmp_settings):
    kb = KnowledgeBase.open(tmp_settings)
    card = kb.entity("product-wine")
    assert card.label == "Wine"
    assert "Product" in card.types
    licences = {(f.object, f.source) for f in card.facts if f.predicate == "licence"}
    assert licences == {("GPL", "virtualisation-s33"), ("LGPL", "virtualisation-s44")}
    assert "virtualisation-s44" in card.passages
    with pytest.raises(UnknownEntity):
        kb.entity("product-nothing")


def test_network_neighbours_and_paths(tmp_settings):
    kb = KnowledgeBase.open(tmp_settings)
    path = kb.path("product-kvm", "product-qemu")
    assert len(path) == 1
    assert (path[0].source, path[0].target) == ("product-kvm", "product-qemu")
    assert path[0].predicate in {"forkOf", "basedOn"}
    nodes, edges = kb.neighbours("product-xen", depth=1)
    assert {"org-universite-de-cambridge", "licence-gpl", "type-paravirtualisation"} <= set(nodes)
    assert all("product-xen" in (e.source, e.target) for e in edges)
    with pytest.raises(UnknownEntity):
        kb.neighbours("product-nothing")
