"""The graph in an external store: `kg publish`, a store that goes away and comes back,
replicas sharing one store, and the protocol's updates in both store modes."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from kg.artifacts import GRAPH, MANIFEST
from kg.corpus import load_corpus
from kg.graph import build_dataset
from kg.kb import KnowledgeBase
from kg.local_store import free_port
from kg.namespaces import RES
from kg.publish import StoreNotReady, publish
from kg.remote import RemoteStore
from tests.conftest import ONTOLOGY_DIR, store_settings, wait_ready
from tests.oxigraph_server import OxigraphServer

TOKEN = "s3cret"
AUTH = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def own_server(tmp_path) -> Iterator[OxigraphServer]:
    """A server of this test's own, which it may fill, change or stop."""
    server = OxigraphServer(tmp_path / "store").start()
    yield server
    server.stop()


@pytest.fixture
def published(own_server, api_settings):
    """Settings over the test's own server, holding the session's build; updates on."""
    settings = store_settings(api_settings, own_server).model_copy(
        update={"sparql_updates": True, "sparql_update_token": TOKEN}
    )
    store = RemoteStore(settings.endpoints())
    publish(store, settings.artifacts_dir, record=False)
    store.close()
    return settings


@pytest.fixture(params=["embedded", "oxigraph"])
def updatable(request, api_settings) -> Iterator[TestClient]:
    """A client with updates enabled, over a store of its own (embedded or external)."""
    if request.param == "embedded":
        settings = api_settings.model_copy(
            update={"sparql_updates": True, "sparql_update_token": TOKEN}
        )
    else:
        settings = request.getfixturevalue("published")
    with TestClient(create_app(settings)) as client:
        yield client


def _artifacts_of(corpus_dir: Path, folder: Path) -> Path:
    """A folder with the graph built from ``corpus_dir`` and a manifest, as `kg build` leaves."""
    folder.mkdir(parents=True)
    dataset = build_dataset(load_corpus(corpus_dir), ONTOLOGY_DIR)
    (folder / GRAPH).write_text(dataset.serialize(format="trig"), encoding="utf-8")
    (folder / MANIFEST).write_text("{}", encoding="utf-8")
    return folder


def test_publish_loads_the_build_records_it_and_follows_the_document(
    own_server, api_settings, deck_variant, tmp_path
):
    store = RemoteStore(store_settings(api_settings, own_server).endpoints())
    built = shutil.copytree(api_settings.artifacts_dir, tmp_path / "artifacts")
    first = publish(store, built)
    assert first.quads == len(store) > 1000
    manifest = (built / MANIFEST).read_text(encoding="utf-8")
    assert first.build in manifest and own_server.query in manifest
    licence = "SELECT ?l WHERE { res:product-xen vkg:licence/skos:prefLabel ?l }"
    assert [str(r["l"]) for r in store.select(licence)] == ["GPL"]

    renamed = deck_variant(lambda text: text.replace("Bare Metal GPL", "Bare Metal EUPL"))
    second = publish(store, _artifacts_of(renamed, tmp_path / "variant"))
    assert second.build != first.build
    assert [str(r["l"]) for r in store.select(licence)] == ["EUPL"]
    assert len(store) == second.quads  # the first build's triples are gone
    store.close()


