"""The graph in an external SPARQL store, reached over the SPARQL 1.1 Protocol.

Any store that serves the union of its named graphs as its default graph works
(Oxigraph server with ``--union-default-graph``, Fuseki with
``tdb2:unionDefaultGraph true``): the built dataset keeps each passage in its own
named graph, as the embedded store does. One pooled HTTP client per process;
connection failures are retried a few times, answers of the store (4xx) never.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import anyio
import httpx
import pyoxigraph as ox
from rdflib.term import Node

from kg.namespaces import PUBLICATION_GRAPH, declarations_used
from kg.sparql import (
    QueryRequest,
    SparqlError,
    SparqlResult,
    UpdateRequest,
    serialise_results,
    syntax_message,
)
from kg.store import (
    Graphs,
    QueryError,
    Row,
    StoreUnavailable,
    dataset_clauses,
    describe,
    refuse_remote,
    serialise_dataset,
    to_rdflib,
    values_clause,
)

_RESULTS = "application/sparql-results+json"
_TRIPLES = "application/n-triples"
_QUADS = "application/n-quads"
_UNAVAILABLE_STATUS = {502, 503, 504}
_CUT = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)  # after connecting


_OWN_QUADS = f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{PUBLICATION_GRAPH}>) }}"
T = TypeVar("T")


def _triples(body: bytes) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def _quads_of_rows(body: bytes) -> list[ox.Quad]:
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError("expected solutions")
    return [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in solutions]


def _prologue(text: str, base_iri: str | None) -> str:
    """BASE and the PREFIX declarations the text uses, one per line."""
    return (f"BASE {_iri(base_iri)}\n" if base_iri else "") + declarations_used(text)


def _iri(text: str) -> ox.NamedNode:
    """An IRI to write into a query: checked, so that it cannot close the brackets."""
    try:
        return ox.NamedNode(text)
    except ValueError as error:
        raise QueryError(f"not an IRI: {text!r}") from error


def prologue_lines(text: str, base_iri: str | None) -> int:
    return _prologue(text, base_iri).count("\n")


@dataclass(frozen=True)
class Endpoints:
    """Where the store answers: queries, updates and (optionally) the Graph Store Protocol."""

    query: str
    update: str = ""
    store: str = ""
    user: str = ""
    password: str = ""


class RemoteStore:
    """A ``GraphStore`` over the SPARQL 1.1 Protocol and the Graph Store HTTP Protocol."""

    def __init__(
        self,
        endpoints: Endpoints,
        timeout: float = 10.0,
        retries: int = 2,
        max_bytes: int = 64_000_000,
    ) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self.retries = retries
        self.max_bytes = max_bytes
        auth = (endpoints.user, endpoints.password) if endpoints.user else None
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    # ------------------------------------------------------------------ HTTP

    def _send(
        self, method: str, url: str, headers: dict[str, str], content: bytes = b"",
        timeout: float | None = None, idempotent: bool = True,
    ) -> tuple[str, bytes]:  # fmt: skip
        """The store's answer (media type, body), retrying when the connection fails or
        the store says it is unavailable; an update only when it cannot have been sent
        (it may not be idempotent).

        Raises:
            StoreUnavailable: the store cannot be reached, refuses VirtuKG (credentials,
                wrong URL) or fails; an update that may have been applied says so.
            QueryError: the store found the client's query or update malformed (400).
            SparqlError: the store took longer than ``timeout``, or the answer is too large.
        """
        timeout = timeout or self.timeout
        maybe_applied = "; it may have been applied: check before sending it again"
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(0.2 * attempt)
            request = self._client.build_request(
                method, url, headers=headers, content=content or None, timeout=timeout
            )
            try:
                response = self._client.send(request, stream=True)
                try:
                    body = b"".join(self._capped(response.iter_bytes()))
                finally:
                    response.close()
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
                last = error  # never sent
                continue
            except _CUT as error:
                if not idempotent:
                    raise StoreUnavailable(f"the update to {url} was cut{maybe_applied}") from error
                last = error
                continue
            except httpx.TimeoutException as error:
                if not idempotent:
                    raise StoreUnavailable(
                        f"the store took longer than {timeout:g} s{maybe_applied}"
                    ) from error
                raise SparqlError("timeout", f"the store took longer than {timeout:g} s") from error
            except httpx.HTTPError as error:
                raise StoreUnavailable(f"the SPARQL store at {url} failed: {error}") from error
            status = response.status_code
            if status in _UNAVAILABLE_STATUS and idempotent:
                last = RuntimeError(f"HTTP {status}")
                continue
            message = body.decode("utf-8", errors="replace").strip()[:2000]
            if status == 400:
                raise QueryError(message or "the store found the request malformed")
            if not 200 <= status < 300:
                extra = maybe_applied if not idempotent and status >= 500 else ""
                raise StoreUnavailable(f"the SPARQL store at {url} answered HTTP {status}{extra}")
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return media, body
        raise StoreUnavailable(f"the SPARQL store at {url} cannot be reached ({last})")

    def _capped(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        size = 0
        for chunk in chunks:
            size += len(chunk)
            if size > self.max_bytes:
                raise SparqlError(
                    "too_many_rows", f"the result is larger than {self.max_bytes} bytes"
                )
            yield chunk

    def query(
        self,
        query: str,
        accept: str,
        graphs: Graphs = ([], []),
        base_iri: str | None = None,
        timeout: float | None = None,
    ) -> tuple[str, bytes]:
        """The store's raw answer to a query: its media type and body.

        A prologue put before the query declares the project's prefixes and sets
        ``base_iri``, as the embedded store does.
        """
        refuse_remote(query)
        form = [("query", _prologue(query, base_iri) + query)]
        form += [("default-graph-uri", g) for g in graphs[0]]
        form += [("named-graph-uri", g) for g in graphs[1]]
        headers = {"accept": accept, "content-type": "application/x-www-form-urlencoded"}
        return self._send("POST", self.endpoints.query, headers, urlencode(form).encode(), timeout)

    # ------------------------------------------------------------------ GraphStore

    def _read(self, query: str, accept: str, read: Callable[[bytes], T]) -> T:
        """Run a query of the project's and read the store's answer whole with ``read``
        (pyoxigraph parses lazily: a broken answer fails while it is read).

        Raises:
            StoreUnavailable: the answer cannot be read.
        """
        _, body = self.query(query, accept)
        failure: Exception
        try:
            return read(body)
        except QueryError as error:
            failure = QueryError(str(error))
        except (SyntaxError, ValueError) as error:
            failure = StoreUnavailable(f"the store's answer cannot be read: {error}")
        raise failure  # afresh: the first traceback holds pyoxigraph results (see query)

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        def rows(body: bytes) -> list[Row]:
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            if not isinstance(results, ox.QuerySolutions):
                raise QueryError("expected a SELECT query")
            names = [variable.value for variable in results.variables]
            return [{name: to_rdflib(solution[name]) for name in names} for solution in results]

        return self._read(values_clause(query, bindings) if bindings else query, _RESULTS, rows)

    def ask(self, query: str) -> bool:
        def boolean(body: bytes) -> bool:
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            if not isinstance(results, ox.QueryBoolean):
                raise QueryError("expected an ASK query")
            return bool(results)

        return self._read(query, _RESULTS, boolean)

    def describe(self, iri: str, format: str) -> bytes:
        """Every triple (from any graph) whose subject is ``iri``."""
        subject = _iri(iri)
        construct = f"CONSTRUCT {{ {subject} ?p ?o }} WHERE {{ {subject} ?p ?o }}"
        triples = self._read(construct, _TRIPLES, _triples)
        return describe(set(triples), format)

    def quads(self) -> list[ox.Quad]:
        """Every quad of the named graphs, the publication record left out."""
        if not self.endpoints.store:
            return self._read(f"SELECT ?s ?p ?o ?g WHERE {_OWN_QUADS}", _RESULTS, _quads_of_rows)
        _, body = self._send("GET", self.endpoints.store, {"accept": _QUADS})
        try:
            return [
                quad
                for quad in ox.parse(body, format=ox.RdfFormat.N_QUADS)
                if isinstance(quad.graph_name, ox.NamedNode)
                and quad.graph_name.value != str(PUBLICATION_GRAPH)
            ]
        except (SyntaxError, ValueError) as error:
            raise StoreUnavailable(f"the store's dump cannot be read: {error}") from error

    def dump(self, format: str) -> bytes:
        """The dataset serialised (see ``kg.store.serialise_dataset``)."""
        return serialise_dataset(self.quads(), format)

    def update(
        self,
        update: str,
        base_iri: str | None = None,
        using: Graphs = ([], []),
        timeout: float | None = None,
    ) -> None:
        """Apply a SPARQL update in the store (one request: one transaction in the store);
        ``using``: the protocol's using-graph-uri and using-named-graph-uri."""
        refuse_remote(update)
        self.apply(_prologue(update, base_iri) + update, using, timeout)

    def apply(self, text: str, using: Graphs = ([], []), timeout: float | None = None) -> None:
        """Send an update as it is (``kg publish`` sends its own this way)."""
        if not self.endpoints.update:
            raise QueryError("no update endpoint is configured for this store")
        parameters = [("using-graph-uri", g) for g in using[0]]
        parameters += [("using-named-graph-uri", g) for g in using[1]]
        url = self.endpoints.update + (f"?{urlencode(parameters)}" if parameters else "")
        headers = {"content-type": "application/sparql-update"}
        self._send("POST", url, headers, text.encode("utf-8"), timeout, idempotent=False)

    def __len__(self) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {_OWN_QUADS}")
        return int(str(rows[0]["n"]))

    def close(self) -> None:
        self._client.close()


