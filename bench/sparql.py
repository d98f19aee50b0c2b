"""SPARQL benchmark: our endpoint beside an Oxigraph server and rdflib-endpoint, same data.

    .venv/bin/python bench/sparql.py [--repeat 30]

All serve the same dump on 127.0.0.1 and answer the same fixed query mix
(the project's named queries with their variables bound, a count, a text filter,
a property path and a CONSTRUCT), checked to give the same number of results.
One client sends the queries one after the other, the servers taking turns; the
table gives each server's median latency per query, its throughput over the mix
and the ratio to Oxigraph.
A second table compares the two engines in process: rdflib's own SPARQL engine
against pyoxigraph, on the same queries.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from common import free_port, table
from rdflib import Dataset, Graph

from kg.config import Settings
from kg.kb import KnowledgeBase
from kg.namespaces import sparql_prefixes
from kg.publish import publish
from kg.remote import Endpoints, RemoteStore
from kg.store import OxigraphStore

BIN = Path(sys.executable).parent
QUERIES = {
    "attribute": "SELECT ?v ?g WHERE { GRAPH ?g { res:product-wine vkg:licence ?v } }",
    "products_with": (
        "SELECT ?p ?l WHERE { ?p vkg:licence res:licence-gpl ; skos:prefLabel ?l } ORDER BY ?l"
    ),
    "definition": "SELECT ?d WHERE { res:type-paravirtualisation skos:definition ?d }",
    "count_by_class": (
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)"
    ),
    "text_filter": (
        "SELECT ?p ?t WHERE { ?p a vkg:Passage ; schema:text ?t "
        'FILTER(CONTAINS(LCASE(?t), "hyperviseur")) }'
    ),
    "path": "SELECT ?x WHERE { res:product-kvm (vkg:forkOf|vkg:basedOn)+ ?x }",
    "events": (
        "SELECT ?e ?y WHERE { ?e a vkg:HistoricalEvent ; vkg:startYear ?y } ORDER BY ?y LIMIT 10"
    ),
    "construct": "CONSTRUCT { res:product-xen ?p ?o } WHERE { res:product-xen ?p ?o }",
}


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not start")


def count_results(response: httpx.Response) -> int:
    if "json" in response.headers.get("content-type", ""):
        return len(response.json()["results"]["bindings"])
    return len(Graph().parse(data=response.text, format="turtle"))


def measure(urls: dict[str, str], repeat: int) -> dict[str, dict[str, tuple[float, int]]]:
    """Median latency (ms) and result count of each query on each server, after a warm-up.

    The servers take turns query by query, so a noisy moment of the machine falls on
    all of them rather than on whichever was being measured.
    """
    out: dict[str, dict[str, tuple[float, int]]] = {name: {} for name in urls}
    with httpx.Client(timeout=30) as client:
        for query_name, body in QUERIES.items():
            query = sparql_prefixes() + body
            accept = (
                "text/turtle" if query_name == "construct" else "application/sparql-results+json"
            )
            headers = {"accept": accept}
            times: dict[str, list[float]] = {name: [] for name in urls}
            last: dict[str, httpx.Response] = {}
            for run in range(repeat + 3):
                for name, url in urls.items():
                    started = time.perf_counter()
                    last[name] = client.get(url, params={"query": query}, headers=headers)
                    if run >= 3:
                        times[name].append(1000 * (time.perf_counter() - started))
                    last[name].raise_for_status()
            for name in urls:
                out[name][query_name] = (statistics.median(times[name]), count_results(last[name]))
    return out


def in_process(trig: bytes, repeat: int) -> list[dict[str, object]]:
    dataset = Dataset(default_union=True)
    dataset.parse(data=trig, format="trig")
    store = OxigraphStore(trig)
    engines: dict[str, Callable[[str], object]] = {
        "rdflib": lambda q: list(dataset.query(sparql_prefixes() + q)),
        "pyoxigraph": lambda q: list(store.raw_query(q)),  # type: ignore[call-overload]
    }
    rows = []
    for name, body in QUERIES.items():
        row: dict[str, object] = {"query": name}
        for engine, run in engines.items():
            run(body)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                run(body)
                times.append(1000 * (time.perf_counter() - started))
            row[f"{engine}_ms"] = round(statistics.median(times), 3)
        row["speed-up"] = round(float(row["rdflib_ms"]) / float(row["pyoxigraph_ms"]), 1)  # type: ignore[arg-type]
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings = Settings()
    kb = KnowledgeBase.open(settings)
    work = Path(tempfile.mkdtemp(prefix="virtukg-bench-"))
    (work / "dump.nq").write_bytes(kb.store.dump("nquads"))
    (work / "dump.trig").write_bytes(kb.store.dump("trig"))
    subprocess.run(
        [BIN / "oxigraph", "load", "--location", work / "oxi", "--file", work / "dump.nq"],
        check=True,
        capture_output=True,
    )
    names = ("virtukg", "virtukg-remote", "oxigraph", "rdflib-endpoint", "store")
    ports = {name: free_port() for name in names}
    store = f"http://127.0.0.1:{ports['store']}"
    env = {**os.environ, "VIRTUKG_ARTIFACTS_DIR": str(settings.artifacts_dir)}
    remote_env = {
        **env,
        "VIRTUKG_SPARQL_ENDPOINT": f"{store}/query",
        "VIRTUKG_SPARQL_UPDATE_ENDPOINT": f"{store}/update",
    }
    store_process = subprocess.Popen(
        [
            BIN / "oxigraph", "serve", "--location", work / "store",
            "--bind", f"127.0.0.1:{ports['store']}", "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_ready(f"{store}/query", store_process)
    remote = RemoteStore(Endpoints(f"{store}/query", f"{store}/update"))
    publish(remote, settings.artifacts_dir, record=False)
    remote.close()
    commands: dict[str, list[str | Path]] = {
        "virtukg": [BIN / "kg", "serve", "--port", str(ports["virtukg"])],
        "virtukg-remote": [BIN / "kg", "serve", "--port", str(ports["virtukg-remote"])],
        "oxigraph": [
            BIN / "oxigraph", "serve-read-only", "--location", work / "oxi",
            "--bind", f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph",
        ],
        "rdflib-endpoint": [
            BIN / "rdflib-endpoint", "serve", str(work / "dump.trig"),
            "--host", "127.0.0.1", "--port", str(ports["rdflib-endpoint"]),
        ],
    }  # fmt: skip
    urls = {
        "virtukg": f"http://127.0.0.1:{ports['virtukg']}/sparql",
        "virtukg-remote": f"http://127.0.0.1:{ports['virtukg-remote']}/sparql",
        "oxigraph": f"http://127.0.0.1:{ports['oxigraph']}/query",
        "rdflib-endpoint": f"http://127.0.0.1:{ports['rdflib-endpoint']}/",
    }
    processes = {
        name: subprocess.Popen(
            command,
            env=remote_env if name == "virtukg-remote" else env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, command in commands.items()
    }
    processes["store"] = store_process
    try:
        for name, url in urls.items():  # all started before any is measured: startups eat CPU
            wait_ready(url, processes[name])
        results = measure(urls, args.repeat)
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    rows: list[dict[str, object]] = []
    for query in QUERIES:
        counts = {name: results[name][query][1] for name in results}
        row: dict[str, object] = {"query": query, "results": "/".join(map(str, counts.values()))}
        for name in results:
            row[f"{name}_ms"] = round(results[name][query][0], 2)
        row["same_results"] = len(set(counts.values())) == 1
        rows.append(row)
    totals = {name: sum(results[name][q][0] for q in QUERIES) for name in results}
    rows.append(
        {
            "query": "whole mix (sum of medians)",
            "results": "",
            **{f"{name}_ms": round(total, 2) for name, total in totals.items()},
            "same_results": all(r["same_results"] for r in rows),
        }
    )
    print(f"# SPARQL benchmark — {len(kb.store)} quads, {args.repeat} runs per query\n")
    print(
        "virtukg: the embedded store (worker processes); virtukg-remote: the same service "
        "with the graph in an Oxigraph server (`VIRTUKG_SPARQL_ENDPOINT`), beside that "
        "server queried directly (oxigraph) and rdflib-endpoint.\n"
    )
    print(table(rows))
    print()
    for name, total in totals.items():
        print(
            f"- {name}: {1000 * len(QUERIES) / total:.0f} queries/s over the mix, "
            f"{total / totals['oxigraph']:.2f}× Oxigraph's latency"
        )
    print("\n## In process: rdflib's SPARQL engine against pyoxigraph\n")
    print(table(in_process(kb.store.dump("trig"), args.repeat)))


if __name__ == "__main__":
    main()
