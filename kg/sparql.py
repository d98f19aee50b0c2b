"""A safe SPARQL 1.1 query service over the built graph.

Queries run in worker processes, each holding its own pyoxigraph store, so a
query that runs past the time limit is really stopped (its worker is killed
and replaced) instead of eating a core forever, and one that needs too much
memory or crashes the engine takes down its worker alone. Results are capped in
rows and bytes, and serialised in the worker in the format the client accepts.
pyoxigraph never fetches anything for ``FROM <http…>`` or ``SERVICE``: queries
see only the local dataset.
"""

import asyncio
import contextlib
import csv
import io
import json
import logging
import os
import pickle
import queue
import re
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, Protocol
from xml.sax.saxutils import escape

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.processes import child_setup
from kg.store import (
    OxigraphStore,
    QueryError,
    apply_update,
    blank_literals,
    dataset_clauses,
    keywords_part,
    refuse_remote,
)

log = logging.getLogger(__name__)
_START_SECONDS = 60
_MONITOR_SECONDS = 1.0
# Workers yield the cores to the API process: a heavy query slows other queries, not
# the learners' questions and searches.
_WORKER_NICENESS = 10
_FAILED = ("failed",)  # a worker that broke down, as opposed to one that ran out of time

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
    max_bytes: int = 0  # the largest result body (0: no cap)


@dataclass(frozen=True)
class UpdateRequest:
    update: str
    base_iri: str | None = None  # relative IRIs resolve against it (the endpoint's URL)
    using_graphs: list[str] = field(default_factory=list)  # the protocol's using-graph-uri
    using_named_graphs: list[str] = field(default_factory=list)


_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_NOT_BRACKET = re.compile(r"[^{}()\[\]]+")


def check_shape(text: str, max_chars: int, max_depth: int) -> None:
    """Refuse a query or update too long or too deeply nested, before any parser sees
    it: the engine's recursive parser overflows its stack on thousands of nested groups.

    Raises:
        SparqlError: kind "too_complex".
    """
    if len(text) > max_chars:
        raise SparqlError("too_complex", f"the text is longer than {max_chars} characters")
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", keywords_part(text)):
        depth += 1 if bracket in "{([" else -1
        deepest = max(deepest, depth)
    if deepest > max_depth:
        raise SparqlError(
            "too_complex", f"the text nests groups {deepest} deep; at most {max_depth}"
        )


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


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):  # an RDF 1.2 triple term, as SPARQL 1.2 writes it
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


# Characters XML 1.0 cannot carry, even escaped: written as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", text))


def _term_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_term_xml(term.subject)}</subject>"
            f"<predicate>{_term_xml(term.predicate)}</predicate>"
            f"<object>{_term_xml(term.object)}</object></triple>"
        )
    if term.language:
        return f'<literal xml:lang="{_xml_text(term.language)}">{_xml_text(term.value)}</literal>'
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal>{_xml_text(term.value)}</literal>"
    return f'<literal datatype="{_xml_text(datatype)}">{_xml_text(term.value)}</literal>'


