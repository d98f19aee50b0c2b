"""What the SPARQL workbench is given: standalone named queries, the graph's terms,
and client examples that really run against a live server."""

import csv
import io
import subprocess
import sys

import pyoxigraph
import pytest

from kg.namespaces import PREFIXES, VKG


def test_named_queries_declare_the_prefixes_they_use(client):
    queries = client.get("/api/queries").json()
    assert queries
    for query in queries:
        # An empty store that knows no prefix: each query must carry its own declarations.
        pyoxigraph.Store().query(query["query"])
        assert query["title"] and not query["title"].startswith("#")


def test_the_workbench_lists_the_graphs_own_classes_and_properties(client):
    setup = client.get("/api/sparql/workbench").json()
    assert setup["endpoint"].endswith("/sparql")
    assert setup["prefixes"] == PREFIXES
    assert str(VKG.Product) in setup["classes"]
    assert str(VKG.licence) in setup["properties"]
    assert not set(setup["classes"]) & set(setup["properties"])


def _rows(client_name: str, output: str) -> set[tuple[str, str]]:
    if client_name == "curl":
        return {(row["produit"], row["licence"]) for row in csv.DictReader(io.StringIO(output))}
    return {tuple(line.split("\t")) for line in output.splitlines() if line}  # type: ignore[misc]


@pytest.fixture(scope="module")
def examples(live_server: str) -> dict[str, str]:
    import httpx

    setup = httpx.get(f"{live_server}/api/sparql/workbench", timeout=10).json()
    return {example["client"]: example["code"] for example in setup["examples"]}


@pytest.mark.parametrize("client_name", ["curl", "SPARQLWrapper", "rdflib"])
def test_each_client_example_runs_against_the_live_server(
    examples, live_server, client_name, tmp_path, store
):
    code = examples[client_name]
    assert f"{live_server}/sparql" in code
    script = tmp_path / ("example.sh" if client_name == "curl" else "example.py")
    script.write_text(code, encoding="utf-8")
    command = ["sh", str(script)] if client_name == "curl" else [sys.executable, str(script)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    rows = _rows(client_name, done.stdout)
    expected = {
        (str(row["p"]), str(row["l"]))
        for row in store.select(
            "SELECT DISTINCT ?p ?l WHERE { ?x a vkg:Product ; skos:prefLabel ?p ; vkg:licence ?y ."
            " ?y skos:prefLabel ?l }"
        )
    }
    assert rows == expected and len(rows) >= 5
