"""A safe SPARQL 1.1 query service over the built graph.

Queries run in worker processes, each holding its own pyoxigraph store, so a
query that runs past the time limit is really stopped (its worker is killed
and replaced) instead of eating a core forever. Results are capped in rows,
and serialised in the worker in the format the client accepts. pyoxigraph
never fetches anything for ``FROM <http…>`` or ``SERVICE``: queries see only
the local dataset.
"""

import asyncio
import csv
import io
import json
import logging
import os
import pickle
import queue
import re
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, Protocol
from xml.sax.saxutils import escape

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.store import OxigraphStore, QueryError, blank_literals, refuse_remote

log = logging.getLogger(__name__)
_START_SECONDS = 60
_FAILED = ("failed",)  # a worker that broke down, as opposed to one that ran out of time
_DATASET_CLAUSE = re.compile(r"\bFROM\s+(?:NAMED\s+)?<", re.IGNORECASE)

SELECT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
ASK_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class SparqlError(ValueError):
    """A query the service will not answer; ``kind`` says why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # syntax | timeout | too_many_rows | not_acceptable | busy | forbidden


@dataclass(frozen=True)
class SparqlResult:
    media_type: str
    body: bytes


@dataclass(frozen=True)
class QueryRequest:
    query: str
    accept: list[str]  # acceptable media types, best first
    default_graphs: list[str]
    named_graphs: list[str]
    max_rows: int
    base_iri: str | None = None  # relative IRIs resolve against it (the endpoint's URL)


@dataclass(frozen=True)
class UpdateRequest:
    update: str
    base_iri: str | None = None  # relative IRIs resolve against it (the endpoint's URL)
    using_graphs: list[str] = field(default_factory=list)  # the protocol's using-graph-uri
    using_named_graphs: list[str] = field(default_factory=list)


_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)


def with_using(request: UpdateRequest) -> str:
    """The update with the protocol's using-graph-uri / using-named-graph-uri written
    as USING clauses (they apply to one DELETE/INSERT … WHERE operation)."""
    graphs, named = request.using_graphs, request.using_named_graphs
    if not graphs and not named:
        return request.update
    code = blank_literals(request.update)
    if len(_WHERE.findall(code)) != 1 or ";" in code.rstrip().rstrip(";"):
        raise SparqlError(
            "unsupported", "using-graph-uri applies to one DELETE/INSERT … WHERE operation"
        )
    clauses = [f"USING <{g}>" for g in graphs] + [f"USING NAMED <{g}>" for g in named]
    where = _WHERE.search(code)
    assert where is not None
    return (
        request.update[: where.start()] + " ".join(clauses) + " " + request.update[where.start() :]
    )


# --------------------------------------------------------------------------- serialisation


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _term_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang="{escape(term.language)}">{escape(term.value)}</literal>'
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal>{escape(term.value)}</literal>"
    return f'<literal datatype="{escape(datatype)}">{escape(term.value)}</literal>'


def _term_tsv(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return str(term)


def serialise_select(variables: list[str], rows: list[Any], kind: str) -> bytes:
    if kind == "json":
        bindings = [
            {v: _term_json(row[v]) for v in variables if row[v] is not None} for row in rows
        ]
        document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if kind == "xml":
        head = "".join(f'<variable name="{escape(v)}"/>' for v in variables)
        body = "".join(
            "<result>"
            + "".join(
                f'<binding name="{escape(v)}">{_term_xml(row[v])}</binding>'
                for v in variables
                if row[v] is not None
            )
            + "</result>"
            for row in rows
        )
        return (
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{body}</results></sparql>"
        ).encode()
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if row[v] is None else row[v].value for v in variables])
        return buffer.getvalue().encode("utf-8")
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += [
        "\t".join("" if row[v] is None else _term_tsv(row[v]) for v in variables) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialise_ask(value: bool, kind: str) -> bytes:
    if kind == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    return (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head/><boolean>{str(value).lower()}</boolean></sparql>"
    ).encode()


ALIASES = {"application/json": "+json", "application/xml": "+xml", "text/xml": "+xml"}


def media_matches(pattern: str, media: str) -> bool:
    """Whether an Accept entry ("text/*", "*/*", "application/json"…) admits a media type."""
    if pattern in ("*/*", media):
        return True
    if pattern.endswith("/*"):
        return media.startswith(pattern[:-1])
    if pattern in ALIASES:
        return media.endswith(ALIASES[pattern])
    return False


def _choose(accept: list[str], formats: Iterable[str]) -> str:
    """The format to answer in: the client's most wanted, our first choice on ties."""
    available = list(formats)
    for pattern in accept:
        for media_type in available:
            if media_matches(pattern, media_type):
                return media_type
    raise SparqlError(
        "not_acceptable",
        f"no acceptable result format; this query can give: {', '.join(available)}",
    )


