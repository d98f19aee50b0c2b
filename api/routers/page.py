"""The chat page and what it needs to start: example questions and example queries."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.deps import KB

router = APIRouter(tags=["page"])
INDEX = Path(__file__).resolve().parent.parent / "static" / "index.html"


class NamedQuery(BaseModel):
    name: str
    title: str = Field(description="What the query gives, in French (its first comment line).")
    query: str


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
        NamedQuery(name=name, title=kb.queries.title(name), query=text)
        for name, text in sorted(
            kb.queries.texts.items(), key=lambda item: kb.queries.title(item[0])
        )
    ]
