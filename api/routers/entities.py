"""Entities and the graph: search, cards, neighbourhoods, paths, dumps, the ontology."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from api.deps import KB
from api.errors import ERROR_RESPONSES
from api.navigation import with_navigation
from api.negotiation import best_match
from api.schemas import EdgeOut, EntityCardOut, EntityList, FactOut, GraphOut, NodeOut, PathOut
from kg.network import Edge
from kg.reference import reference_html

router = APIRouter(prefix="/api", tags=["graph"], responses={422: ERROR_RESPONSES[422]})
RDF_CARD_FORMATS = {"text/turtle": "turtle", "application/ld+json": "jsonld"}
DUMP_FORMATS = {
    "turtle": ("turtle", "text/turtle"),
    "trig": ("trig", "application/trig"),
    "nt": ("nt", "application/n-triples"),
    "nquads": ("nquads", "application/n-quads"),
    "jsonld": ("jsonld", "application/ld+json"),
}
ENTITY_ID = r"^[a-z]+-[a-z0-9-]+$"


def _entity(kb: KB, entity_id: str) -> NodeOut:
    node = kb.node(entity_id)
    return NodeOut(
        id=node.id, label=node.label, type=node.type, type_label=kb.class_label(node.type)
    )


def _edge(kb: KB, edge: Edge) -> EdgeOut:
    return EdgeOut(
        source=edge.source,
        predicate=edge.predicate,
        target=edge.target,
        label=kb.relation_label(edge.predicate),
    )


@router.get("/entities", response_model=EntityList)
def find_entities(
    kb: KB,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    type: Annotated[str | None, Query(max_length=60, description="e.g. Product")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> EntityList:
    """Entities whose label or synonym contains q (autocomplete)."""
    found = kb.find_entities(q, type, limit)
    return EntityList(query=q, entities=[_entity(kb, e.id) for e in found])


@router.get(
    "/entities/{entity_id}",
    response_model=EntityCardOut,
    responses={
        404: ERROR_RESPONSES[404],
        200: {"content": {media: {} for media in RDF_CARD_FORMATS}},
    },
)
def entity_card(
    kb: KB,
    request: Request,
    entity_id: Annotated[str, PathParam(max_length=120, pattern=ENTITY_ID)],
) -> Response | EntityCardOut:
    """Everything about one entity; Turtle or JSON-LD when the Accept header asks for RDF."""
    accept = request.headers.get("accept", "application/json")
    media = best_match(accept, ["application/json", *RDF_CARD_FORMATS])
    if media in RDF_CARD_FORMATS:
        return Response(kb.describe(entity_id, RDF_CARD_FORMATS[media]), media_type=media)
    card = kb.entity(entity_id)
    nodes, _ = kb.network.neighbours(entity_id, 1) if entity_id in kb.network else ([], [])
    return EntityCardOut(
        id=card.id,
        iri=card.iri,
        label=card.label,
        types=card.types,
        type_labels=[kb.class_label(t) for t in card.types],
        alt_labels=card.alt_labels,
        definitions=card.definitions,
        facts=[FactOut.model_validate(asdict(f)) for f in card.facts],
        passages=card.passages,
        neighbours=[_entity(kb, n) for n in nodes if n != entity_id],
    )


@router.get("/graph/neighbours/{entity_id}", response_model=GraphOut)
def neighbours(
    kb: KB,
    entity_id: Annotated[str, PathParam(max_length=120, pattern=ENTITY_ID)],
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
) -> GraphOut:
    """The entities within depth relations of an entity, and those relations."""
    nodes, edges = kb.neighbours(entity_id, depth)
    return GraphOut(
        nodes=[_entity(kb, n) for n in nodes],
        edges=[_edge(kb, e) for e in edges],
    )


@router.get("/graph/path", response_model=PathOut, responses={404: ERROR_RESPONSES[404]})
def path(
    kb: KB,
    source: Annotated[str, Query(alias="from", max_length=120, pattern=ENTITY_ID)],
    target: Annotated[str, Query(alias="to", max_length=120, pattern=ENTITY_ID)],
) -> PathOut:
    """How two entities are linked: the relations along a shortest path."""
    edges = kb.path(source, target)
    return PathOut(
        source=source,
        target=target,
        found=bool(edges) or source == target,
        edges=[_edge(kb, e) for e in edges],
    )


@router.get("/dump", responses={200: {"content": {m: {} for _, m in DUMP_FORMATS.values()}}})
def dump(
    kb: KB,
    format: Annotated[str, Query(pattern="^(turtle|trig|nt|nquads|jsonld)$")] = "trig",
) -> Response:
    """The whole graph: TriG and N-Quads keep the named graphs (provenance)."""
    name, media = DUMP_FORMATS[format]
    return Response(kb.store.dump(name), media_type=media)


@router.get("/labels", response_model=dict[str, str])
def labels(kb: KB) -> dict[str, str]:
    """The French label of every labelled resource, class and relation, by IRI (to show
    labels beside the IRIs of SPARQL results)."""
    return kb.labels()


@router.get("/ontology/reference", response_class=HTMLResponse)
def ontology_reference(kb: KB) -> HTMLResponse:
    """The vocabulary as a readable page: classes and properties, French and English."""
    page = reference_html(kb.settings.ontology_dir / "virtukg.ttl")
    return HTMLResponse(with_navigation(page, "vocabulary"))


@router.get("/ontology", responses={200: {"content": {"text/turtle": {}}}})
def ontology(kb: KB) -> Response:
    """The hand-written vocabulary (OWL + SKOS) in Turtle."""
    path = kb.settings.ontology_dir / "virtukg.ttl"
    return Response(path.read_bytes(), media_type="text/turtle")
