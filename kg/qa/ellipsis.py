"""Elliptical follow-ups: a turn that only names a new thing asks the earlier question again.

After « Quelle est la licence de Xen ? », « Et KVM ? » means « Quelle est la licence de
KVM ? »; after « Quels sont les avantages de l'émulation ? », « Et les inconvénients ? »
means « Quels sont les inconvénients de l'émulation ? ». The turn names one thing, or one
relation, and nothing else (no word of its own beyond grammatical ones); the earlier
question named one of the same kind. The earlier question is rewritten with the new one
in the place of the old, and read as any question.
"""

import re
from collections.abc import Callable

from kg.link import EntityLinker, LinkedEntity
from kg.qa.analysis import DEFINITION_PROPERTY, GENERIC_ENTITIES, Message
from kg.text import fold_accents

# French determiners: a relation named after one is a noun (« la licence », « ses avantages »).
_DETERMINER = re.compile(
    r"(?:^|\W)(?:l'|le|la|les|un|une|des|du|de|d'|sa|son|ses|leur|leurs|quel|quels|quelle"
    r"|quelles|ce|cet|cette|ces)\s*$"
)


def resolve_ellipsis(question: str, history: list[Message], linker: EntityLinker) -> str:
    """The question a follow-up stands for: the earlier user question (itself resolved)
    with what the follow-up names in place of its like, or the follow-up unchanged."""
    earlier: str | None = None
    for message in history:
        if message.role == "user":
            earlier = _rewritten(message.content, earlier, linker)
    return _rewritten(question, earlier, linker)


def _rewritten(question: str, earlier: str | None, linker: EntityLinker) -> str:
    if earlier is None:
        return question
    links = linker.analyse(question)
    if links.residual:
        return question  # it says more than a name: a question of its own
    named = _specific(links.entities)
    labels: Callable[[str], list[str]]
    if len(named) == 1 and not links.relations and not links.classes:
        new = named[0].id
        old = [e.id for e in _specific(linker.link(earlier)) if e.type == named[0].type]
        labels = linker.labels_of
    elif not named and len(links.relations) == 1:
        new = links.relations[0]
        old = linker.relations(earlier)
        labels = linker.relation_labels
    else:
        return question
    if len(old) != 1 or old[0] == new or DEFINITION_PROPERTY in (new, old[0]):
        return question
    old_span = _mention(earlier, labels(old[0]))
    new_span = _mention(question, labels(new))
    if old_span is None or new_span is None:
        return question
    if new not in linker.entities and not (
        _follows_determiner(earlier, old_span) and _follows_determiner(question, new_span)
    ):
        return question  # a relation said by a verb (« qui maintient ») has no noun to swap
    return earlier[: old_span[0]] + question[slice(*new_span)] + earlier[old_span[1] :]


def _follows_determiner(text: str, span: tuple[int, int]) -> bool:
    return bool(_DETERMINER.search(_folded(text[: span[0]])))


def _specific(entities: list[LinkedEntity]) -> list[LinkedEntity]:
    return [e for e in entities if e.id not in GENERIC_ENTITIES]


def _folded(text: str) -> str:
    """The text lower-cased without accents, one character for each of the original's."""
    return "".join((fold_accents(c) or c)[0].lower() for c in text)


def _mention(text: str, labels: list[str]) -> tuple[int, int] | None:
    """Where the text writes one of the labels (the longest first), accents aside."""
    folded = _folded(text)
    for label in sorted(labels, key=len, reverse=True):
        # A label's words may be written in the plural (« avantages », « types de… »).
        words = (re.escape(w) + "[sx]?" for w in _folded(label).split())
        found = re.search(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", folded)
        if found:
            return found.span()
    return None
