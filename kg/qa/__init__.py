"""Question answering over the course: analyse, retrieve, read, decide."""

from kg.qa.analysis import Message
from kg.qa.answerer import DECLINED, Answer, Fact, Level, QuestionAnswerer
from kg.qa.citations import Citation
from kg.qa.conversation import Reply

__all__ = [
    "DECLINED",
    "Answer",
    "Citation",
    "Fact",
    "Level",
    "Message",
    "QuestionAnswerer",
    "Reply",
]
