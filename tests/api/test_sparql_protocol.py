"""The SPARQL 1.1 Protocol rules, through the test client and with real clients."""

import contextlib
import csv
import io
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from api.main import create_app
from api.routers.sparql import address_key
from kg.namespaces import RES, VKG, sparql_prefixes
from kg.sparql import QueryRequest, SparqlError, run_query

LICENCE_OF_XEN = "SELECT ?l WHERE { res:product-xen vkg:licence/skos:prefLabel ?l }"
CONSTRUCT_KVM = "CONSTRUCT { res:product-kvm ?p ?o } WHERE { res:product-kvm ?p ?o }"
JSON_RESULTS = "application/sparql-results+json"


def _values(response):
    return [b["l"]["value"] for b in response.json()["results"]["bindings"]]


def test_query_by_get_post_form_and_post_direct(client):
    by_get = client.get("/sparql", params={"query": LICENCE_OF_XEN})
    by_form = client.post("/sparql", data={"query": LICENCE_OF_XEN})
    by_body = client.post(
        "/sparql",
        content=LICENCE_OF_XEN.encode(),
        headers={"content-type": "application/sparql-query"},
    )
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(JSON_RESULTS)
        assert _values(response) == ["GPL"]


def test_select_results_in_every_format(client):
    xml = client.get(
        "/sparql",
        params={"query": LICENCE_OF_XEN},
        headers={"accept": "application/sparql-results+xml"},
    )
    literal = ET.fromstring(xml.text).find(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert literal is not None and literal.text == "GPL"
    table = client.get("/sparql", params={"query": LICENCE_OF_XEN}, headers={"accept": "text/csv"})
    assert list(csv.reader(io.StringIO(table.text))) == [["l"], ["GPL"]]
    tsv = client.get(
        "/sparql", params={"query": LICENCE_OF_XEN}, headers={"accept": "text/tab-separated-values"}
    )
    assert tsv.text.splitlines() == ["?l", '"GPL"@fr']


def test_accept_q_values_choose_the_format(client):
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    response = client.get("/sparql", params={"query": LICENCE_OF_XEN}, headers={"accept": accept})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    response = client.get(
        "/sparql", params={"query": LICENCE_OF_XEN}, headers={"accept": "image/png"}
    )
    assert response.status_code == 406 and response.json()["error"] == "not_acceptable"


@pytest.mark.parametrize(
    ("media", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_results_parse_back(client, media, rdflib_format):
    response = client.get("/sparql", params={"query": CONSTRUCT_KVM}, headers={"accept": media})
    assert response.headers["content-type"].startswith(media)
    graph = Graph().parse(data=response.text, format=rdflib_format)
    assert (RES["product-kvm"], VKG.forkOf, RES["product-qemu"]) in graph


def test_construct_defaults_to_turtle_and_ask_to_json(client):
    assert (
        client.get("/sparql", params={"query": CONSTRUCT_KVM})
        .headers["content-type"]
        .startswith("text/turtle")
    )
    ask = client.get(
        "/sparql", params={"query": "ASK { res:product-kvm vkg:forkOf res:product-qemu }"}
    )
    assert ask.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", "<http://testserver/s> <http://testserver/p>"),
        (
            "CONSTRUCT { <a/b> <#c> <../d> } WHERE {}",
            "<http://testserver/a/b> <http://testserver/sparql#c> <http://testserver/d>",
        ),
    ],
)
def test_relative_iris_resolve_against_the_endpoint(client, query, expected):
    response = client.post(
        "/sparql",
        content=query,
        headers={"content-type": "application/sparql-query", "accept": "application/n-triples"},
    )
    assert response.status_code == 200, response.text
    assert expected in response.text
    select = client.get("/sparql", params={"query": "SELECT ?x WHERE { VALUES ?x { <y> } }"})
    assert select.json()["results"]["bindings"][0]["x"]["value"] == "http://testserver/y"


def test_a_get_without_query_describes_the_service(client):
    response = client.get("/sparql")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(
        str(o) == f"{sd}SPARQL11Query"
        for o in graph.objects(None, URIRef(f"{sd}supportedLanguage"))
    )


def test_the_default_graph_is_the_union_and_protocol_graphs_override_from(client):
    table = str(RES["passage-virtualisation-s33"])
    wine_slide = str(RES["passage-virtualisation-s44"])
    pattern = "{ res:product-wine vkg:licence ?x . BIND(STR(?x) AS ?l) }"
    query = f"SELECT ?l FROM <{table}> WHERE {pattern}"
    union = client.get("/sparql", params={"query": f"SELECT ?l WHERE {pattern}"})
    assert len(_values(union)) == 2
    assert _values(client.get("/sparql", params={"query": query})) == [str(RES["licence-gpl"])]
    overridden = client.get("/sparql", params={"query": query, "default-graph-uri": wine_slide})
    assert _values(overridden) == [str(RES["licence-lgpl"])]
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT ?l WHERE { GRAPH ?g { res:product-wine vkg:licence ?x } "
            "BIND(STR(?g) AS ?l) }",
            "named-graph-uri": wine_slide,
        },
    )
    assert _values(named) == [wine_slide]


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"method": "GET", "url": "/sparql", "params": {"query": "SELEC nothing"}}, 400, "syntax"),
        ({"method": "GET", "url": "/sparql?query=ASK{}&query=ASK{}"}, 400, "ambiguous"),
        (
            {"method": "GET", "url": "/sparql", "params": {"update": "CLEAR ALL"}},
            400,
            "update_by_get",
        ),
        ({"method": "POST", "url": "/sparql", "content": b"ASK {}"}, 400, "missing_content_type"),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": b"ASK {}",
                "headers": {"content-type": "text/plain"},
            },
            415,
            "unsupported_media_type",
        ),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": 'ASK { ?s ?p "é" }'.encode("latin-1"),
                "headers": {"content-type": "application/sparql-query"},
            },
            400,
            "bad_encoding",
        ),
        ({"method": "POST", "url": "/sparql", "data": {"update": "CLEAR ALL"}}, 403, "forbidden"),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": b"DROP ALL",
                "headers": {"content-type": "application/sparql-update"},
            },
            403,
            "forbidden",
        ),
        ({"method": "PUT", "url": "/sparql", "content": b"x"}, 405, "method_not_allowed"),
        (
            {
                "method": "GET",
                "url": "/sparql",
                "params": {"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"},
            },
            400,
            "too_many_rows",
        ),
    ],
)
def test_protocol_errors_are_4xx_json(client, request_kwargs, status, code):
    response = client.request(**request_kwargs)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code
    assert response.json()["message"]