def run_query(store: ox.Store, request: QueryRequest) -> SparqlResult:
    """Evaluate one query on a store and serialise it (runs inside a worker)."""
    try:
        refuse_remote(request.query)
    except QueryError as error:
        raise SparqlError("syntax", str(error)) from error
    options: dict[str, Any] = {"prefixes": dict(PREFIXES), "base_iri": request.base_iri}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    elif not _DATASET_CLAUSE.search(request.query):
        # Without FROM, the default graph is the union of the passages' graphs.
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        return serialise_results(store.query(request.query, **options), request)
    except SyntaxError as error:
        raise SparqlError("syntax", syntax_message(str(error))) from error
    except (OSError, RuntimeError, ValueError) as error:
        if isinstance(error, SparqlError):
            raise
        raise SparqlError("syntax", f"the query cannot be evaluated: {error}") from error


def serialise_results(results: Any, request: QueryRequest) -> SparqlResult:
    """Query results (a boolean, solutions or triples) in the client's format, rows capped."""
    if isinstance(results, ox.QueryBoolean):
        media_type = _choose(request.accept, ASK_FORMATS)
        return SparqlResult(media_type, serialise_ask(bool(results), ASK_FORMATS[media_type]))
    if isinstance(results, ox.QuerySolutions):
        media_type = _choose(request.accept, SELECT_FORMATS)
        variables = [v.value for v in results.variables]
        rows = list(islice(results, request.max_rows + 1))
        _check_rows(len(rows), request.max_rows)
        body = serialise_select(variables, rows, SELECT_FORMATS[media_type])
        return SparqlResult(media_type, body)
    media_type = _choose(request.accept, GRAPH_FORMATS)
    triples = list(islice(results, request.max_rows + 1))
    _check_rows(len(triples), request.max_rows)
    serialised = ox.serialize(triples, format=GRAPH_FORMATS[media_type], prefixes=dict(PREFIXES))
    return SparqlResult(media_type, serialised or b"")


_PARSER_POSITION = re.compile(r"error at (\d+):(\d+)(?:-\d+:\d+)?:?\s*(.*)", re.DOTALL)


def syntax_message(parser: str, added_lines: int = 0) -> str:
    """A parser's message, said in French with the line and the column it points at
    (``added_lines``: lines put before the client's text, which it never saw)."""
    found = _PARSER_POSITION.search(parser)
    if not found:
        return f"requête SPARQL mal formée : {parser}"
    line, column, detail = found.groups()
    line = str(max(1, int(line) - added_lines))
    expected = detail.replace("expected one of", "attendu : l'un de")
    expected = expected.replace("expected", "attendu :").strip()
    return f"requête SPARQL mal formée, ligne {line}, colonne {column}" + (
        f" ({expected})" if expected else ""
    )


def _check_rows(count: int, limit: int) -> None:
    if count > limit:
        raise SparqlError(
            "too_many_rows", f"the result has more than {limit} rows: add a LIMIT to the query"
        )


# --------------------------------------------------------------------------- workers
# A worker is a plain subprocess (`python -m kg.sparql DATA_FILE`) speaking
# length-prefixed pickles on its stdin and stdout, so it never re-imports the
# parent's main module and can be killed at any time.


def _send(stream: IO[bytes], message: object) -> None:
    payload = pickle.dumps(message)
    stream.write(struct.pack(">I", len(payload)) + payload)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes from a pipe, which may hand them over in several pieces."""
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(stream: IO[bytes]) -> Any:
    (size,) = struct.unpack(">I", _read_exactly(stream, 4))
    return pickle.loads(_read_exactly(stream, size))


def _serve(data_file: str) -> None:
    store = ox.Store()
    store.bulk_load(path=data_file, format=ox.RdfFormat.N_QUADS)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _send(stdout, ("ready",))
    while True:
        try:
            request = _receive(stdin)
        except EOFError:
            return
        try:
            result = run_query(store, request)
            _send(stdout, ("ok", result.media_type, result.body))
        except SparqlError as error:
            _send(stdout, ("error", error.kind, str(error)))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # pyoxigraph panics derive from BaseException
            _send(stdout, ("error", "engine", f"the query engine failed on this query: {error}"))


class _Worker:
    def __init__(self, data_file: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.sparql", data_file],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def wait_started(self) -> None:
        if self.wait_reply(_START_SECONDS) != ("ready",):
            self.stop()
            raise RuntimeError("a SPARQL worker failed to start")

    def wait_reply(self, timeout: float) -> Any:
        """The worker's next message, or ``None`` when none came within ``timeout``."""
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        return _receive(self.process.stdout) if ready else None

    def ask(self, request: QueryRequest, timeout: float) -> Any:
        assert self.process.stdin is not None
        _send(self.process.stdin, request)
        return self.wait_reply(timeout)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


