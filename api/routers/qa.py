"""POST /api/ask and GET /api/search."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import KB, AppSettings
from api.errors import ERROR_RESPONSES
from api.schemas import AskRequest, AskResponse, HitOut, SearchResponse
from api.validation import check_history, check_question
from kg.qa import Message
from kg.search import SearchMode

router = APIRouter(prefix="/api", tags=["questions"], responses={422: ERROR_RESPONSES[422]})


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, kb: KB, settings: AppSettings) -> AskResponse:
    """Answer a French question with cited passages and graph facts (or decline)."""
    check_question(body.question, settings)
    check_history(len(body.history), settings)
    history = [Message(m.role, m.content) for m in body.history]
    answer = kb.ask(body.question, history)
    data = asdict(answer)
    data.pop("signals", None)
    return AskResponse.model_validate(data)


@router.get("/search", response_model=SearchResponse)
def search(
    kb: KB,
    settings: AppSettings,
    q: Annotated[str, Query(min_length=1, description="Search text")],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    mode: SearchMode = SearchMode.HYBRID,
) -> SearchResponse:
    """The k passages closest to q (hybrid, lexical or dense)."""
    check_question(q, settings, field="q")
    hits = kb.search(q, k, mode)
    return SearchResponse(
        query=q, mode=mode.value, hits=[HitOut.model_validate(asdict(h)) for h in hits]
    )
