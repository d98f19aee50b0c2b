"""The SPARQL 1.1 Protocol endpoint: GET, POST form and POST direct; read-only by default."""

import ipaddress
import re
import secrets
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.errors import error_body
from api.negotiation import best_match, parse_accept
from api.settings import ApiSettings
from kg.admission import FairGate
from kg.sparql import (
    GRAPH_FORMATS,
    QueryRequest,
    SparqlEndpoint,
    SparqlError,
    UpdateRequest,
    check_shape,
)
from kg.store import keywords_part

router = APIRouter(tags=["sparql"])
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
_LOAD = re.compile(r"\bLOAD\b", re.IGNORECASE)
_OWN_DATASET = re.compile(r"\b(?:USING|WITH)\b", re.IGNORECASE)
_DESCRIPTION = """
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
[] a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query {update} ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat formats:SPARQL_Results_JSON , formats:SPARQL_Results_XML ,
    formats:SPARQL_Results_CSV , formats:SPARQL_Results_TSV , formats:Turtle ,
    formats:N-Triples , formats:JSON-LD , formats:RDF_XML .
"""
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "Query results, or the service description when no query is given",
        "content": {
            media: {}
            for media in (
                "application/sparql-results+json",
                "application/sparql-results+xml",
                "text/csv",
                "text/tab-separated-values",
                *GRAPH_FORMATS,
            )
        },
    },
    400: {"description": "Malformed query, or protocol rule broken (JSON error)"},
    401: {"description": "Update without a valid bearer token"},
    403: {"description": "Updates are disabled"},
    405: {"description": "Method other than GET or POST"},
    406: {"description": "No acceptable result format"},
    413: {"description": "Request body too large"},
    415: {"description": "Unsupported Content-Type"},
    429: {"description": "Too many of this client's queries waiting (with Retry-After)"},
    503: {
        "description": "Query stopped at the time limit, every worker busy, or the "
        "external store unreachable (with Retry-After)"
    },
}


class ProtocolError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, "bad_encoding", "the request body is not UTF-8") from error


async def _parameters(request: Request) -> dict[str, list[str]]:
    """The protocol's parameters, from the query string and, for POST, from the body."""
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type == FORM:
        for name, values in parse_qs(_decode(body), keep_blank_values=True).items():
            params.setdefault(name, []).extend(values)
    elif content_type == QUERY:
        params.setdefault("query", []).append(_decode(body))
    elif content_type == UPDATE:
        params.setdefault("update", []).append(_decode(body))
    elif not content_type:
        raise ProtocolError(400, "missing_content_type", "a POST needs a Content-Type")
    else:
        raise ProtocolError(
            415,
            "unsupported_media_type",
            f"Content-Type {content_type!r} is not one of {FORM}, {QUERY}, {UPDATE}",
        )
    return params


def _endpoint(request: Request) -> str:
    """This endpoint's URL: the base of relative IRIs, as the protocol's tests expect."""
    return str(request.url).split("?")[0]


def _service_description(request: Request, settings: ApiSettings) -> Response:
    update = ", sd:SPARQL11Update" if settings.sparql_updates else ""
    turtle = _DESCRIPTION.format(endpoint=_endpoint(request), update=update)
    media = best_match(request.headers.get("accept"), list(GRAPH_FORMATS)) or "text/turtle"
    triples = [q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)]
    return Response(ox.serialize(triples, format=GRAPH_FORMATS[media]), media_type=media)


