"""Load benchmark: concurrent clients mixing ask, search and SPARQL against `kg serve`.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 32] [--workers 2] [--hostile]

The server runs on 127.0.0.1 with N uvicorn workers; the clients (asyncio, one
keep-alive connection each, in this process, on the same cores) loop until the
time is up. Prints throughput, p50/p95/p99 per route, the error count, and the
memory (RSS) of each worker process with its SPARQL subprocesses. Each client
connects from its own loopback address. With ``--hostile``, one more client (one
address, several connections) sends only heavy SPARQL queries, each stopped at the
time limit: ask and search should keep their clean-run latency.
"""

import argparse
import asyncio
import itertools
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import httpx
from common import free_port, percentile, rss_mib

QUESTIONS = [
    "Qu'est-ce que la paravirtualisation ?",
    "Quelle est la licence de Wine ?",
    "Qui maintient LGuest ?",
    "Quels produits s'installent en bare metal ?",
    "Comment éviter les points d'échec unique ?",
    "Quelle est la recette de la tarte tatin ?",
]
SEARCHES = ["hyperviseur de type 1", "kvm-intel", "licence GPL", "mainframes IBM"]
QUERIES = [
    "SELECT ?l WHERE { res:product-xen vkg:licence/skos:prefLabel ?l }",
    "SELECT ?p ?l WHERE { ?p vkg:licence res:licence-gpl ; skos:prefLabel ?l }",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
]
MIX = ["ask", "ask", "search", "search", "sparql"]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HEAVY_SOURCE = "127.2.0.1"


def is_worker(pid: int) -> bool:
    """A uvicorn worker (not multiprocessing's resource tracker, also a child)."""
    return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()


def children(pid: int) -> list[int]:
    """The process's children, whichever of its threads started them."""
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").glob("*")
        if (task / "children").exists()
        for child in (task / "children").read_text().split()
    ]


class Connection:
    """A minimal HTTP/1.1 keep-alive client: the load generator shares the server's cores,
    so it must cost little (httpx costs ~1 ms of CPU per request, this ~0.15 ms)."""

    def __init__(self, host: str, port: int, source: str) -> None:
        self.host, self.port, self.source = host, port, source
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, target: str, body: bytes = b"") -> int:
        if self.streams is None:
            self.streams = await asyncio.open_connection(
                self.host, self.port, local_addr=(self.source, 0)
            )
        reader, writer = self.streams
        head = f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\nAccept-Encoding: gzip\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        status = int((await reader.readline()).split()[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name.lower() == b"connection":
                close = b"close" in value.lower()
        if chunked:
            while size := int((await reader.readline()).strip(), 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        else:
            await reader.readexactly(length)
        if close:  # the server asks for a new connection
            self.close()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def client(
    port: int, deadline: float, seed: int, results: dict[str, list[float]], errors: list[str]
) -> None:
    routes = itertools.cycle(MIX[seed % len(MIX) :] + MIX[: seed % len(MIX)])
    counter = itertools.count(seed)
    # Each client its own loopback address: the fair SPARQL queue tells clients apart by it.
    source = f"127.1.{seed // 250}.{1 + seed % 250}"
    connection = Connection("127.0.0.1", port, source)
    while time.monotonic() < deadline:
        route, n = next(routes), next(counter)
        started = time.perf_counter()
        try:
            if route == "ask":
                body = json.dumps({"question": QUESTIONS[n % len(QUESTIONS)]}).encode()
                status = await connection.request("POST", "/api/ask", body)
            elif route == "search":
                query = urlencode({"q": SEARCHES[n % len(SEARCHES)]})
                status = await connection.request("GET", f"/api/search?{query}")
            else:
                query = urlencode({"query": QUERIES[n % len(QUERIES)]})
                status = await connection.request("GET", f"/sparql?{query}")
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
            errors.append(f"{route} {type(error).__name__}")
            connection.close()
            connection = Connection("127.0.0.1", port, source)
            continue
        if status != 200:
            errors.append(f"{route} {status}")
        results[route].append(1000 * (time.perf_counter() - started))
    connection.close()


async def heavy_client(
    port: int, deadline: float, results: dict[str, list[float]], statuses: list[int]
) -> None:
    """Heavy SPARQL, again and again, from one address: each query runs until the time
    limit stops it."""
    connection = Connection("127.0.0.1", port, HEAVY_SOURCE)
    target = f"/sparql?{urlencode({'query': HEAVY})}"
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            statuses.append(await connection.request("GET", target))
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            connection.close()
            connection = Connection("127.0.0.1", port, HEAVY_SOURCE)
        results["heavy sparql"].append(1000 * (time.perf_counter() - started))
    connection.close()


async def run(
    port: int, seconds: float, clients: int, heavy: int
) -> tuple[dict[str, list[float]], list[str], list[int]]:
    results: dict[str, list[float]] = {"ask": [], "search": [], "sparql": [], "heavy sparql": []}
    errors: list[str] = []
    heavy_statuses: list[int] = []
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *(client(port, deadline, i, results, errors) for i in range(clients)),
        *(heavy_client(port, deadline, results, heavy_statuses) for _ in range(heavy)),
    )
    return results, errors, heavy_statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--hostile", action="store_true", help="add clients that send only heavy SPARQL"
    )
    args = parser.parse_args()
    heavy = max(1, args.clients // 8) if args.hostile else 0
    port = free_port()
    command: list[str | Path] = [
        Path(sys.executable).parent / "kg",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        time.sleep(10)  # every worker finishes loading, not only the first to answer
        results, errors, heavy_statuses = asyncio.run(run(port, args.seconds, args.clients, heavy))
        workers = [pid for pid in children(server.pid) if is_worker(pid)]
        memory = [(pid, rss_mib(pid), sum(rss_mib(c) for c in children(pid))) for pid in workers]
    finally:
        server.terminate()
        server.wait(timeout=60)

    total = sum(len(v) for route, v in results.items() if route != "heavy sparql")
    extra = f" + one sending heavy SPARQL over {heavy} connections" if heavy else ""
    print(f"# Load — {args.clients} clients{extra}, {args.seconds:.0f} s, {args.workers} workers\n")
    print(f"throughput: {total / args.seconds:.1f} requests/s; errors: {len(errors)}\n")
    print("| route | requests | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for route, values in results.items():
        if values:
            print(
                f"| {route} | {len(values)} | {statistics.median(values):.1f} | "
                f"{percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} |"
            )
    print()
    for pid, rss, sparql in memory:
        print(f"- worker {pid}: {rss:.0f} MiB, its SPARQL processes {sparql:.0f} MiB")
    if heavy_statuses:
        print(f"- the heavy client's answers: {dict(sorted(Counter(heavy_statuses).items()))}")
    if errors:
        print(f"- first errors: {errors[:5]}")


if __name__ == "__main__":
    main()
