"""SPARQL shared fairly: a client that floods the endpoint with slow queries waits for
its own turns, is told to slow down (429 with Retry-After), and others are not delayed."""

import threading
import time
from collections import Counter

import httpx

from tests.hostile.conftest import Server, client_at
from tests.hostile.test_sparql import SMALL, _wait_for_full_pool

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FLOOD = 12  # more than one running plus the 8 a client may have waiting


def _flood(server: Server, statuses: list[httpx.Response]) -> list[threading.Thread]:
    def one() -> None:
        with client_at("127.3.0.1") as client:
            statuses.append(client.get(f"{server.base}/sparql", params={"query": SLOW}))

    threads = [threading.Thread(target=one) for _ in range(FLOOD)]
    for thread in threads:
        thread.start()
    return threads


def test_a_flooding_client_waits_its_turn_and_others_do_not(server):
    _wait_for_full_pool(server)
    flood: list[httpx.Response] = []
    threads = _flood(server, flood)
    time.sleep(0.5)  # the flood is queued
    seconds = []
    for address in ("127.3.0.2", "127.3.0.3", "127.0.0.1"):
        with client_at(address) as client:
            for _ in range(3):
                started = time.perf_counter()
                response = client.get(f"{server.base}/sparql", params={"query": SMALL})
                seconds.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
    assert max(seconds) < 1.0, seconds  # a slow query runs 2 s: nobody waited for one
    for thread in threads:
        thread.join(timeout=60)
    statuses = Counter(response.status_code for response in flood)
    assert set(statuses) <= {429, 503}, statuses
    assert statuses[429] >= FLOOD - 9, statuses
    for response in flood:
        assert response.json()["error"] in {"too_many_requests", "timeout", "busy"}
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) >= 1
    _wait_for_full_pool(server)


def test_learners_questions_do_not_wait_for_a_sparql_flood(server):
    _wait_for_full_pool(server)
    flood: list[httpx.Response] = []
    threads = _flood(server, flood)
    time.sleep(0.5)
    with client_at("127.3.0.4") as client:
        started = time.perf_counter()
        for question in ("Qu'est-ce qu'un hyperviseur ?", "Quelle licence pour Bochs ?"):
            response = client.post(f"{server.base}/api/ask", json={"question": question})
            assert response.status_code == 200, response.text
        search = client.get(f"{server.base}/api/search", params={"q": "émulation"})
        assert search.status_code == 200
        elapsed = time.perf_counter() - started
    assert elapsed < 3.0, elapsed
    for thread in threads:
        thread.join(timeout=60)
    assert 500 not in {response.status_code for response in flood}