async def _readable(fd: int, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(fd, lambda: None if ready.done() else ready.set_result(True))
    try:
        return bool(await asyncio.wait_for(ready, timeout))
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)


class SparqlEndpoint(Protocol):
    """What the ``/sparql`` route needs: client queries answered under the guards
    (no SERVICE, row cap, time limit, result format), and updates."""

    async def query_async(self, request: QueryRequest) -> SparqlResult: ...

    def update(self, request: UpdateRequest) -> None: ...

    def close(self) -> None: ...


class SparqlService:
    """Answers SPARQL queries in worker processes with a time limit and a row cap."""

    def __init__(self, store: OxigraphStore, workers: int = 2, timeout: float = 5.0) -> None:
        self.store = store
        self.timeout = timeout
        self.size = workers
        self._directory = tempfile.TemporaryDirectory(prefix="virtukg-sparql-")
        self._data_file = ""
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._write_data(store.dump("nquads"))
        self._add_workers(workers)

    def _write_data(self, nquads: bytes) -> None:
        path = Path(self._directory.name) / f"data-{len(nquads)}-{time.monotonic_ns()}.nq"
        path.write_bytes(nquads)
        self._data_file = str(path)

    def _add_workers(self, count: int) -> None:
        """Start ``count`` workers at once (each loads the data in its own process)."""
        workers = [_Worker(self._data_file) for _ in range(count)]
        for worker in workers:
            worker.wait_started()
            with self._lock:
                self._all.append(worker)
            self._idle.put(worker)

    def query(self, request: QueryRequest) -> SparqlResult:
        """Answer a query, waiting for it in this thread."""
        worker = self._borrow()
        reply: Any = None
        try:
            reply = worker.ask(request, self.timeout)
        except Exception:  # a dead or confused worker is replaced, never lost
            log.exception("a SPARQL worker failed")
            reply = _FAILED
        finally:
            self._give_back(worker, reply)
        return self._result(reply)

    async def query_async(self, request: QueryRequest) -> SparqlResult:
        """Answer a query without holding a thread: the event loop watches the worker's pipe."""
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            worker = await asyncio.get_running_loop().run_in_executor(None, self._borrow)
        reply: Any = None
        try:
            assert worker.process.stdin is not None and worker.process.stdout is not None
            _send(worker.process.stdin, request)
            descriptor = worker.process.stdout.fileno()
            if await _readable(descriptor, self.timeout):
                # uvloop leaves a watched pipe non-blocking; the reply is on its way, so
                # reading it whole in blocking mode is quick.
                os.set_blocking(descriptor, True)
                reply = _receive(worker.process.stdout)
        except Exception:
            log.exception("a SPARQL worker failed")
            reply = _FAILED
        finally:
            self._give_back(worker, reply)
        return self._result(reply)

    def _borrow(self) -> _Worker:
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty as error:
            raise SparqlError("busy", "every SPARQL worker is busy: try again later") from error

    def _give_back(self, worker: _Worker, reply: Any) -> None:
        if reply is None or reply is _FAILED:
            self._replace(worker)
        else:
            self._idle.put(worker)

    def _result(self, reply: Any) -> SparqlResult:
        if reply is _FAILED:
            raise SparqlError("worker_error", "the query's worker failed; it has been replaced")
        if reply is None:
            raise SparqlError(
                "timeout", f"the query ran longer than {self.timeout:g} s and was stopped"
            )
        if reply[0] == "error":
            raise SparqlError(reply[1], reply[2])
        return SparqlResult(reply[1], reply[2])

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        log.warning("stopped a SPARQL worker after %.1f s; starting a new one", self.timeout)
        try:
            self._add_workers(1)
        except (OSError, RuntimeError):
            log.exception("could not start a SPARQL worker")

    def update(self, request: UpdateRequest) -> None:
        """Apply an update to the store, then give the workers the new data."""
        self.store.update(with_using(request), request.base_iri)
        self.reload(self.store.dump("nquads"))

    def reload(self, nquads: bytes) -> None:
        """Give every worker new data (after an update); queries in flight may fail."""
        self._write_data(nquads)
        self.close(keep_directory=True)
        self._add_workers(self.size)

    def close(self, keep_directory: bool = False) -> None:
        with self._lock:
            workers, self._all = self._all, []
        while not self._idle.empty():
            self._idle.get_nowait()
        for worker in workers:
            worker.stop()
        if not keep_directory:
            self._directory.cleanup()


if __name__ == "__main__":
    _serve(sys.argv[1])
