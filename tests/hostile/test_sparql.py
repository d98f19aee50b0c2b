"""The SPARQL endpoint attacked, and its workers killed: every answer is a clear JSON
4xx/503, never a 500; the API process survives; the pool comes back to full size."""

import contextlib
import os
import random
import signal
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.hostile.conftest import TOKEN, Server, start_server

SMALL = "SELECT ?l WHERE { res:product-xen vkg:licence/skos:prefLabel ?l }"
CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
POOL = 2  # VIRTUKG_SPARQL_WORKERS' default


def _get(server: Server, query: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{server.base}/sparql", params={"query": query}, headers=headers, timeout=30)


def _wait_for_full_pool(server: Server, seconds: float = 20) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = server.sparql_workers()
        ready = httpx.get(f"{server.base}/ready", timeout=10)
        full = ready.status_code == 200 and ready.json()["sparql_workers"] == POOL
        if len(workers) == POOL and full:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"the pool did not come back: {server.sparql_workers()}")


def _assert_clear_error(response: httpx.Response, status: int, kind: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == kind
    assert response.json()["message"]


def test_a_worker_killed_while_idle_is_replaced_and_no_query_is_lost(server):
    for victim in _wait_for_full_pool(server):
        assert victim in _wait_for_full_pool(server)  # the pool full again before each kill
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.1)
        for _ in range(5):  # a new connection each time, as the report had it
            response = _get(server, SMALL, connection="close")
            assert response.status_code == 200, response.text
        assert victim not in _wait_for_full_pool(server)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
        "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o " * 1500 + "}" * 1501,
        "ASK { " + "FILTER(" * 3000 + "true" + ")" * 3000 + " }",
    ],
)
def test_deep_nesting_is_refused_before_any_parser_sees_it(server, query):
    workers = _wait_for_full_pool(server)
    response = httpx.post(
        f"{server.base}/sparql",
        content=query.encode(),
        headers={"content-type": "application/sparql-query"},
        timeout=30,
    )
    _assert_clear_error(response, 400, "too_complex")
    update = httpx.post(
        f"{server.base}/sparql",
        data={
            "update": query.replace("SELECT *", "DELETE { ?s ?p ?o }").replace(
                "ASK", "DELETE WHERE"
            )
        },
        headers={"authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    _assert_clear_error(update, 400, "too_complex")
    assert server.process.poll() is None, "the API process died"
    assert server.sparql_workers() == workers, "a worker crashed"


def test_a_query_that_eats_memory_is_stopped_alone(server):
    _wait_for_full_pool(server)
    result: dict[str, httpx.Response] = {}
    heavy = threading.Thread(target=lambda: result.update(heavy=_get(server, CROSS_JOIN)))
    heavy.start()
    time.sleep(0.3)
    assert _get(server, SMALL).status_code == 200  # the other worker still answers
    heavy.join(timeout=30)
    assert result["heavy"].status_code == 503, result["heavy"].text
    assert result["heavy"].json()["error"] in {"out_of_memory", "timeout"}
    _wait_for_full_pool(server)


def test_a_result_too_large_in_bytes_is_refused(server):
    concat = "SELECT (GROUP_CONCAT(?t) AS ?all) WHERE { ?p schema:text ?t . ?q a vkg:Passage }"
    _assert_clear_error(_get(server, concat), 400, "too_large")
    assert _get(server, SMALL).status_code == 200


def test_updates_mixed_with_queries_keep_the_pool_at_its_size(server):
    _wait_for_full_pool(server)
    statuses: list[int] = []

    def query() -> None:
        for _ in range(15):
            statuses.append(_get(server, SMALL).status_code)

    readers = [threading.Thread(target=query) for _ in range(3)]
    for reader in readers:
        reader.start()
    for n in range(6):
        insert = f"INSERT DATA {{ GRAPH res:hostile {{ res:x{n} res:p {n} }} }}"
        response = httpx.post(
            f"{server.base}/sparql",
            data={"update": insert},
            headers={"authorization": f"Bearer {TOKEN}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        assert len(server.sparql_workers()) <= POOL
    for reader in readers:
        reader.join(timeout=120)
    assert 500 not in statuses and set(statuses) <= {200, 503}
    _wait_for_full_pool(server)
    ask = _get(server, "ASK { GRAPH res:hostile { res:x5 res:p 5 } }")
    assert ask.json()["boolean"] is True


def test_no_temporary_files_are_left(server):
    before = set(Path(tempfile.gettempdir()).glob("virtukg-sparql-*"))
    for _ in range(3):
        assert _get(server, SMALL).status_code == 200
    assert set(Path(tempfile.gettempdir()).glob("virtukg-sparql-*")) <= before


def test_workers_die_with_their_api_process(api_settings, tmp_path):
    own = start_server(api_settings, tmp_path / "server.log")
    workers = _wait_for_full_pool(own)

    def busy_query() -> None:
        with contextlib.suppress(httpx.HTTPError):  # its server is killed under it
            _get(own, CROSS_JOIN)

    busy = threading.Thread(target=busy_query)
    busy.start()
    time.sleep(0.3)
    own.process.kill()  # no clean shutdown
    own.process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    busy.join(timeout=30)
    left = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert not left, f"SPARQL workers outlived their API process: {left}"


def test_chaos_random_workers_killed_under_load(server):
    """20 kills of random workers, idle or busy, while four clients query: no 500,
    and the pool is full at the end."""
    _wait_for_full_pool(server)
    statuses: list[int] = []
    stop = threading.Event()
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"

    def client(query: str) -> None:
        while not stop.is_set():
            statuses.append(_get(server, query).status_code)

    clients = [threading.Thread(target=client, args=(q,)) for q in (SMALL, SMALL, SMALL, slow)]
    for thread in clients:
        thread.start()
    generator = random.Random(20)
    kills = 0
    deadline = time.monotonic() + 60
    while kills < 20 and time.monotonic() < deadline:
        workers = server.sparql_workers()
        if workers:
            os.kill(generator.choice(workers), signal.SIGKILL)
            kills += 1
        time.sleep(generator.uniform(0.1, 0.5))
    stop.set()
    for thread in clients:
        thread.join(timeout=60)
    assert kills == 20
    assert statuses and 500 not in statuses, sorted(set(statuses))
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) > len(statuses) // 2
    _wait_for_full_pool(server)


def test_workers_yield_the_cores_to_the_api_process(server):
    api = os.getpriority(os.PRIO_PROCESS, server.process.pid)
    for worker in _wait_for_full_pool(server):
        assert os.getpriority(os.PRIO_PROCESS, worker) > api


def test_an_update_past_its_time_limit_is_stopped_and_changes_nothing(server):
    _wait_for_full_pool(server)
    slow = (
        "INSERT { GRAPH res:slow { ?a res:p ?f } } WHERE { GRAPH ?x { ?a ?b ?c } "
        'GRAPH ?y { ?d ?e ?f } FILTER(CONCAT(STR(?c), STR(?f)) = "no such text") }'
    )  # every pair of quads: seconds of work, little memory
    started = time.monotonic()
    response = httpx.post(
        f"{server.base}/sparql",
        data={"update": slow},
        headers={"authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )
    _assert_clear_error(response, 503, "timeout")
    assert time.monotonic() - started < 10
    assert server.process.poll() is None
    _wait_for_full_pool(server)
    assert _get(server, "ASK { GRAPH res:slow { ?s ?p ?o } }").json()["boolean"] is False


def test_ready_is_503_while_no_sparql_worker_lives_then_recovers(server):
    seen: list[httpx.Response] = []
    for _ in range(20):  # the replacements may start before /ready is asked
        for pid in _wait_for_full_pool(server):
            os.kill(pid, signal.SIGKILL)
        seen.append(httpx.get(f"{server.base}/ready", timeout=10))
        if seen[-1].status_code == 503:
            break
    _assert_clear_error(seen[-1], 503, "sparql_unavailable")
    assert int(seen[-1].headers["retry-after"]) >= 1
    _wait_for_full_pool(server)
