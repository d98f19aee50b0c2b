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
    old_spans = _mentions(earlier, labels(old[0]))
    new_spans = _mentions(question, labels(new))
    if not old_spans or not new_spans:
        return question
    old_span, new_span = old_spans[0], new_spans[0]
    if new not in linker.entities and not (
        _follows_determiner(earlier, old_span)
        and all(_follows_determiner(question, span) for span in new_spans)
    ):
        # A relation said by a verb (« qui maintient », « que signifie cet acronyme ») has
        # no noun to swap.
        return question
    return earlier[: old_span[0]] + question[slice(*new_span)] + earlier[old_span[1] :]


def _follows_determiner(text: str, span: tuple[int, int]) -> bool:
    return bool(_DETERMINER.search(_folded(text[: span[0]])))


def _specific(entities: list[LinkedEntity]) -> list[LinkedEntity]:
    return [e for e in entities if e.id not in GENERIC_ENTITIES]


def _folded(text: str) -> str:
    """The text lower-cased without accents, one character for each of the original's."""
    return "".join((fold_accents(c) or c)[0].lower() for c in text)


def _mentions(text: str, labels: list[str]) -> list[tuple[int, int]]:
    """Where the text writes any of the labels, accents aside: the longest labels first,
    each place once."""
    folded = _folded(text)
    spans: list[tuple[int, int]] = []
    for label in sorted(labels, key=lambda label: (-len(label), label)):
        # A label's words may be written in the plural (« avantages », « types de… »).
        words = (re.escape(w) + "[sx]?" for w in _folded(label).split())
        for found in re.finditer(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", folded):
            start, end = found.span()
            if all(end <= a or start >= b for a, b in spans):
                spans.append((start, end))
    return spans