def test_malformed_queries_say_in_french_where_they_break(client):
    query = "SELECT ?x\nWHERE { ?x ?y }"
    message = client.get("/sparql", params={"query": query}).json()["message"]
    assert message.startswith("requête SPARQL mal formée, ligne 2, colonne")
    assert "attendu" in message


def test_a_slow_query_is_stopped_and_others_still_answer(client):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    results = {}

    def run_slow() -> None:
        results["slow"] = client.get("/sparql", params={"query": slow})

    thread = threading.Thread(target=run_slow)
    thread.start()
    fast = client.get("/sparql", params={"query": LICENCE_OF_XEN})
    assert _values(fast) == ["GPL"]
    thread.join(timeout=30)
    assert results["slow"].status_code == 503
    assert results["slow"].json()["error"] == "timeout"
    assert _values(client.get("/sparql", params={"query": LICENCE_OF_XEN})) == ["GPL"]


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def do_POST(self) -> None:
        self.do_GET()

    def log_message(self, *args: object) -> None:
        pass


def test_queries_never_open_a_connection():
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    remote = f"http://127.0.0.1:{server.server_port}/data"
    try:
        store = ox.Store()
        for query in (
            f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}",
        ):
            with contextlib.suppress(SparqlError):
                run_query(store, QueryRequest(query, ["*/*"], [], [], 10))
    finally:
        server.shutdown()
    assert _Recorder.hits == []


def test_service_and_remote_from_through_the_endpoint_fetch_nothing(client):
    _Recorder.hits = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{server.server_port}/data"
    try:
        service = client.get(
            "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}"}
        )
        from_remote = client.get(
            "/sparql", params={"query": f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}"}
        )
    finally:
        server.shutdown()
    assert service.status_code == 400
    assert from_remote.status_code == 200 and from_remote.json()["results"]["bindings"] == []
    assert _Recorder.hits == []


def test_updates_when_enabled_need_the_token_and_change_the_live_graph(api_settings):
    settings = api_settings.model_copy(
        update={"sparql_updates": True, "sparql_update_token": "s3cret"}
    )
    insert = "INSERT DATA { GRAPH res:g { res:product-kvm vkg:maintainer res:person-test } }"
    with TestClient(create_app(settings)) as client:
        assert client.post("/sparql", data={"update": insert}).status_code == 401
        wrong = client.post(
            "/sparql", data={"update": insert}, headers={"authorization": "Bearer nope"}
        )
        assert wrong.status_code == 401
        for raw in ("Bearer s3crét".encode(), b"Bearer \xff\xfe", "Bearer 秘密".encode()):
            odd = client.post("/sparql", data={"update": insert}, headers={"authorization": raw})
            assert odd.status_code == 401 and odd.json()["error"] == "unauthorized"
        load = client.post(
            "/sparql",
            data={"update": "LOAD <http://127.0.0.1:9/x>"},
            headers={"authorization": "Bearer s3cret"},
        )
        assert load.status_code == 400 and load.json()["error"] == "load_refused"
        done = client.post(
            "/sparql", data={"update": insert}, headers={"authorization": "Bearer s3cret"}
        )
        assert done.status_code == 200
        ask = client.get(
            "/sparql", params={"query": "ASK { res:product-kvm vkg:maintainer res:person-test }"}
        )
        assert ask.json()["boolean"] is True


