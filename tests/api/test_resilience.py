"""A client that goes away mid-request, or a slow query, does not hold up the others."""

import asyncio
import contextlib
import socket
import time
from urllib.parse import urlparse

import httpx

from api.middleware import KeepAliveLimit
from api.settings import ApiSettings


def test_a_client_disconnecting_mid_request_does_not_block_others(live_server):
    address = urlparse(live_server)
    for _ in range(5):
        with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
            sock.sendall(
                b"POST /api/ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                b'Content-Length: 500\r\n\r\n{"question": "Qu\'est'
            )
        # the connection is closed with the body unfinished
    started = time.perf_counter()
    response = httpx.post(
        f"{live_server}/api/ask", json={"question": "Qui maintient LGuest ?"}, timeout=30
    )
    assert response.status_code == 200
    assert "Rusty Russell" in response.json()["answer"]
    assert time.perf_counter() - started < 5


def test_an_abandoned_slow_query_does_not_block_others(live_server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with contextlib.suppress(httpx.ReadTimeout):  # the client gives up; the server stops it later
        httpx.get(f"{live_server}/sparql", params={"query": slow}, timeout=0.5)
    started = time.perf_counter()
    search = httpx.get(f"{live_server}/api/search", params={"q": "kvm-intel", "k": 1}, timeout=30)
    assert search.status_code == 200 and search.json()["hits"][0]["slide"] == 41
    assert time.perf_counter() - started < 5


def test_a_keep_alive_connection_is_closed_after_its_request_budget(live_server):
    """So that long-lived clients spread again over the server's workers."""
    address = urlparse(live_server)
    budget = ApiSettings().keepalive_requests
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        stream = sock.makefile("rb")
        for served in range(1, budget + 1):
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert stream.readline().split()[1] == b"200"
            headers = dict(
                line.rstrip(b"\r\n").lower().split(b": ", 1)
                for line in iter(stream.readline, b"\r\n")
            )
            stream.read(int(headers[b"content-length"]))
            assert (headers.get(b"connection") == b"close") == (served == budget)
        assert stream.read() == b""  # the server closed the connection


def _closes(limit: KeepAliveLimit, port: int) -> bool:
    """Whether the limit closes the connection after answering one request from ``port``."""
    sent: list[dict] = []

    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    limit.app = app
    scope = {"type": "http", "client": ("127.0.0.1", port)}
    asyncio.run(limit(scope, receive, send))
    return (b"connection", b"close") in sent[0]["headers"]


def test_a_new_connection_on_a_reused_port_gets_a_whole_budget():
    """Ports are reused: a request after the keep-alive idle time is a new connection's."""
    limit = KeepAliveLimit(lambda *_: None, max_requests=3, idle_seconds=0.2)
    assert [_closes(limit, 50_000) for _ in range(3)] == [False, False, True]
    assert [_closes(limit, 50_001) for _ in range(2)] == [False, False]
    time.sleep(0.3)  # the connection on 50 001 was closed by the server; the port is reused
    assert [_closes(limit, 50_001) for _ in range(3)] == [False, False, True]
