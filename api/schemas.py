"""Request and response bodies of the JSON API (the contracts of the design)."""

from typing import Literal

from pydantic import BaseModel, Field

HISTORY_MESSAGE_CHARS = 4000  # an earlier turn: a question, or one of our answers


class ChatMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=HISTORY_MESSAGE_CHARS)


class AskRequest(BaseModel):
    question: str = Field(min_length=1, description="A question in French.")
    history: list[ChatMessage] = Field(default_factory=list, description="Earlier turns.")


class HitOut(BaseModel):
    id: str
    title: str
    slide: int
    text: str
    score: float
    document: str


class FactOut(BaseModel):
    subject: str
    predicate: str
    object: str
    source: str = Field(description="Id of the passage the fact was read from.")


class EntityOut(BaseModel):
    id: str
    label: str
    type: str


class NodeOut(EntityOut):
    type_label: str = Field(description="The French name of its class (« produit »).")


class CitationOut(HitOut):
    number: int = Field(description="The [n] marker the answer uses for this passage.")
    sentence: str = Field(description="The cited sentence of the passage.")
    start: int = Field(description="Offset of the cited sentence in the source file.")
    end: int


class AskResponse(BaseModel):
    answer: str
    citations: list[CitationOut]
    facts: list[FactOut]
    entities: list[EntityOut]
    confidence: float = Field(description="Calibrated probability that the course answers it.")
    level: Literal["sûr", "probable", "incertain"] = Field(
        description="How sure the answer is: « sûr », « probable » (shown with the closest "
        "slides) or « incertain » (declined)."
    )
    abstained: bool
    reply: Literal["answer", "declined", "clarification", "greeting", "thanks", "rephrase"] = Field(
        description="What kind of turn this is: an answer, a refusal, a question back (a "
        "follow-up with nothing to follow), a reply to a greeting or thanks, a request to rephrase."
    )
    intent: str = Field(description="The kind of answer the question asks for.")
    suggestions: list[str]
    closest: list[HitOut] = Field(description="Nearest passages, offered when declining.")
    understood_as: str = Field(
        "",
        description="The question as read when a follow-up stands for an earlier one (after "
        "« Quelle est la licence de Xen ? », « Et KVM ? » is read as « Quelle est la licence "
        "de KVM ? »); empty otherwise.",
    )


class SearchResponse(BaseModel):
    query: str
    mode: str
    hits: list[HitOut]


class EntityList(BaseModel):
    query: str
    entities: list[NodeOut]


class EntityCardOut(BaseModel):
    id: str
    iri: str
    label: str
    types: list[str]
    type_labels: list[str] = Field(description="The French names of its classes.")
    alt_labels: list[str]
    definitions: list[str]
    facts: list[FactOut]
    passages: list[str]
    neighbours: list[NodeOut]


class EdgeOut(BaseModel):
    source: str
    predicate: str
    target: str
    label: str = Field("", description="The French name of the relation (« fork de »).")


class GraphOut(BaseModel):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class PathOut(BaseModel):
    source: str
    target: str
    found: bool
    edges: list[EdgeOut]
