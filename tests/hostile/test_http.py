"""The HTTP layer attacked below the app: what uvicorn would answer in plain text is the
JSON error body; a huge or slow request head, or a slow body, is refused; a chunked body is
capped too."""

import contextlib
import json
import socket
import time
from urllib.parse import urlsplit

import pytest

TOO_LARGE = "header_too_large"


def _exchange(server, raw: bytes, wait: float = 0.0, timeout: float = 10) -> bytes:
    """Send raw bytes (after ``wait`` seconds of the first line only), read to the close."""
    address = urlsplit(server.base)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        if wait:
            first, rest = raw.split(b"\r\n", 1)
            sock.sendall(first + b"\r\n")
            time.sleep(wait)
            with contextlib.suppress(OSError):  # the server closed: what the test wants
                sock.sendall(rest)
        else:
            sock.sendall(raw)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _status_and_json(reply: bytes) -> tuple[int, dict]:
    head, _, body = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"application/json" in head.lower(), head
    return status, json.loads(body)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (
            b"GET /sparql?query=" + b"A" * 100_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
            431,
            "header_too_large",
        ),
        (
            b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 60_000 + b"\r\n\r\n",
            431,
            "header_too_large",
        ),
        (
            b"POST /api/ask HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n",
            400,
            "bad_request",
        ),
        (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    ],
)
def test_requests_broken_below_the_app_get_the_json_error(server, raw, status, code):
    got_status, body = _status_and_json(_exchange(server, raw))
    assert (got_status, body["error"]) == (status, code)
    assert body["message"]


def test_a_head_sent_too_slowly_is_cut(server):
    started = time.monotonic()
    reply = _exchange(server, b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n", wait=3)
    status, body = _status_and_json(reply)
    assert (status, body["error"]) == (408, "timeout")
    assert time.monotonic() - started < 6


def test_a_body_sent_too_slowly_is_cut(server):
    raw = (
        b"POST /api/ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"question": '
    )
    started = time.monotonic()
    status, body = _status_and_json(_exchange(server, raw))
    assert (status, body["error"]) == (408, "timeout")
    assert "body" in body["message"]
    assert time.monotonic() - started < 6


def test_a_request_answered_before_its_body_arrives_gets_no_408_after(server):
    raw = (
        b"POST /api/nowhere HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"question": '
    )
    reply = _exchange(server, raw, timeout=3)  # longer than VIRTUKG_BODY_SECONDS
    assert reply.startswith(b"HTTP/1.1 404") and b" 408 " not in reply


def test_a_connection_that_sends_nothing_is_closed(server):
    address = urlsplit(server.base)
    started = time.monotonic()
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        assert sock.recv(1) == b""  # closed by the server
    assert time.monotonic() - started < 6


def test_an_oversized_chunked_body_is_413(server):
    chunk = b"x" * 50_000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    raw = (
        b"POST /api/ask HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body
    )
    status, reply = _status_and_json(_exchange(server, raw))
    assert (status, reply["error"]) == (413, "too_large")
