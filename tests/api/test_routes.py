"""The JSON API through the app factory's test client: contracts, errors, formats."""

import re

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from api.main import create_app
from kg.namespaces import RES, VKG


def test_health_and_ready(client, api_settings):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}  # not from this machine
    with TestClient(create_app(api_settings), client=("127.0.0.1", 50000)) as local:
        ready = local.get("/ready").json()
    assert ready["status"] == "ready" and ready["passages"] == 40
    assert ready["manifest"]["counts"]["VirtualisationType"] == 7


def test_ready_details_need_the_operators_token_from_afar(api_settings):
    settings = api_settings.model_copy(update={"ready_token": "ops"})
    with TestClient(create_app(settings)) as remote:
        assert "manifest" not in remote.get("/ready").json()
        wrong = remote.get("/ready", headers={"authorization": "Bearer nope"}).json()
        assert "manifest" not in wrong
        given = remote.get("/ready", headers={"authorization": "Bearer ops"}).json()
        assert given["sparql_workers"] == 2 and "manifest" in given


def test_ask_follows_the_contract(client):
    response = client.post("/api/ask", json={"question": "Qui maintient LGuest ?"})
    assert response.status_code == 200
    body = response.json()
    assert {"answer", "citations", "facts", "entities", "confidence", "abstained"} <= set(body)
    assert "Rusty Russell" in body["answer"] and "[1]" in body["answer"]
    citation = body["citations"][0]
    assert {"id", "title", "slide", "text", "score"} <= set(citation)
    assert citation["slide"] == 37 and citation["sentence"] in citation["text"]
    assert body["facts"][0] == {
        "subject": "LGuest",
        "predicate": "mainteneur",
        "object": "Rusty Russell",
        "source": "virtualisation-s37",
    }
    assert {"id": "product-lguest", "label": "LGuest", "type": "Product"} in body["entities"]
    assert body["abstained"] is False and 0 < body["confidence"] <= 1


def test_ask_uses_the_history_for_follow_ups(client):
    history = [
        {"role": "user", "content": "Qu'est-ce que Xen ?"},
        {"role": "assistant", "content": "Xen est un hyperviseur."},
    ]
    body = client.post("/api/ask", json={"question": "Et sa licence ?", "history": history}).json()
    assert "Xen est distribué sous licence GPL" in body["answer"]
    assert body["understood_as"] == ""  # read with its conversation, not rewritten


def test_ask_says_what_an_elliptical_follow_up_was_read_as(client):
    history = [
        {"role": "user", "content": "Sous quelle licence est QEMU ?"},
        {"role": "assistant", "content": "QEMU est distribué sous licence GPL et LGPL."},
    ]
    body = client.post("/api/ask", json={"question": "Et Bochs ?", "history": history}).json()
    assert body["understood_as"] == "Sous quelle licence est Bochs ?"
    assert "LGPL" in body["answer"]


def test_ask_declines_out_of_scope_questions(client):
    body = client.post(
        "/api/ask", json={"question": "Quelle est la recette de la tarte tatin ?"}
    ).json()
    assert body["abstained"] is True
    assert body["answer"].startswith("Je n'ai pas trouvé la réponse dans le cours.")
    assert body["citations"] == [] and body["closest"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question: must not be empty"),
        ({"question": "x" * 1001}, "question: must be at most 1000 characters"),
        ({"question": "ok ?", "history": [{"role": "robot", "content": "x"}]}, "history"),
        ({"question": "ok ?", "history": [{"role": "user", "content": "x"}] * 21}, "history"),
        ({"question": "ok ?", "history": [{"role": "user", "content": "Xen\x00"}]}, "NUL"),
        ({}, "question"),
    ],
)
def test_ask_rejects_bad_input_with_a_clear_422(client, body, message):
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert message in response.json()["message"]


