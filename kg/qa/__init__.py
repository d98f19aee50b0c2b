"""French question answering over the knowledge graph and the passages."""

from kg.qa.analysis import Intent, Message
from kg.qa.answerer import DECLINED, Answer, Fact, QuestionAnswerer
from kg.qa.citations import Citation

__all__ = ["DECLINED", "Answer", "Citation", "Fact", "Intent", "Message", "QuestionAnswerer"]