def _term_tsv(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return str(term)


def _term_csv(term: Any) -> str:
    return str(term) if isinstance(term, ox.Triple) else str(term.value)


def serialise_select(variables: list[str], rows: list[Any], kind: str) -> bytes:
    if kind == "json":
        bindings = [
            {v: _term_json(row[v]) for v in variables if row[v] is not None} for row in rows
        ]
        document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if kind == "xml":
        head = "".join(f'<variable name="{_xml_text(v)}"/>' for v in variables)
        body = "".join(
            "<result>"
            + "".join(
                f'<binding name="{_xml_text(v)}">{_term_xml(row[v])}</binding>'
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
            writer.writerow(["" if row[v] is None else _term_csv(row[v]) for v in variables])
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
        own_dataset = any(dataset_clauses(request.query, request.base_iri))
    except QueryError as error:
        raise SparqlError("syntax", str(error)) from error
    options: dict[str, Any] = {"prefixes": dict(PREFIXES), "base_iri": request.base_iri}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    elif not own_dataset:
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
        return _check_bytes(SparqlResult(media_type, body), request.max_bytes)
    media_type = _choose(request.accept, GRAPH_FORMATS)
    triples = list(islice(results, request.max_rows + 1))
    _check_rows(len(triples), request.max_rows)
    serialised = ox.serialize(triples, format=GRAPH_FORMATS[media_type], prefixes=dict(PREFIXES))
    return _check_bytes(SparqlResult(media_type, serialised or b""), request.max_bytes)


def _check_bytes(result: SparqlResult, limit: int) -> SparqlResult:
    if limit and len(result.body) > limit:
        raise SparqlError(
            "too_large", f"the result is larger than {limit} bytes: ask for fewer or shorter values"
        )
    return result


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
# A worker is a plain subprocess (`python -m kg.sparql`) speaking length-prefixed
# pickles on its stdin and stdout: it receives the dataset first (no file on disk),
# then one query at a time. It never re-imports the parent's main module, can be
# killed at any time, dies with its parent, and lives under a memory ceiling.


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


def _serve() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    store = ox.Store()
    store.bulk_load(_receive(stdin), format=ox.RdfFormat.N_QUADS)
    _send(stdout, ("ready",))
    while True:
        try:
            request = _receive(stdin)
        except EOFError:
            return
        try:
            if isinstance(request, tuple):  # ("update", text, base IRI)
                try:
                    apply_update(store, request[1], request[2])
                except QueryError as error:
                    raise SparqlError("syntax", syntax_message(str(error))) from error
                _send(stdout, ("updated", bytes(store.dump(format=ox.RdfFormat.N_QUADS) or b"")))
                continue
            result = run_query(store, request)
            _send(stdout, ("ok", result.media_type, result.body))
        except SparqlError as error:
            _send(stdout, ("error", error.kind, str(error)))
        except MemoryError:
            _send(stdout, ("error", "out_of_memory", "the query needs more memory than allowed"))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # pyoxigraph panics derive from BaseException
            _send(stdout, ("error", "engine", f"the query engine failed on this query: {error}"))


class _Worker:
    def __init__(self, memory_bytes: int, generation: int) -> None:
        self.generation = generation
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.sparql"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            preexec_fn=child_setup(memory_bytes, niceness=_WORKER_NICENESS),
        )

    def feed(self, nquads: bytes) -> None:
        """Hand the worker its data (it loads them, then says it is ready)."""
        assert self.process.stdin is not None
        with contextlib.suppress(OSError):  # it died at start: wait_started says so
            _send(self.process.stdin, nquads)

    def alive(self) -> bool:
        return self.process.poll() is None

    def exit(self) -> int | None:
        """The exit status (minus the signal's number when killed), ``None`` if alive."""
        return self.process.poll()

    def wait_started(self) -> None:
        try:
            started = self.wait_reply(_START_SECONDS) == ("ready",)
        except (EOFError, OSError):
            started = False
        if not started:
            self.stop()
            raise RuntimeError("a SPARQL worker failed to start")

    def wait_reply(self, timeout: float) -> Any:
        """The worker's next message, or ``None`` when none came within ``timeout``.

        Raises:
            EOFError: the worker died (a crash, or its memory ceiling).
        """
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        return _receive(self.process.stdout) if ready else None

    def stop(self) -> None:
        """Kill the worker and release its pipes; never raises, dead or alive."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _crash(worker: _Worker, what: str) -> SparqlError:
    """The error for a worker that broke down while running ``what``: out of memory when
    the engine's allocator gave up (SIGABRT under the memory ceiling), else a crash."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.process.wait(timeout=1)
    if worker.exit() == -signal.SIGABRT:
        return SparqlError(
            "out_of_memory",
            f"{what} needed more memory than a SPARQL worker may use; nothing else is affected",
        )
    return SparqlError("worker_error", f"{what}'s worker crashed; it is replaced")


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

    def capacity(self) -> int: ...

    def close(self) -> None: ...


class SparqlService:
    """Answers SPARQL queries in a pool of worker processes with a time limit, a row and
    byte cap and a memory ceiling.

    One supervisor thread starts every worker (a worker dies with the thread that
    started it, so no short-lived thread may) and replaces the dead ones: a death,
    idle or busy, is seen when the worker is borrowed, when it fails to answer, or
    by the supervisor's look every ``_MONITOR_SECONDS``. The pool never holds more
    than ``workers`` processes.
    """

    def __init__(
        self,
        store: OxigraphStore,
        workers: int = 2,
        timeout: float = 5.0,
        memory_bytes: int = 1 << 30,
        update_timeout: float = 10.0,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.update_timeout = update_timeout
        self.size = workers
        self.memory_bytes = memory_bytes
        self._data = store.dump("nquads")
        self._generation = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._filled = threading.Condition(self._lock)
        self._closed = threading.Event()
        self._updating = threading.Lock()
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()
        if not self._wait_filled(_START_SECONDS):
            self.close()
            raise RuntimeError("the SPARQL workers failed to start")

    def capacity(self) -> int:
        """How many live workers of the current data the pool holds now."""
        with self._lock:
            return sum(w.alive() and w.generation == self._generation for w in self._all)

    def _wait_filled(self, seconds: float) -> bool:
        """Until the pool is full of workers of the current data (or ``seconds`` pass)."""
        with self._filled:
            return self._filled.wait_for(
                lambda: sum(w.generation == self._generation for w in self._all) >= self.size,
                seconds,
            )

    def _supervise(self) -> None:
        while not self._closed.is_set():
            with self._lock:
                dead = [w for w in self._all if not w.alive()]
            for worker in dead:
                self._retire(worker)
            try:
                self._fill()
            except (OSError, RuntimeError):
                log.exception("could not start a SPARQL worker")
            self._wake.wait(_MONITOR_SECONDS)
            self._wake.clear()

    def _fill(self) -> None:
        """Start the workers the pool lacks, at once (each loads the data in its own
        process); runs in the supervisor only."""
        with self._lock:
            missing = self.size - len(self._all)
            generation, data = self._generation, self._data
        workers = [_Worker(self.memory_bytes, generation) for _ in range(max(0, missing))]
        for worker in workers:  # they boot in parallel while the first is fed
            worker.feed(data)
        for worker in workers:
            try:
                worker.wait_started()
            except RuntimeError:  # killed or failed while starting: the others go on
                log.warning("a SPARQL worker failed to start; another starts shortly")
                continue
            with self._filled:
                if self._closed.is_set() or worker.generation != self._generation:
                    worker.stop()  # new data came while it started: start another
                    self._wake.set()
                    continue
                self._all.append(worker)
                self._filled.notify_all()
            self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        """Stop a worker for good; the supervisor starts its replacement."""
        code = worker.exit()
        worker.stop()
        with self._lock:
            if worker not in self._all:
                return
            self._all.remove(worker)
        if not self._closed.is_set():
            if code is not None:  # it died, rather than being stopped here
                log.warning("a SPARQL worker stopped (exit %s); starting a new one", code)
            self._wake.set()

    def _take_idle(self, wait: float) -> _Worker:
        """A live idle worker of the current data, waiting up to ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty as error:
                raise SparqlError("busy", "every SPARQL worker is busy: try again later") from error
            if worker.alive() and worker.generation == self._generation:
                return worker
            self._retire(worker)

    async def _borrow(self) -> _Worker:
        try:
            return self._take_idle(0)
        except SparqlError:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, self._take_idle, self.timeout)

    async def query_async(self, request: QueryRequest) -> SparqlResult:
        """Answer a query without holding a thread: the event loop watches the worker's
        pipe. A worker found dead when given the query (it died idle) is replaced and
        the query goes to another: it never ran."""
        for _ in range(self.size + 1):
            worker = await self._borrow()
            assert worker.process.stdin is not None and worker.process.stdout is not None
            try:
                _send(worker.process.stdin, request)
            except OSError:
                self._retire(worker)
                continue
            reply: Any = None
            try:
                descriptor = worker.process.stdout.fileno()
                if await _readable(descriptor, self.timeout):
                    # uvloop leaves a watched pipe non-blocking; the reply is on its way, so
                    # reading it whole in blocking mode is quick.
                    os.set_blocking(descriptor, True)
                    reply = _receive(worker.process.stdout)
            except (EOFError, OSError, ValueError):
                reply = _FAILED
            return self._finish(worker, reply)
        raise SparqlError("busy", "no SPARQL worker could take the query: try again later")

    def _finish(self, worker: _Worker, reply: Any) -> SparqlResult:
        """Give the worker back (or retire it) and turn its reply into a result."""
        crash = _crash(worker, "the query") if reply is _FAILED else None
        if reply is None or crash is not None or worker.generation != self._generation:
            self._retire(worker)
        else:
            self._idle.put(worker)
        if crash is not None:
            raise crash
        if reply is None:
            raise SparqlError(
                "timeout", f"the query ran longer than {self.timeout:g} s and was stopped"
            )
        if reply[0] == "error":
            raise SparqlError(reply[1], reply[2])
        return SparqlResult(reply[1], reply[2])

    def update(self, request: UpdateRequest) -> None:
        """Apply an update in a worker, under the update time limit and the memory
        ceiling, then give the new data to this process's store and to every worker.
        One update at a time, so the workers never keep the data of an earlier one; the
        worker that ran it is replaced, whatever happened."""
        message = ("update", with_using(request), request.base_iri)
        with self._updating:
            worker = self._take_idle(self.update_timeout)
            assert worker.process.stdin is not None
            try:
                _send(worker.process.stdin, message)
                reply = worker.wait_reply(self.update_timeout)
            except (EOFError, OSError, ValueError):
                reply = _FAILED
            crash = _crash(worker, "the update") if reply is _FAILED else None
            self._retire(worker)
            if reply is None:
                raise SparqlError(
                    "timeout",
                    f"the update ran longer than {self.update_timeout:g} s and was stopped; "
                    "nothing was changed",
                )
            if crash is not None:
                raise crash
            if reply[0] == "error":
                raise SparqlError(reply[1], reply[2])
            self.store.replace(reply[1])
            try:
                self.reload(reply[1])
            except SparqlError:  # applied: the workers take the new data as they restart
                log.warning("the SPARQL workers are slow to take the updated data")

    def reload(self, nquads: bytes) -> None:
        """New data for the pool: idle workers are replaced now, busy ones when they give
        their answer back; returns when the pool answers from the new data."""
        with self._lock:
            self._data = nquads
            self._generation += 1
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._retire(worker)
        self._wake.set()
        if not self._wait_filled(_START_SECONDS):
            raise SparqlError("busy", "the SPARQL workers did not restart with the new data")

    def close(self) -> None:
        self._closed.set()
        self._wake.set()
        with self._lock:
            workers, self._all = self._all, []
        while not self._idle.empty():
            self._idle.get_nowait()
        for worker in workers:
            worker.stop()


if __name__ == "__main__":
    _serve()
