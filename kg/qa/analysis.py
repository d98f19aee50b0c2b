"""Question analysis: what a French question asks (intent) and about what (entities)."""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from kg.link import EntityLinker, LinkedEntity
from kg.namespaces import VKG
from kg.text import normalise

DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"


class Intent(StrEnum):
    DEFINITION = "definition"
    ATTRIBUTE = "attribute"
    LIST = "list"
    COUNT = "count"
    COMPARISON = "comparison"
    HISTORY = "history"
    RELATION = "relation"
    PASSAGE = "passage"


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass
class Analysis:
    question: str
    intent: Intent
    entities: list[LinkedEntity]
    relations: list[str]
    classes: list[str]
    resolved_from_history: bool = False
    search_query: str = ""
    filters: list[LinkedEntity] = field(default_factory=list)
    residual: list[str] = field(default_factory=list)


_CUES: dict[Intent, re.Pattern[str]] = {
    Intent.RELATION: re.compile(r"\b(?:lien|liens|relation|rapport|relie)\b.*\bentre\b"),
    Intent.COMPARISON: re.compile(
        r"\b(?:difference|differences|differencie|compar\w*|versus|vs)\b"
    ),
    Intent.COUNT: re.compile(r"\bcombien\b"),
    Intent.HISTORY: re.compile(
        r"\b(?:quand|en quelle annee|depuis quand|a quelle date|quelle epoque|quelle decennie"
        r"|en quelle decennie|quelle periode)\b"
    ),
}
_LIST_START = re.compile(r"^(?:quel(?:le)?s\b|liste\b|cite\b|enumere\b|donne[- ]moi les\b)")
_FOLLOW_UP = re.compile(
    r"^(?:et\b|qui le\b|qui la\b|qui les\b)|\b(?:sa|son|ses|leur|leurs|il|elle|ce produit"
    r"|cette solution|celui-ci|celle-ci)\b"
)
_FILTER_TYPES = {"Licence", "InstallationMode", "VirtualisationType"}
_GENERIC_ENTITIES = {"concept-virtualisation"}


def _previous_entities(linker: EntityLinker, history: list[Message]) -> list[LinkedEntity]:
    """The entities of the latest earlier turn that named any (the user's first)."""
    for message in reversed(history):
        if message.role != "user":
            continue
        found = [e for e in linker.link(message.content) if e.id not in _GENERIC_ENTITIES]
        if found:
            return found
    return []


def analyse(question: str, history: list[Message], linker: EntityLinker) -> Analysis:
    """Intent, entities (resolved from the history for "et sa licence ?"), relations, classes."""
    folded = normalise(question)
    links = linker.analyse(question)
    entities = links.entities
    specific = [e for e in entities if e.id not in _GENERIC_ENTITIES]
    resolved = False
    search_query = question
    if not specific and history and _FOLLOW_UP.search(folded):
        previous = _previous_entities(linker, history)
        if previous:
            entities, specific, resolved = previous + entities, previous, True
            search_query = f"{' '.join(e.label for e in previous)} {question}"
    analysis = Analysis(
        question,
        Intent.PASSAGE,
        entities,
        links.relations,
        links.classes,
        resolved,
        search_query,
        residual=links.residual,
    )
    analysis.intent = _intent(folded, specific, links.relations, links.classes, analysis)
    return analysis


def _intent(
    folded: str,
    specific: list[LinkedEntity],
    relations: list[str],
    classes: list[str],
    analysis: Analysis,
) -> Intent:
    if len(specific) >= 2 and _CUES[Intent.RELATION].search(folded):
        return Intent.RELATION
    if len(specific) >= 2 and _CUES[Intent.COMPARISON].search(folded):
        return Intent.COMPARISON
    products_asked = str(VKG.Product) in classes
    filters = [e for e in specific if e.type in _FILTER_TYPES]
    if _CUES[Intent.COUNT].search(folded) and (products_asked or filters):
        analysis.filters = filters
        return Intent.COUNT
    if _LIST_START.search(folded) and products_asked and filters and len(filters) == len(specific):
        analysis.filters = filters
        return Intent.LIST
    if _LIST_START.search(folded) and str(VKG.VirtualisationType) in classes and not specific:
        return Intent.LIST
    if specific and _CUES[Intent.HISTORY].search(folded):
        return Intent.HISTORY
    asked = [r for r in relations if r != DEFINITION]
    if specific and asked:
        return Intent.ATTRIBUTE
    # "Qu'est-ce que le mode d'émulation utilisateur de QEMU ?" asks about more than QEMU:
    # a definition answers only when the entity is all the question names.
    if len(specific) == 1 and DEFINITION in relations and not analysis.residual:
        return Intent.DEFINITION
    return Intent.PASSAGE
