"""The chat page and what it needs to start: example questions, queries, the workbench."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.deps import KB
from kg.namespaces import PREFIXES

router = APIRouter(tags=["page"])
HERE = Path(__file__).resolve().parent.parent
INDEX = HERE / "static" / "index.html"
CLIENTS = HERE / "clients"
# The endpoint the client examples are written against; replaced by this server's own.
EXAMPLE_ENDPOINT = "http://127.0.0.1:8000/sparql"
CLIENT_EXAMPLES = (
    ("curl", "curl.sh"),
    ("SPARQLWrapper", "sparqlwrapper_client.py"),
    ("rdflib", "rdflib_client.py"),
)


class NamedQuery(BaseModel):
    name: str
    title: str = Field(description="What the query gives, in French (its first comment line).")
    query: str = Field(description="The query with the PREFIX declarations it needs.")


class ClientExample(BaseModel):
    client: str = Field(description="curl, SPARQLWrapper or rdflib.")
    file: str = Field(description="A file name to save it under.")
    code: str


class Workbench(BaseModel):
    endpoint: str = Field(description="This server's SPARQL 1.1 Protocol endpoint.")
    prefixes: dict[str, str] = Field(description="Prefixes every query may use undeclared.")
    classes: list[str] = Field(description="Classes used in the graph, most used first.")
    properties: list[str] = Field(description="Properties used in the graph, most used first.")
    examples: list[ClientExample]


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(INDEX, media_type="text/html; charset=utf-8")


@router.get("/api/examples", response_model=list[str])
def examples(kb: KB) -> list[str]:
    """Example questions drawn from the graph (a definition, a licence, a comparison, history)."""
    return kb.example_questions()


@router.get("/api/queries", response_model=list[NamedQuery])
def queries(kb: KB) -> list[NamedQuery]:
    """The named SPARQL queries of ``ontology/queries/``, for the query editor."""
    return [
        NamedQuery(name=name, title=kb.queries.title(name), query=kb.queries.standalone(name))
        for name in sorted(kb.queries.texts, key=kb.queries.title)
    ]


@router.get("/api/sparql/workbench", response_model=Workbench)
def workbench(kb: KB, request: Request) -> Workbench:
    """What the SPARQL view needs beyond the endpoint: prefixes, the terms for
    autocompletion and client examples that run against this server."""
    endpoint = str(request.url_for("sparql"))
    terms = kb.queries.run("terms")
    return Workbench(
        endpoint=endpoint,
        prefixes=PREFIXES,
        classes=[str(row["term"]) for row in terms if str(row["kind"]) == "class"],
        properties=[str(row["term"]) for row in terms if str(row["kind"]) == "property"],
        examples=[
            ClientExample(
                client=client,
                file=file,
                code=(CLIENTS / file)
                .read_text(encoding="utf-8")
                .replace(EXAMPLE_ENDPOINT, endpoint),
            )
            for client, file in CLIENT_EXAMPLES
        ],
    )
