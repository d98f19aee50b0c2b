"""Input limits that depend on settings, answered 422 like pydantic's own checks."""

from fastapi.exceptions import RequestValidationError

from api.schemas import HISTORY_MESSAGE_CHARS
from api.settings import ApiSettings


def _invalid(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}])


def check_question(text: str, settings: ApiSettings, field: str = "question") -> None:
    if not text.strip():
        raise _invalid(field, "must not be empty or blank")
    if len(text) > settings.max_question_chars:
        raise _invalid(field, f"must be at most {settings.max_question_chars} characters")
    if "\x00" in text:
        raise _invalid(field, "must not contain NUL characters")


def check_history(count: int, settings: ApiSettings) -> None:
    if count > settings.max_history_messages:
        raise _invalid("history", f"must hold at most {settings.max_history_messages} messages")


def check_earlier_turns(texts: list[str], field: str = "messages") -> None:
    """Each earlier turn of a conversation: at most as long as ``/api/ask``'s history
    allows, and without NUL characters."""
    if any(len(text) > HISTORY_MESSAGE_CHARS for text in texts):
        raise _invalid(
            field, f"earlier messages must be at most {HISTORY_MESSAGE_CHARS} characters"
        )
    if any("\x00" in text for text in texts):
        raise _invalid(field, "earlier messages must not contain NUL characters")


def check_last_is_question(roles: list[str], field: str = "messages") -> None:
    if not roles or roles[-1] != "user":
        raise _invalid(field, "the last user or assistant message must be the user's question")
