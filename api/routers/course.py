"""The course itself: its passages (slides), each with the entities it mentions."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from api.deps import KB
from api.errors import ERROR_RESPONSES
from api.schemas import EntityOut

router = APIRouter(prefix="/api", tags=["course"])


class PassageSummary(BaseModel):
    id: str
    document: str
    slide: int
    title: str
    section: str
    excerpt: str = Field(description="The first words of the slide, after its title.")


class TableRowOut(BaseModel):
    number: int = Field(description="0 for the header row.")
    cells: list[str]
    start: int = Field(description="Offset of the row in the source file.")
    end: int


class TableOut(BaseModel):
    rows: list[TableRowOut]


class PassageOut(PassageSummary):
    text: str
    start: int
    end: int
    entities: list[EntityOut]
    tables: list[TableOut] = Field(description="The slide's tables, row by row.")


@router.get("/passages", response_model=list[PassageSummary])
def passages(kb: KB) -> list[PassageSummary]:
    """Every passage of the course, in document and slide order."""
    return [
        PassageSummary(
            id=p.id,
            document=p.document,
            slide=p.slide,
            title=p.title,
            section=p.section,
            excerpt=_excerpt(p.text.removeprefix(p.title)),
        )
        for p in kb.passages.values()
    ]


def _excerpt(text: str, words: int = 8) -> str:
    found = text.split()
    return " ".join(found[:words]) + (" …" if len(found) > words else "")


@router.get(
    "/passages/{passage_id}", response_model=PassageOut, responses={404: ERROR_RESPONSES[404]}
)
def passage(
    kb: KB, passage_id: Annotated[str, PathParam(max_length=120, pattern=r"^[a-z0-9-]+$")]
) -> PassageOut:
    """One slide: its text, source offsets and the entities it mentions."""
    entities = kb.passage_entities(passage_id)
    found = kb.passages[passage_id]
    return PassageOut(
        id=found.id,
        document=found.document,
        slide=found.slide,
        title=found.title,
        section=found.section,
        excerpt=_excerpt(found.text.removeprefix(found.title)),
        text=found.text,
        start=found.start,
        end=found.end,
        entities=[EntityOut(id=e.id, label=e.label, type=e.type) for e in entities],
        tables=[
            TableOut.model_validate(t, from_attributes=True) for t in kb.passage_tables(found.id)
        ],
    )
