"""Putting a build into an external SPARQL store, and checking that it is there.

``kg publish`` replaces the project's graphs (those named in its namespace) with
the built dataset in one SPARQL update: stores run one update request as one transaction
(Oxigraph, Fuseki/TDB2), so readers see the old graph or the new one, never half
of it. A small record in its own named graph says which build the store holds,
so that ``kg serve`` refuses a store that holds another one.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, XSD

from kg.artifacts import GRAPH, MANIFEST
from kg.namespaces import PUBLICATION_GRAPH
from kg.remote import RemoteStore

# Every graph of the project is named in its namespace; `kg publish` replaces them all.
OWNED_GRAPHS = "https://w3id.org/virtukg/"
PUBLISH_SECONDS = 300  # one update carries the whole dataset


class StoreNotReady(RuntimeError):
    """The store does not hold the current build: ``kg publish`` it first."""


@dataclass(frozen=True)
class Publication:
    endpoint: str
    build: str
    graphs: int
    quads: int
    published_at: str


def build_id(trig: bytes) -> str:
    """A short fingerprint of the built dataset's content (its sorted quads), the same
    whichever order a build serialised them in."""
    quads = sorted(str(quad) for quad in ox.parse(trig, format=ox.RdfFormat.TRIG))
    return hashlib.sha256("\n".join(quads).encode()).hexdigest()[:16]


def published_build(store: RemoteStore) -> str | None:
    """The build the store holds, or ``None`` when nothing was published there.

    Read through the default graph, so a store that does not serve the union of
    its named graphs as default graph is caught here too.
    """
    rows = store.select(f"SELECT ?build WHERE {{ <{PUBLICATION_GRAPH}> dct:identifier ?build }}")
    return str(rows[0]["build"]) if rows else None


def require_published(store: RemoteStore, build: str) -> None:
    """Raises ``StoreNotReady`` with what to do when the store lacks this build."""
    held = published_build(store)
    if held == build:
        return
    where = store.endpoints.query
    if held is None and store.ask(f"ASK {{ GRAPH <{PUBLICATION_GRAPH}> {{ ?s ?p ?o }} }}"):
        raise StoreNotReady(
            f"the store at {where} does not serve the union of its named graphs as its "
            "default graph: start Oxigraph with --union-default-graph, or set "
            "tdb2:unionDefaultGraph true in Fuseki"
        )
    found = "no published build" if held is None else f"build {held}"
    raise StoreNotReady(
        f"the store at {where} holds {found}, not the current build {build}: run `kg publish`"
    )


def publication_update(quads: list[ox.Quad], build: str, at: str) -> str:
    """One SPARQL update: empty the project's graphs (its namespace), insert the new ones."""
    by_graph: dict[str, list[str]] = {
        f"<{PUBLICATION_GRAPH}>": [
            f'<{PUBLICATION_GRAPH}> <{DCTERMS.identifier}> "{build}" .',
            f'<{PUBLICATION_GRAPH}> <{DCTERMS.issued}> "{at}"^^<{XSD.dateTime}> .',
        ]
    }
    for quad in quads:
        triple = f"{quad.subject} {quad.predicate} {quad.object} ."
        by_graph.setdefault(str(quad.graph_name), []).append(triple)
    blocks = "".join(
        f"GRAPH {name} {{\n" + "\n".join(triples) + "\n}\n" for name, triples in by_graph.items()
    )
    return (
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{OWNED_GRAPHS}")) }} ;\n'
        f"INSERT DATA {{\n{blocks}}}"
    )


def publish(store: RemoteStore, artifacts_dir: Path, record: bool = True) -> Publication:
    """Load the built dataset into the store in one transaction; ``record``: say so in
    the manifest."""
    trig = (artifacts_dir / GRAPH).read_bytes()
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    if any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise ValueError("the built dataset has triples outside the passages' named graphs")
    build = build_id(trig)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    store.apply(publication_update(quads, build, at), timeout=PUBLISH_SECONDS)
    publication = Publication(
        store.endpoints.query, build, len({q.graph_name for q in quads}), len(quads), at
    )
    if not record:
        return publication
    manifest_path = artifacts_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["published"] = asdict(publication)
    staged = manifest_path.with_suffix(".tmp")
    staged.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    staged.replace(manifest_path)
    return publication
