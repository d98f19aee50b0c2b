"""Answering SPARQL over the built dataset.

rdflib builds and serialises the graph; queries are answered by pyoxigraph,
which is 18–32× faster than rdflib's engine on this graph. The default graph
of a query is the union of all named graphs.
"""

import re
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import PREFIXES

Row = dict[str, Node | None]


class QueryError(ValueError):
    """A SPARQL query that cannot be parsed or run."""


class StoreUnavailable(RuntimeError):
    """The graph's store cannot be reached (an external store that is down)."""


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def blank_literals(text: str) -> str:
    """The text with its string literals, IRIs and comments blanked (with NUL, which
    is neither a word nor a space), every offset kept."""
    return _NOT_CODE.sub(lambda found: "\0" * len(found.group()), text)


def keywords_part(text: str) -> str:
    """A query's or update's text where keywords can be: escapes decoded, string
    literals, IRIs and comments blanked (« service » in a literal is no SERVICE)."""
    decoded = _CODEPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    return blank_literals(decoded)


def refuse_remote(query: str) -> None:
    """Refuse ``SERVICE``: the engine would fetch the remote endpoint over HTTP.

    SPARQL decodes ``\\uXXXX`` escapes before parsing, so they are decoded here too
    ("SERV\\u0049CE" is SERVICE). ``FROM <http…>`` only names a local graph.
    """
    if "\\" not in query and "service" not in query.lower():
        return  # the common case, without the cost of blanking the literals
    if _SERVICE.search(keywords_part(query)):
        raise QueryError("SERVICE is refused: queries run on the local graph only")


class GraphStore(Protocol):
    """What the knowledge base needs of a store: the embedded one or an external one.

    Queries see the project's prefixes predeclared and the union of the named
    graphs as their default graph.
    """

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]: ...

    def ask(self, query: str) -> bool: ...

    def describe(self, iri: str, format: str) -> bytes: ...

    def dump(self, format: str) -> bytes: ...

    def update(self, update: str, base_iri: str | None = None) -> None: ...

    def close(self) -> None: ...

    def __len__(self) -> int: ...


def to_rdflib(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise QueryError(f"unsupported term in results: {term!r}")


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _to_oxigraph(term: Node) -> OxTerm:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"unsupported binding: {term!r}")


Graphs = tuple[list[str], list[str]]  # default graphs, named graphs
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?", re.IGNORECASE)
_PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_IRI = re.compile(r"<([^<>\s]*)>|([A-Za-z][\w.-]*)?:([\w.-]*)")


def dataset_clauses(query: str, base_iri: str | None = None) -> Graphs:
    """The graphs the query's FROM and FROM NAMED clauses name: IRIs (relative ones
    resolved against ``base_iri``) or prefixed names (the query's prefixes, then the
    project's).

    Raises:
        QueryError: a prefixed name whose prefix is declared nowhere.
    """
    graphs: Graphs = ([], [])
    if "from" not in query.lower():
        return graphs  # the common case, without the cost of blanking the literals
    code = blank_literals(query)  # the same offsets, literals and comments blanked
    declared = {
        found.group(1) or "": found.group(2) for found in _PREFIX_DECLARATION.finditer(query)
    }
    prefixes = {**PREFIXES, **declared}
    for clause in _FROM.finditer(code):
        name = _IRI.match(query, clause.end())
        if name is None:
            continue
        iri, prefix, local = name.groups()
        if iri is None:
            if (prefix or "") not in prefixes:
                raise QueryError(f"FROM names an undeclared prefix: {prefix or ''}:")
            iri = prefixes[prefix or ""] + local
        elif base_iri:
            iri = urljoin(base_iri, iri)
        graphs[1 if clause.group(1) else 0].append(iri)
    return graphs


_WHERE_OPENS = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def values_clause(query: str, bindings: dict[str, Node]) -> str:
    """The query with its variables fixed by a ``VALUES`` block opening its first WHERE
    clause, for a store reached over HTTP (in process, pyoxigraph's substitutions do it).

    The same as the substitutions for the project's named queries, which bind
    variables of their outer group (not inside subqueries, MINUS or EXISTS).
    """
    found = _WHERE_OPENS.search(blank_literals(query))
    if not found:
        raise QueryError("a query run with bound variables needs a WHERE clause")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(_to_oxigraph(value)) for value in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return query[: found.end()] + block + query[found.end() :]


