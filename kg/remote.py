"""The graph in an external SPARQL store, reached over the SPARQL 1.1 Protocol.

Any store that serves the union of its named graphs as its default graph works
(Oxigraph server with ``--union-default-graph``, Fuseki with
``tdb2:unionDefaultGraph true``): the built dataset keeps each passage in its own
named graph, as the embedded store does. One pooled HTTP client per process;
connection failures are retried a few times, answers of the store (4xx) never.
"""

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
import pyoxigraph as ox
from rdflib.term import Node

from kg.namespaces import PREFIXES, PUBLICATION_GRAPH, declarations_used
from kg.sparql import (
    QueryRequest,
    SparqlError,
    SparqlResult,
    UpdateRequest,
    serialise_results,
    syntax_message,
)
from kg.store import (
    QueryError,
    Row,
    StoreUnavailable,
    describe,
    keywords_part,
    refuse_remote,
    serialise_dataset,
    to_rdflib,
    values_clause,
)

_RESULTS = "application/sparql-results+json"
_TRIPLES = "application/n-triples"
_QUADS = "application/n-quads"
_UNAVAILABLE_STATUS = {502, 503, 504}
Graphs = tuple[list[str], list[str]]  # default graphs, named graphs
_FROM_KEYWORD = re.compile(r"\bFROM\b", re.IGNORECASE)
_CUT = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)  # after connecting


def _prologue(text: str, base_iri: str | None) -> str:
    """BASE and the PREFIX declarations the text uses, one per line."""
    return (f"BASE <{base_iri}>\n" if base_iri else "") + declarations_used(text)


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
        """The store's answer (media type, body), retrying when the connection fails
        (an update only when it cannot have been sent: it may not be idempotent).

        Raises:
            StoreUnavailable: the store cannot be reached, or says it is unavailable.
            QueryError: the store refused the request (4xx or 5xx with a message).
            SparqlError: the store took longer than ``timeout``, or the answer is too large.
        """
        timeout = timeout or self.timeout
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
                last = error
                continue
            except _CUT as error:
                if not idempotent:
                    raise StoreUnavailable(
                        f"the connection to {url} broke during an update: check whether it "
                        "was applied before sending it again"
                    ) from error
                last = error
                continue
            except httpx.TimeoutException as error:
                raise SparqlError("timeout", f"the store took longer than {timeout:g} s") from error
            if response.status_code in _UNAVAILABLE_STATUS:
                last = RuntimeError(f"HTTP {response.status_code}")
                continue
            if response.status_code >= 400:
                message = body.decode("utf-8", errors="replace").strip()[:2000]
                raise QueryError(message or f"the store answered HTTP {response.status_code}")
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

    def _results(self, query: str, bindings: dict[str, Node] | None = None) -> Any:
        text = values_clause(query, bindings) if bindings else query
        _, body = self.query(text, _RESULTS)
        try:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise QueryError(f"the store's results cannot be read: {error}") from error

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        results = self._results(query, bindings)
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [variable.value for variable in results.variables]
        return [{name: to_rdflib(solution[name]) for name in names} for solution in results]

    def ask(self, query: str) -> bool:
        results = self._results(query)
        if not isinstance(results, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(results)

    def describe(self, iri: str, format: str) -> bytes:
        """Every triple (from any graph) whose subject is ``iri``."""
        construct = f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}"
        _, body = self.query(construct, _TRIPLES)
        triples = {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
        return describe(triples, format)

    def quads(self) -> list[ox.Quad]:
        """Every quad of the named graphs, the publication record left out."""
        if self.endpoints.store:
            _, body = self._send("GET", self.endpoints.store, {"accept": _QUADS})
            parsed = ox.parse(body, format=ox.RdfFormat.N_QUADS)
            return [
                q
                for q in parsed
                if isinstance(q.graph_name, ox.NamedNode)
                and q.graph_name.value != str(PUBLICATION_GRAPH)
            ]
        solutions = self._results(
            "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != <{PUBLICATION_GRAPH}>) }}"
        )
        return [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in solutions]

    def dump(self, format: str) -> bytes:
        """The dataset serialised (see ``kg.store.serialise_dataset``)."""
        return serialise_dataset(self.quads(), format)

    def update(
        self,
        update: str,
        base_iri: str | None = None,
        using: Graphs = ([], []),
    ) -> None:
        """Apply a SPARQL update in the store (one request: one transaction in the store);
        ``using``: the protocol's using-graph-uri and using-named-graph-uri."""
        refuse_remote(update)
        self.apply(_prologue(update, base_iri) + update, using)

    def apply(self, text: str, using: Graphs = ([], [])) -> None:
        """Send an update as it is (``kg publish`` sends its own this way)."""
        if not self.endpoints.update:
            raise QueryError("no update endpoint is configured for this store")
        parameters = [("using-graph-uri", g) for g in using[0]]
        parameters += [("using-named-graph-uri", g) for g in using[1]]
        url = self.endpoints.update + (f"?{urlencode(parameters)}" if parameters else "")
        headers = {"content-type": "application/sparql-update"}
        self._send("POST", url, headers, text.encode("utf-8"), idempotent=False)

    def __len__(self) -> int:
        rows = self.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != <{PUBLICATION_GRAPH}>) }}"
        )
        return int(str(rows[0]["n"]))

    def close(self) -> None:
        self._client.close()


_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?(?:<([^<>\s]*)>|([A-Za-z][\w-]*):([\w.-]*))", re.I)


def dataset_clauses(query: str) -> Graphs:
    """The graphs the query's FROM and FROM NAMED clauses name (full IRIs or the
    project's prefixes). Passed as the protocol's parameters, which every store honours
    (Oxigraph's server ignores FROM when it serves the union as default graph)."""
    default: list[str] = []
    named: list[str] = []
    if not _FROM_KEYWORD.search(keywords_part(query)):
        return default, named
    for found in _FROM.finditer(query):
        is_named, iri, prefix, local = found.groups()
        if iri is None:
            if prefix not in PREFIXES:
                continue
            iri = PREFIXES[prefix] + local
        (named if is_named else default).append(iri)
    return default, named


class RemoteEndpoint:
    """The ``/sparql`` endpoint answered by the store, under the same guards as the
    embedded one: no SERVICE, the row cap, a time limit, the client's result format."""

    def __init__(self, store: RemoteStore, timeout: float) -> None:
        self.store = store
        self.timeout = timeout

    def query(self, request: QueryRequest) -> SparqlResult:
        graphs = (request.default_graphs, request.named_graphs)
        if not any(graphs):
            graphs = dataset_clauses(request.query)
        try:
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
        if media == _TRIPLES:
            triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            return serialise_results(iter(triples), request)
        try:
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise SparqlError(
                "engine",
                f"the store's results cannot be read ({error}): the store may have stopped "
                "the query at its own time limit",
            ) from error
        failure = None
        try:
            result = serialise_results(parsed, request)
        except SparqlError as error:
            # Raised afresh: pyoxigraph results must not travel to another thread with
            # the traceback that holds them.
            failure = SparqlError(error.kind, str(error))
        del parsed
        if failure:
            raise failure
        return result

    async def query_async(self, request: QueryRequest) -> SparqlResult:
        return await anyio.to_thread.run_sync(self.query, request)

    def update(self, request: UpdateRequest) -> None:
        """The protocol's dataset parameters are passed on as they are: Oxigraph's server
        refuses USING clauses when it serves the union as default graph."""
        self.store.update(
            request.update, request.base_iri, (request.using_graphs, request.using_named_graphs)
        )

    def close(self) -> None:
        """The store belongs to the knowledge base, which closes it."""
