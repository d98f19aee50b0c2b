import json

from kg.cli import main


def _paths(settings):
    return [
        "--corpus-dir",
        str(settings.corpus_dir),
        "--ontology-dir",
        str(settings.ontology_dir),
        "--artifacts-dir",
        str(settings.artifacts_dir),
    ]


def test_build_prints_counts_per_class(tmp_settings, capsys):
    assert main(["build", *_paths(tmp_settings)]) == 0
    out = capsys.readouterr().out
    assert "virtualisation.txt: 40 passages" in out
    assert any(line.split() == ["VirtualisationType", "7"] for line in out.splitlines())


def test_sparql_and_entity_commands(tmp_settings, capsys):
    query = "SELECT ?v WHERE { res:product-kvm vkg:kernelVersion ?v }"
    assert main(["sparql", query, *_paths(tmp_settings)]) == 0
    assert json.loads(capsys.readouterr().out) == [{"v": "2.6.20"}]
    assert main(["entity", "person-rusty-russell", *_paths(tmp_settings)]) == 0
    assert json.loads(capsys.readouterr().out)["label"] == "Rusty Russell"


def test_errors_are_reported_without_a_traceback(tmp_settings, capsys):
    assert main(["sparql", "SELECT WHERE {", *_paths(tmp_settings)]) == 2
    assert "kg: error:" in capsys.readouterr().err
    assert main(["entity", "nothing-here", *_paths(tmp_settings)]) == 2
    assert "unknown entity" in capsys.readouterr().err