DATASET_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def describe(triples: set[ox.Triple], format: str) -> bytes:
    """Triples serialised in one of ``GRAPH_FORMATS``, with the project's prefixes."""
    ordered = sorted(triples, key=str)
    return bytes(
        ox.serialize(ordered, format=GRAPH_FORMATS[format], prefixes=dict(PREFIXES)) or b""
    )


def serialise_dataset(quads: Iterable[ox.Quad], format: str) -> bytes:
    """Quads serialised: "trig" and "nquads" keep the named graphs; "turtle", "nt",
    "jsonld" and "rdfxml" give the union of all graphs."""
    if format in DATASET_FORMATS:
        ordered = sorted(quads, key=str)
        return bytes(
            ox.serialize(ordered, format=DATASET_FORMATS[format], prefixes=dict(PREFIXES)) or b""
        )
    return describe({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, format)


def apply_update(store: ox.Store, update: str, base_iri: str | None = None) -> None:
    """Apply a SPARQL update with the project's prefixes; nothing is fetched.

    Raises:
        QueryError: the update is malformed or would reach the network.
    """
    refuse_remote(update)
    try:
        store.update(update, prefixes=dict(PREFIXES), base_iri=base_iri)
    except SyntaxError as error:
        raise QueryError(str(error)) from error


class OxigraphStore:
    """An in-memory pyoxigraph store loaded from a TriG serialisation."""

    def __init__(self, trig: bytes) -> None:
        self.store = ox.Store()
        self.store.bulk_load(trig, format=ox.RdfFormat.TRIG)
        self.prefixes = dict(PREFIXES)

    def raw_query(self, query: str, bindings: dict[str, Node] | None = None) -> object:
        """Run a query with the project's prefixes predeclared; the default graph is the union.

        ``bindings`` fix variables before evaluation (SEP-0007); each bound
        variable must appear in the SELECT projection.
        """
        refuse_remote(query)
        substitutions: dict[ox.Variable, OxTerm] | None = (
            {ox.Variable(name): _to_oxigraph(value) for name, value in bindings.items()}
            if bindings
            else None
        )
        try:
            return self.store.query(
                query,
                prefixes=self.prefixes,
                use_default_graph_as_union=True,
                substitutions=substitutions,
            )
        except SyntaxError as error:
            raise QueryError(str(error)) from error
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # a pyoxigraph panic must not take the service down
            raise QueryError(f"the query engine failed on this query: {error}") from error

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        results = self.raw_query(query, bindings)
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [variable.value for variable in results.variables]
        return [{name: to_rdflib(solution[name]) for name in names} for solution in results]

    def ask(self, query: str) -> bool:
        results = self.raw_query(query)
        if not isinstance(results, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(results)

    def dump(self, format: str) -> bytes:
        """The dataset serialised (see ``serialise_dataset``; the engine's own order)."""
        if format in DATASET_FORMATS:
            return bytes(self.store.dump(format=DATASET_FORMATS[format]) or b"")
        return serialise_dataset(self.store, format)

    def close(self) -> None:
        """Nothing to release: the store lives in this process's memory."""

    def describe(self, iri: str, format: str) -> bytes:
        """Every triple (from any graph) whose subject is ``iri``."""
        triples = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self.store.quads_for_pattern(ox.NamedNode(iri), None, None)
        }
        return describe(triples, format)

    def replace(self, nquads: bytes) -> None:
        """Swap in a whole new dataset at once: readers see the old one or the new one."""
        store = ox.Store()
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        self.store = store

    def update(self, update: str, base_iri: str | None = None) -> None:
        """Apply a SPARQL update to the live store; relative IRIs resolve against ``base_iri``."""
        apply_update(self.store, update, base_iri)

    def __len__(self) -> int:
        return len(self.store)