@router.get("/sparql", responses=_RESPONSES, operation_id="sparql_get")
@router.post("/sparql", responses=_RESPONSES, operation_id="sparql_post")
async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol: query by GET `?query=`, POST form or POST
    `application/sparql-query`; results by `Accept`. The default graph is the union of
    the named graphs (one per passage); `default-graph-uri` and `named-graph-uri`
    override the query's FROM. Updates are refused unless enabled, with a token."""
    # The state is read directly rather than through dependencies: resolving them
    # costs as much as a whole query on this graph.
    service: SparqlEndpoint = request.app.state.sparql
    settings: ApiSettings = request.app.state.settings
    try:
        params = await _parameters(request)
        queries, updates = params.get("query", []), params.get("update", [])
        if request.method == "GET" and updates:
            raise ProtocolError(400, "update_by_get", "updates must be sent with POST")
        if len(queries) + len(updates) > 1:
            raise ProtocolError(400, "ambiguous", "give exactly one query or one update")
        if updates:
            update = UpdateRequest(
                updates[0],
                _endpoint(request),
                params.get("using-graph-uri", []),
                params.get("using-named-graph-uri", []),
            )
            _check_using(update.update, update.using_graphs, update.using_named_graphs)
            return await _update(update, request, settings)
        if not queries:
            if request.method == "GET":
                return _service_description(request, settings)
            raise ProtocolError(400, "missing_query", "no query was given")
    except ProtocolError as error:
        return error_body(error.status, error.code, str(error))
    check_shape(queries[0], settings.sparql_max_query_chars, settings.sparql_max_nesting)
    query = QueryRequest(
        query=queries[0],
        accept=parse_accept(request.headers.get("accept")),
        default_graphs=params.get("default-graph-uri", []),
        named_graphs=params.get("named-graph-uri", []),
        max_rows=settings.sparql_max_rows,
        base_iri=_endpoint(request),
        max_bytes=settings.sparql_max_bytes,
    )
    gate: FairGate = request.app.state.sparql_gate
    async with gate.admit(client_key(request, settings)):
        if await request.is_disconnected():  # it left while its query waited: skip it
            return Response(status_code=499)
        result = await service.query_async(query)
    media = result.media_type
    if media.startswith("text/") or media.endswith(("+json", "+xml")):
        media += "; charset=utf-8"
    return Response(result.body, headers={"content-type": media})


def client_key(request: Request, settings: ApiSettings) -> str:
    """Who sends a query, for the fair queue: the operator when the update token is given,
    else the client's address (behind a trusted proxy, the address it forwards). Other
    tokens are not identities: a client could make up a new one for every query."""
    if _is_operator(request, settings):
        return "operator"
    return address_key(request.client.host if request.client else "")


def address_key(host: str) -> str:
    """One key per client address: an IPv4 address (mapped into IPv6 or not), or an IPv6
    network of 64 bits (one host's whole allocation, which it could otherwise rotate
    through)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _is_operator(request: Request, settings: ApiSettings) -> bool:
    """The request carries the update token. Compared as the header's bytes (Starlette
    decodes headers as latin-1): compare_digest refuses non-ASCII text."""
    token = settings.sparql_update_token
    given = request.headers.get("authorization", "").encode("latin-1")
    return bool(token) and secrets.compare_digest(given, f"Bearer {token}".encode())


def _check_using(update: str, graphs: list[str], named: list[str]) -> None:
    """The protocol's using-graph-uri / using-named-graph-uri: refused, as the protocol
    requires, when the update has its own USING or WITH; they must be IRIs."""
    if not graphs and not named:
        return
    if _OWN_DATASET.search(keywords_part(update)):
        raise ProtocolError(400, "ambiguous", "the update has USING or WITH: drop using-graph-uri")
    if any(re.search(r"[<>\s]", g) for g in graphs + named):
        raise ProtocolError(400, "bad_iri", "using-graph-uri values must be IRIs")


async def _update(
    update: UpdateRequest,
    request: Request,
    settings: ApiSettings,
) -> Response:
    if not settings.sparql_updates or not settings.sparql_update_token:
        raise SparqlError("forbidden", "this endpoint is read-only")
    if not _is_operator(request, settings):
        return error_body(401, "unauthorized", "updates need the operator's bearer token")
    check_shape(update.update, settings.sparql_max_query_chars, settings.sparql_max_nesting)
    if _LOAD.search(keywords_part(update.update)):
        raise ProtocolError(400, "load_refused", "LOAD is refused: the endpoint fetches nothing")
    service: SparqlEndpoint = request.app.state.sparql
    gate: FairGate = request.app.state.sparql_gate
    async with gate.admit(client_key(request, settings)):
        await run_in_threadpool(service.update, update)
    return JSONResponse({"status": "updated"})