def test_malformed_json_is_a_4xx(client):
    response = client.post(
        "/api/ask", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_a_body_that_is_not_utf8_is_a_bad_request(client):
    response = client.post(
        "/api/ask",
        content='{"question": "Qu\'est-ce que l\'émulation ?"}'.encode("latin-1"),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["error"] == "bad_request"


def test_search_follows_the_contract(client):
    body = client.get("/api/search", params={"q": "licence de BSD Jails", "k": 3}).json()
    assert body["query"] == "licence de BSD Jails" and body["mode"] == "hybrid"
    assert len(body["hits"]) == 3 and body["hits"][0]["slide"] == 33
    assert set(body["hits"][0]) >= {"id", "title", "slide", "text", "score"}
    lexical = client.get("/api/search", params={"q": "kvm-intel", "mode": "lexical", "k": 1}).json()
    assert lexical["mode"] == "lexical" and lexical["hits"][0]["slide"] == 41
    params = {"q": "nom de projet d'AMD-V", "mode": "reranked", "k": 2}
    reranked = client.get("/api/search", params=params).json()
    assert reranked["mode"] == "reranked" and reranked["hits"][0]["slide"] == 40


@pytest.mark.parametrize(
    "params", [{"q": "x", "k": 0}, {"q": "x", "k": 51}, {"q": "x", "mode": "magic"}, {}]
)
def test_search_validates_its_parameters(client, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"


def test_entity_search_card_and_rdf(client):
    found = client.get("/api/entities", params={"q": "virt", "type": "VirtualisationType"}).json()
    assert found["entities"] and all(e["type"] == "VirtualisationType" for e in found["entities"])
    card = client.get("/api/entities/product-wine").json()
    assert card["label"] == "Wine" and "Product" in card["types"]
    assert {(f["object"], f["source"]) for f in card["facts"] if f["predicate"] == "licence"} == {
        ("GPL", "virtualisation-s33"),
        ("LGPL", "virtualisation-s44"),
    }
    assert any(n["id"] == "licence-lgpl" for n in card["neighbours"])
    turtle = client.get("/api/entities/product-kvm", headers={"accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (RES["product-kvm"], VKG.forkOf, RES["product-qemu"]) in graph
    jsonld = client.get("/api/entities/product-kvm", headers={"accept": "application/ld+json"})
    graph = Graph().parse(data=jsonld.text, format="json-ld")
    assert (RES["product-kvm"], SKOS.prefLabel, Literal("KVM", lang="fr")) in graph


@pytest.mark.parametrize(
    "accept", ["application/json", "application/json, text/plain, */*", "*/*", ""]
)
def test_a_client_asking_for_json_gets_the_json_card(client, accept):
    response = client.get("/api/entities/product-kvm", headers={"accept": accept})
    assert response.headers["content-type"] == "application/json"
    assert response.json()["label"] == "KVM"


@pytest.mark.parametrize(
    "path",
    [
        "/api/entities/product-nothing",
        "/api/graph/neighbours/x-y",
        "/api/graph/path?from=product-kvm&to=product-nope",
    ],
)
def test_unknown_entities_are_404_with_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "'product-" in response.json()["message"] or "'x-y'" in response.json()["message"]
    assert "\"'" not in response.json()["message"]


def test_entity_ids_are_validated(client):
    assert client.get("/api/entities/..%2Fetc").status_code in (404, 422)
    assert client.get("/api/entities/BAD ID").status_code == 422


def test_neighbours_and_path(client):
    graph = client.get("/api/graph/neighbours/product-xen", params={"depth": 1}).json()
    ids = {n["id"] for n in graph["nodes"]}
    assert {"product-xen", "org-universite-de-cambridge", "licence-gpl"} <= ids
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    assert client.get("/api/graph/neighbours/product-xen", params={"depth": 9}).status_code == 422
    path = client.get(
        "/api/graph/path", params={"from": "product-kvm", "to": "product-qemu"}
    ).json()
    assert path["found"] and path["edges"][0]["predicate"] in {"forkOf", "basedOn"}


def test_dumps_parse_back_with_their_provenance(client):
    trig = client.get("/api/dump", params={"format": "trig"})
    dataset = Dataset().parse(data=trig.text, format="trig")
    wine_slide = URIRef(RES["passage-virtualisation-s44"])
    assert (RES["product-wine"], VKG.licence, RES["licence-lgpl"]) in dataset.graph(wine_slide)
    nt = client.get("/api/dump", params={"format": "nt"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=nt.text, format="nt")) > 1000
    jsonld = client.get("/api/dump", params={"format": "jsonld"})
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) > 1000
    assert client.get("/api/dump", params={"format": "exe"}).status_code == 422


def test_ontology_is_served(client):
    response = client.get("/api/ontology")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (VKG.Product, SKOS.altLabel, Literal("solution", lang="fr")) in graph


def test_docs_work_offline(client):
    html = client.get("/docs").text
    links = [s for s in re.findall(r'(?:src|href)="([^"]+)"', html) if not s.startswith("#")]
    assert links and all(s.startswith("/") for s in links)
    for asset in links:
        assert client.get(asset.split("#")[0]).status_code == 200, asset
    assert 'href="/#chat"' in html and 'aria-current="page"' in html  # a way back
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/search", "/sparql", "/v1/chat/completions"} <= set(schema["paths"])
    assert "422" in schema["paths"]["/api/ask"]["post"]["responses"]


def test_large_bodies_are_refused(client):
    response = client.post(
        "/api/ask", content=b"x" * 30_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_large_responses_are_gzipped(client):
    response = client.get("/api/dump", params={"format": "nt"}, headers={"accept-encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"
    assert len(response.content) > 1000  # the client has inflated it


def test_unknown_routes_and_methods_are_json(client):
    assert client.get("/nowhere").json()["error"] == "not_found"
    response = client.delete("/api/ask")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/", "/health", "/api/entities/product-kvm", "/openapi.json"])
def test_head_answers_wherever_get_does_without_a_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for header in ("content-type", "content-length", "content-encoding"):
        assert head.headers.get(header) == get.headers.get(header), header


def test_head_where_only_post_exists_is_refused(client):
    assert client.head("/api/ask").status_code == 405


def test_the_ontology_reference_is_generated_and_linked(client):
    page = client.get("/api/ontology/reference")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "vkg:Product" in page.text and "produit" in page.text and "product" in page.text
    assert 'href="/api/ontology/reference"' in client.get("/").text


def test_ask_says_what_kind_of_turn_it_answers(client):
    def reply(question: str) -> dict:
        response = client.post("/api/ask", json={"question": question})
        assert response.status_code == 200
        return response.json()

    assert reply("Quelle licence pour KVM ?")["reply"] == "answer"
    assert reply("Quelle est la capitale de l'Australie ?")["reply"] == "declined"
    assert reply("bonjour")["reply"] == "greeting"
    clarification = reply("Et sa licence ?")
    assert clarification["reply"] == "clarification" and clarification["suggestions"]
    assert reply("x")["reply"] == "rephrase"
    for body in (reply("Quelle licence pour KVM ?"), reply("bonjour")):
        assert body["level"] in {"sûr", "probable", "incertain"}


def test_a_passage_gives_its_tables_row_by_row(client):
    table = client.get("/api/passages/virtualisation-s33").json()["tables"][0]
    assert table["rows"][0]["cells"] == ["Produits", "Virtualisation", "Installation", "Licence"]
    xen = next(r for r in table["rows"] if r["cells"][0] == "Xen")
    assert xen["cells"] == ["Xen", "Complète / Para", "Bare Metal", "GPL"]
    assert xen["start"] < xen["end"]
    assert client.get("/api/passages/virtualisation-s01").json()["tables"] == []


def test_entity_search_finds_the_members_of_a_class_by_its_french_name(client):
    found = client.get("/api/entities", params={"q": "licence", "limit": 20}).json()["entities"]
    assert {"GPL", "LGPL", "BSD"} <= {e["label"] for e in found}
    assert {e["type_label"] for e in found} == {"licence"}


def test_an_unforeseen_failure_is_the_json_error_too(api_settings, monkeypatch):
    app = create_app(api_settings)
    with TestClient(app, raise_server_exceptions=False) as client:

        def broken(*_: object, **__: object) -> None:
            raise RuntimeError("something nobody foresaw")

        monkeypatch.setattr(app.state.kb, "ask", broken)
        response = client.post("/api/ask", json={"question": "Qu'est-ce que Xen ?"})
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "nobody foresaw" not in response.text  # logged, not shown