def test_sparqlwrapper_against_a_live_server(live_server):
    endpoint = SPARQLWrapper(f"{live_server}/sparql")
    endpoint.setQuery(sparql_prefixes() + LICENCE_OF_XEN)
    endpoint.setReturnFormat(JSON)
    rows = endpoint.query().convert()["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == ["GPL"]
    endpoint.setMethod(POST)
    endpoint.setQuery(
        CONSTRUCT_KVM.replace("res:", "<https://w3id.org/virtukg/id/").replace(
            "product-kvm ", "product-kvm> "
        )
    )
    endpoint.setReturnFormat(TURTLE)
    graph = Graph().parse(data=endpoint.query().convert(), format="turtle")
    assert (RES["product-kvm"], VKG.forkOf, RES["product-qemu"]) in graph
    endpoint.setQuery("ASK { ?s ?p ?o }")
    endpoint.setReturnFormat(JSON)
    assert endpoint.query().convert()["boolean"] is True
    assert json.loads(json.dumps(rows))


@pytest.mark.parametrize("keyword", ["SERVICE", "service", "SERV\\u0049CE"])
def test_service_is_refused_however_it_is_written(client, keyword):
    query = f"SELECT * WHERE {{ {keyword} <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "SERVICE is refused" in response.json()["message"]


def test_using_graph_uri_scopes_an_update(api_settings):
    settings = api_settings.model_copy(update={"sparql_updates": True, "sparql_update_token": "t"})
    auth = {"authorization": "Bearer t"}
    copy = "INSERT { GRAPH res:copied { ?p vkg:licence ?l } } WHERE { ?p vkg:licence ?l }"
    with TestClient(create_app(settings)) as client:
        wine_slide = str(RES["passage-virtualisation-s44"])
        done = client.post(
            "/sparql", data={"update": copy, "using-graph-uri": wine_slide}, headers=auth
        )
        assert done.status_code == 200, done.text
        rows = client.get(
            "/sparql",
            params={"query": "SELECT ?p WHERE { GRAPH res:copied { ?p vkg:licence ?l } }"},
        ).json()["results"]["bindings"]
        assert [r["p"]["value"] for r in rows] == [str(RES["product-wine"])]
        with_own = "DELETE { ?s ?p ?o } USING res:x WHERE { ?s ?p ?o }"
        refused = client.post(
            "/sparql", data={"update": with_own, "using-graph-uri": wine_slide}, headers=auth
        )
        assert refused.status_code == 400 and refused.json()["error"] == "ambiguous"


def test_large_results_cross_the_worker_pipe_whole(client):
    response = client.get(
        "/sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 900"}
    )
    assert response.status_code == 200
    assert len(response.content) > 100_000
    assert len(response.json()["results"]["bindings"]) == 900


def test_large_results_through_the_live_server(live_server):
    import httpx

    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    response = httpx.post(f"{live_server}/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) > 1000


def test_every_named_query_runs_unbound_without_breaking_a_worker(client):
    for _ in range(5):
        for named in client.get("/api/queries").json():
            response = client.post("/sparql", data={"query": named["query"]})
            capped = response.status_code == 400 and response.json()["error"] == "too_many_rows"
            assert response.status_code == 200 or capped, (named["name"], response.text[:200])


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?s WHERE { ?s ?p "un service public" }',
        "SELECT ?s WHERE { ?s ?p 'SERVICE' }",
        "SELECT ?s WHERE { ?s <http://example.org/service> ?o }  # service",
    ],
)
def test_the_word_service_in_a_literal_an_iri_or_a_comment_is_no_service(client, query):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("192.0.2.7", "::ffff:192.0.2.7", True),  # one IPv4 client, seen both ways
        ("2001:db8:1:2::10", "2001:db8:1:2:ffff::99", True),  # one host's /64
        ("2001:db8:1:2::10", "2001:db8:1:3::10", False),
        ("192.0.2.7", "192.0.2.8", False),
    ],
)
def test_clients_are_told_apart_by_address_not_by_what_they_can_rotate(first, second, same):
    assert (address_key(first) == address_key(second)) is same