def test_readers_never_see_half_a_publication(own_server, api_settings, deck_variant, tmp_path):
    store = RemoteStore(store_settings(api_settings, own_server).endpoints())
    whole = publish(store, api_settings.artifacts_dir, record=False).quads
    fewer_slides = deck_variant(lambda text: text[: len(text) // 2])
    half = _artifacts_of(fewer_slides, tmp_path / "half")
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        reader = RemoteStore(store.endpoints)
        while not stop.is_set():
            seen.add(len(reader))
        reader.close()

    thread = threading.Thread(target=read)
    thread.start()
    sizes = {whole}
    for artifacts_dir in [half, api_settings.artifacts_dir] * 3:
        sizes.add(publish(store, artifacts_dir, record=False).quads)
    stop.set()
    thread.join()
    store.close()
    assert len(sizes) == 2 and len(seen) >= 1
    assert seen <= sizes, f"a reader saw a half-published graph: {seen - sizes}"


def test_serving_a_store_without_the_current_build_says_so(own_server, api_settings, tmp_path):
    settings = store_settings(api_settings, own_server)
    with pytest.raises(StoreNotReady, match="kg publish"):
        KnowledgeBase.open(settings)
    no_union = OxigraphServer(tmp_path / "no-union", union_default_graph=False).start()
    try:
        store = RemoteStore(store_settings(api_settings, no_union).endpoints())
        publish(store, api_settings.artifacts_dir, record=False)
        store.close()
        with pytest.raises(StoreNotReady, match="union"):
            KnowledgeBase.open(store_settings(api_settings, no_union))
    finally:
        no_union.stop()


def test_a_store_that_goes_away_gives_503_then_the_service_recovers(own_server, published):
    question = {"question": "Sous quelle licence Xen est-il distribué ?"}
    query = {"query": "SELECT ?l WHERE { res:product-xen vkg:licence ?l }"}
    with TestClient(create_app(published)) as client:
        assert client.get("/sparql", params=query).status_code == 200
        answer = client.post("/api/ask", json=question).json()["answer"]
        own_server.stop()
        for response in (
            client.get("/sparql", params=query),
            client.get("/ready"),
            client.get("/api/entities/product-xen"),
        ):
            assert response.status_code == 503, response.text
            assert response.json()["error"] == "store_unavailable"
            assert int(response.headers["retry-after"]) > 0
        own_server.start()
        assert client.get("/sparql", params=query).status_code == 200
        assert client.get("/ready").status_code == 200
        assert client.post("/api/ask", json=question).json()["answer"] == answer


def _serve(settings, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    """`kg serve` in a process of its own, updates on, over the settings' store."""
    env = {
        **os.environ,
        "VIRTUKG_CORPUS_DIR": str(settings.corpus_dir),
        "VIRTUKG_ONTOLOGY_DIR": str(settings.ontology_dir),
        "VIRTUKG_ARTIFACTS_DIR": str(settings.artifacts_dir),
        "VIRTUKG_SPARQL_ENDPOINT": settings.sparql_endpoint,
        "VIRTUKG_SPARQL_UPDATE_ENDPOINT": settings.sparql_update_endpoint,
        "VIRTUKG_SPARQL_UPDATES": "true",
        "VIRTUKG_SPARQL_UPDATE_TOKEN": TOKEN,
    }
    command = [
        sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--workers", str(workers)
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def test_two_replicas_over_one_store_agree_and_see_each_others_updates(published, tmp_path):
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"replica-{i}.log" for i in range(2)]
    replicas = [_serve(published, port, log) for port, log in zip(ports, logs, strict=True)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, process, log in zip(bases, replicas, logs, strict=True):
            wait_ready(base, process, log)
        for question in ("Qui a créé KVM ?", "Quels produits sont sous licence GPL ?"):
            answers = [
                httpx.post(f"{base}/api/ask", json={"question": question}, timeout=30).json()
                for base in bases
            ]
            assert answers[0]["answer"] == answers[1]["answer"]
            assert answers[0]["citations"] == answers[1]["citations"]
        insert = "INSERT DATA { GRAPH res:notes { res:product-kvm vkg:maintainer res:x } }"
        done = httpx.post(f"{bases[0]}/sparql", data={"update": insert}, headers=AUTH)
        assert done.status_code == 200, done.text
        ask = {"query": "ASK { res:product-kvm vkg:maintainer res:x }"}
        seen = [httpx.get(f"{bases[1]}/sparql", params=ask).json()["boolean"] for _ in range(10)]
        assert seen == [True] * 10
    finally:
        for process in replicas:
            process.terminate()
            process.wait(timeout=30)


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in found.split()]


def test_the_workers_of_one_machine_share_one_store(api_settings, tmp_path):
    """With several workers accepting updates and no external store, `kg serve` runs one
    local store for
    them all: an update reaches every worker; the store dies with the server."""
    settings = api_settings.model_copy(
        update={"artifacts_dir": tmp_path / "artifacts", "sparql_endpoint": ""}
    )
    shutil.copytree(api_settings.artifacts_dir, settings.artifacts_dir)
    port, log = free_port(), tmp_path / "server.log"
    server = _serve(settings, port, log, workers=2)
    base = f"http://127.0.0.1:{port}"
    children: list[int] = []
    stores: list[int] = []
    try:
        wait_ready(base, server, log)
        insert = "INSERT DATA { GRAPH res:notes { res:product-xen vkg:maintainer res:y } }"
        done = httpx.post(f"{base}/sparql", data={"update": insert}, headers=AUTH)
        assert done.status_code == 200, done.text
        ask = {"query": "ASK { res:product-xen vkg:maintainer res:y }"}
        seen = []
        for _ in range(20):  # a new connection each time: requests spread over the workers
            with httpx.Client() as client:
                seen.append(client.get(f"{base}/sparql", params=ask).json()["boolean"])
        assert seen == [True] * 20
        children = _children(server.pid)
        stores = [
            pid for pid in children
            if "oxigraph" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        ]  # fmt: skip
        assert len(stores) == 1
    finally:
        server.kill()  # no clean shutdown: the store must still go
        server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in stores) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in set(children) - set(stores):  # the web workers: not this test's subject
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert not any(Path(f"/proc/{pid}").exists() for pid in stores), "the store outlived it"


# The SPARQL 1.1 Protocol's update tests, in both store modes.


def _ask(client: TestClient, query: str) -> bool:
    return bool(client.get("/sparql", params={"query": query}).json()["boolean"])


def test_update_by_form_and_by_body(updatable):
    form = "INSERT DATA { GRAPH res:g1 { res:a res:p 1 } }"
    body = "INSERT DATA { GRAPH res:g2 { res:a res:p 2 } }"
    assert updatable.post("/sparql", data={"update": form}, headers=AUTH).status_code == 200
    direct = updatable.post(
        "/sparql",
        content=body.encode(),
        headers={**AUTH, "content-type": "application/sparql-update"},
    )
    assert direct.status_code == 200, direct.text
    assert _ask(updatable, "ASK { GRAPH res:g1 { res:a res:p 1 } GRAPH res:g2 { res:a res:p 2 } }")


def test_update_relative_iris_resolve_against_the_endpoint(updatable):
    update = "INSERT DATA { GRAPH <notes> { <thing> <says> 'bonjour' } }"
    response = updatable.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 200, response.text
    endpoint = "http://testserver/"
    assert _ask(
        updatable,
        f"ASK {{ GRAPH <{endpoint}notes> {{ <{endpoint}thing> <{endpoint}says> 'bonjour' }} }}",
    )


WINE_SLIDE = str(RES["passage-virtualisation-s44"])
TABLE_SLIDE = str(RES["passage-virtualisation-s33"])


@pytest.mark.parametrize(
    ("where", "parameters", "products"),
    [
        # update_dataset_default_graph: the default graph is the one given
        ("?p vkg:licence ?l", {"using-graph-uri": [WINE_SLIDE]}, {"wine"}),
        # update_dataset_default_graphs: the merge of the ones given
        (
            "?p vkg:licence ?l",
            {"using-graph-uri": [WINE_SLIDE, TABLE_SLIDE]},
            {"wine", "xen", "kvm", "qemu", "bochs"},
        ),
        # update_dataset_named_graphs: GRAPH sees only the named graphs given
        ("GRAPH ?g { ?p vkg:licence ?l }", {"using-named-graph-uri": [WINE_SLIDE]}, {"wine"}),
        # update_dataset_full: both at once
        (
            "?p vkg:licence ?l GRAPH ?g { ?p vkg:licence ?m }",
            {"using-graph-uri": [TABLE_SLIDE], "using-named-graph-uri": [WINE_SLIDE]},
            {"wine"},
        ),
    ],
)
def test_update_dataset_parameters(updatable, where, parameters, products):
    copy = f"INSERT {{ GRAPH res:copied {{ ?p vkg:licence ?l }} }} WHERE {{ {where} }}"
    response = updatable.post("/sparql", data={"update": copy, **parameters}, headers=AUTH)
    assert response.status_code == 200, response.text
    rows = updatable.get(
        "/sparql", params={"query": "SELECT DISTINCT ?p WHERE { GRAPH res:copied { ?p ?x ?y } }"}
    ).json()["results"]["bindings"]
    found = {r["p"]["value"] for r in rows}
    assert {str(RES[f"product-{name}"]) for name in products} <= found
    if len(products) == 1:
        assert len(found) == 1


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 400, "update_by_get"),
        (
            {"method": "POST", "data": {"update": ["CLEAR ALL", "CLEAR ALL"]}},
            400,
            "ambiguous",
        ),
        (
            {"method": "POST", "content": b"CLEAR ALL", "headers": {"content-type": "text/x"}},
            415,
            "unsupported_media_type",
        ),
        ({"method": "POST", "content": b"CLEAR ALL"}, 400, "missing_content_type"),
        (
            {
                "method": "POST",
                "content": "INSERT DATA { res:a res:p 'é' }".encode("latin-1"),
                "headers": {"content-type": "application/sparql-update"},
            },
            400,
            "bad_encoding",
        ),
        ({"method": "POST", "data": {"update": "INSERT DATO { }"}}, 400, "syntax"),
        (
            {
                "method": "POST",
                "data": {
                    "update": "DELETE { ?s ?p ?o } USING res:g WHERE { ?s ?p ?o }",
                    "using-graph-uri": "https://w3id.org/virtukg/id/passage-x",
                },
            },
            400,
            "ambiguous",
        ),
    ],
)
def test_bad_updates_are_4xx_json(updatable, request_kwargs, status, code):
    kwargs = dict(request_kwargs)
    headers = {**AUTH, **kwargs.pop("headers", {})}
    response = updatable.request(url="/sparql", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code


def test_load_and_where_inside_literals_are_text(updatable):
    update = (
        "INSERT { GRAPH res:notes { res:a res:says 'load <http://x> WHERE' } } WHERE { ?s ?p ?o } "
    )
    response = updatable.post(
        "/sparql",
        data={"update": update, "using-graph-uri": str(RES["passage-virtualisation-s44"])},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    assert _ask(updatable, "ASK { GRAPH res:notes { res:a res:says 'load <http://x> WHERE' } }")