class RemoteEndpoint:
    """The ``/sparql`` endpoint answered by the store, under the same guards as the
    embedded one: no SERVICE, the row cap, a time limit, the client's result format."""

    def __init__(self, store: RemoteStore, timeout: float, update_timeout: float = 10.0) -> None:
        self.store = store
        self.timeout = timeout
        self.update_timeout = update_timeout

    def query(self, request: QueryRequest) -> SparqlResult:
        graphs = (request.default_graphs, request.named_graphs)
        try:
            if not any(graphs):
                # Passed as the protocol's parameters, which every store honours: Oxigraph's
                # server ignores FROM when it serves the union as default graph.
                graphs = dataset_clauses(request.query, request.base_iri)
            media, body = self.store.query(
                request.query,
                f"{_RESULTS}, {_TRIPLES};q=0.9",
                graphs,
                request.base_iri,
                self.timeout,
            )
        except QueryError as error:
            added = prologue_lines(request.query, request.base_iri)
            raise SparqlError("syntax", syntax_message(str(error), added)) from error
        # Read and written again in this thread: pyoxigraph's results (parsed lazily, so
        # a broken answer fails while it is read) must not reach another thread, not even
        # in a traceback.
        failure: SparqlError | None = None
        parsed: Any = None
        try:
            if media == _TRIPLES:
                result = serialise_results(iter(_triples(body)), request)
            else:
                parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                result = serialise_results(parsed, request)
        except SparqlError as error:
            failure = SparqlError(error.kind, str(error))
        except (SyntaxError, ValueError) as error:
            failure = SparqlError(
                "engine",
                f"the store's results cannot be read ({error}): the store may have stopped "
                "the query at its own time limit",
            )
        parsed = None  # dropped here, in the thread that made it
        if failure:
            raise failure
        return result

    async def query_async(self, request: QueryRequest) -> SparqlResult:
        return await anyio.to_thread.run_sync(self.query, request)

    def capacity(self) -> int:
        """The store does the work: one connection pool, always there."""
        return 1

    def update(self, request: UpdateRequest) -> None:
        """The protocol's dataset parameters are passed on as they are: Oxigraph's server
        refuses USING clauses when it serves the union as default graph."""
        self.store.update(
            request.update,
            request.base_iri,
            (request.using_graphs, request.using_named_graphs),
            self.update_timeout,
        )

    def close(self) -> None:
        """The store belongs to the knowledge base, which closes it."""
