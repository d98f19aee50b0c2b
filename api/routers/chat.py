"""An OpenAI-compatible chat endpoint, so existing chat front-ends can use the assistant."""

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from api.deps import KB, AppSettings
from api.errors import error_body
from api.validation import (
    check_earlier_turns,
    check_history,
    check_last_is_question,
    check_question,
)
from kg.qa import Answer, Message

_OPENAI_ERRORS: dict[int | str, dict[str, object]] = {
    status: {
        "description": description,
        "content": {
            "application/json": {
                "example": {
                    "error": {
                        "message": "what is wrong, in plain words",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": code,
                    }
                }
            }
        },
    }
    for status, code, description in (
        (404, "model_not_found", "Unknown model"),
        (422, "invalid_request", "Invalid messages"),
    )
}
router = APIRouter(prefix="/v1", tags=["openai"], responses=_OPENAI_ERRORS)
_CHUNK_WORDS = 8


class ContentPart(BaseModel):
    type: str = "text"
    text: str = ""


class OpenAIMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(part.text for part in self.content if part.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model: str | None = None  # the id /v1/models lists; any other is refused (404)
    messages: list[OpenAIMessage] = Field(min_length=1)
    stream: bool = False
    temperature: float | None = None
    max_tokens: int | None = None


def _with_sources(answer: Answer) -> str:
    if not answer.citations:
        return answer.answer
    sources = "\n".join(f"[{c.number}] diapositive {c.slide} — {c.title}" for c in answer.citations)
    return f"{answer.answer}\n\nSources :\n{sources}"


def _citations(answer: Answer) -> list[dict[str, Any]]:
    return [
        {"number": c.number, "id": c.id, "slide": c.slide, "title": c.title, "sentence": c.sentence}
        for c in answer.citations
    ]


@router.get("/models")
def models(settings: AppSettings) -> dict[str, Any]:
    """The one model this service offers."""
    return {
        "object": "list",
        "data": [
            {"id": settings.model_name, "object": "model", "created": 0, "owned_by": "virtukg"}
        ],
    }


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: ChatRequest, kb: KB, settings: AppSettings
) -> dict[str, Any] | JSONResponse | StreamingResponse:
    """The last user message is the question; earlier user and assistant messages are the
    history. The reply carries the answer, its sources and, as an extension, `citations`."""
    if body.model is not None and body.model != settings.model_name:
        return error_body(
            404,
            "model_not_found",
            f"the model {body.model!r} does not exist; this service offers {settings.model_name!r}",
        )
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    check_last_is_question([m.role for m in turns])
    question = turns[-1].text()
    check_question(question, settings, field="messages")
    check_history(len(turns) - 1, settings)
    history = [Message(m.role, m.text()) for m in turns[:-1]]
    check_earlier_turns([turn.content for turn in history])
    answer = await run_in_threadpool(kb.ask, question, history)
    content = _with_sources(answer)
    identifier = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if body.stream:
        return StreamingResponse(
            _stream(identifier, created, settings.model_name, content, answer),
            media_type="text/event-stream",
        )
    words = len(question.split()), len(content.split())
    return {
        "id": identifier,
        "object": "chat.completion",
        "created": created,
        "model": settings.model_name,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": words[0],
            "completion_tokens": words[1],
            "total_tokens": sum(words),
        },
        "citations": _citations(answer),
        "abstained": answer.abstained,
    }


def _stream(
    identifier: str, created: int, model: str, content: str, answer: Answer
) -> Iterator[str]:
    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {
            "id": identifier,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    words = content.split(" ")
    for start in range(0, len(words), _CHUNK_WORDS):
        piece = " ".join(words[start : start + _CHUNK_WORDS])
        yield event({"content": piece if start == 0 else f" {piece}"})
    yield event({}, "stop", citations=_citations(answer))
    yield "data: [DONE]\n\n"
