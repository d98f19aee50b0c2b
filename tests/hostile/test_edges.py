"""Edges of the protocol a client can reach: results that XML cannot carry as they are,
RDF 1.2 triple terms, and the headers every response carries."""

import csv
import io
import re
import socket
import xml.etree.ElementTree as ET

import httpx
import pytest

XML = "application/sparql-results+xml"
JSON = "application/sparql-results+json"
TRIPLE = "SELECT ?t WHERE { BIND(TRIPLE(<http://a.example/s>, <http://a.example/p>, 1) AS ?t) }"


def _get(server, query: str, accept: str) -> httpx.Response:
    return httpx.get(
        f"{server.base}/sparql", params={"query": query}, headers={"accept": accept}, timeout=30
    )


@pytest.mark.parametrize("character", ["\\u0001", "\\u000B", "\\u001F", "\\uFFFE"])
def test_xml_results_stay_well_formed_whatever_the_text(server, character):
    query = f'SELECT ?x WHERE {{ BIND("avant{character}après" AS ?x) }}'
    response = _get(server, query, XML)
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)  # raises on a character XML cannot carry
    text = "".join(root.itertext())
    assert "avant\ufffdaprès" in text


def test_triple_terms_are_written_in_every_format(server):
    as_json = _get(server, TRIPLE, JSON)
    assert as_json.status_code == 200, as_json.text
    term = as_json.json()["results"]["bindings"][0]["t"]
    assert term["type"] == "triple"
    assert term["value"]["subject"] == {"type": "uri", "value": "http://a.example/s"}
    assert term["value"]["object"]["value"] == "1"
    as_xml = ET.fromstring(_get(server, TRIPLE, XML).content)
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    assert as_xml.find(f".//{namespace}triple/{namespace}subject/{namespace}uri") is not None
    rows = list(csv.reader(io.StringIO(_get(server, TRIPLE, "text/csv").text)))
    assert "http://a.example/s" in rows[1][0]
    assert "http://a.example/s" in _get(server, TRIPLE, "text/tab-separated-values").text


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/sparql?query=ASK{}"), ("GET", "/nowhere"), ("POST", "/api/ask")],
)
def test_every_response_carries_the_security_headers(server, method, path):
    response = httpx.request(method, f"{server.base}{path}", json={}, timeout=30)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy


@pytest.mark.parametrize("path", ["/", "/docs", "/api/ontology/reference"])
def test_pages_have_no_inline_script_for_the_policy_to_refuse(server, path):
    html = httpx.get(f"{server.base}{path}", timeout=30).text
    scripts = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
    assert scripts or path != "/"
    assert all("src=" in tag for tag in scripts), scripts
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


def test_test_tools_are_not_served(server):
    assert httpx.get(f"{server.base}/static/vendor/axe-core/axe.min.js").status_code == 404


def test_earlier_chat_turns_are_capped_like_the_ask_history(server):
    long_turn = "Pourquoi ? " * 500
    messages = [
        {"role": "user", "content": long_turn},
        {"role": "assistant", "content": "Parce que."},
        {"role": "user", "content": "Et Xen ?"},
    ]
    response = httpx.post(
        f"{server.base}/v1/chat/completions", json={"messages": messages}, timeout=30
    )
    assert response.status_code == 422, response.text
    assert "4000" in response.json()["error"]["message"]


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "[::2]:80"])
def test_a_forged_host_is_refused_not_echoed(server, host):
    response = httpx.get(f"{server.base}/sparql", headers={"host": host}, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_host"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_second_host_header_cannot_smuggle_a_forged_one(server):
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"GET /sparql HTTP/1.1\r\nHost: evil.example\r\nHost: localhost\r\n"
            b"Connection: close\r\n\r\n"
        )
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b"evil.example" not in reply


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_the_service_description_names_the_host_it_was_reached_at(server, host):
    port = server.base.rsplit(":", 1)[1]
    response = httpx.get(
        f"{server.base}/sparql",
        headers={"host": f"{host}:{port}", "accept": "application/n-triples"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert f"<http://{host}:{port}/sparql>" in response.text


def test_odd_headers_and_methods_get_clear_answers(server):
    for raw in ("Bearer clé".encode(), b"Bearer \xff\xfe"):
        response = httpx.post(
            f"{server.base}/sparql",
            data={"update": "INSERT DATA { res:a res:b res:c }"},
            headers={"authorization": raw},
            timeout=30,
        )
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    for path in ("/health", "/"):
        head = httpx.head(f"{server.base}{path}", timeout=30)
        assert head.status_code == 200 and head.content == b""
    card = httpx.get(
        f"{server.base}/api/entities/product-kvm",
        headers={"accept": "application/json, text/plain, */*"},  # what axios sends
        timeout=30,
    )
    assert card.headers["content-type"].startswith("application/json")
    assert "@context" not in card.json()
