"""Yes or no: the verdict the graph gives on a closed question about one of its facts.

« Xen est-il sous licence GPL ? » names first a subject of a fact (Xen), then the
property (licence) and a value of the kind the fact holds (GPL, a licence). When every
value the question names is among the fact's, the answer is yes; when none is, the
course lists that thing's values and the asked one is not among them. Sentences are not
judged: only a fact states plainly what it holds.
"""

import re

from kg.link import LinkedEntity
from kg.qa.analysis import Analysis, AnswerType, alternatives
from kg.qa.facts import FactGroup
from kg.text import normalise

YES = "Oui"
NO = "Non, pas d'après le cours"
# Question words beyond those that ask for a kind of answer (« que fait X ? », « où… »).
_QUESTION_WORD = re.compile(
    r"\b(?:quel\w*|comment|qui|quoi|quand|combien|pourquoi|lequel|laquelle|lesquel\w*|que)\b"
    r"|\bqu'|(?<!\w)où\b"
)
_NEGATIVE_OPTION = frozenset({"pas", "non"})
_OR_NOT = re.compile(r",?\s*ou (?:pas|non)\W*$")
# « ne … pas », « n'est-il pas »: a negative question is answered « si » or « non », and
# which one it asks is not read.
_NEGATION = re.compile(r"\bne\b|\bn'")


def asks_yes_or_no(analysis: Analysis) -> bool:
    """Whether a question is answered by yes or no: asked by its word order (« Xen est-il
    libre ? », « est-ce que… ») or by its tone alone with no question word (« openvz, ça
    fait tourner windows ? »), offering no choice but « ou pas »."""
    question = analysis.question
    offered = alternatives(question)
    if offered and normalise(offered[-1]) not in _NEGATIVE_OPTION:
        return False
    if analysis.answer_type == AnswerType.BOOLEAN:
        return True
    if analysis.answer_type != AnswerType.OTHER or "?" not in question:
        return False
    return not _QUESTION_WORD.search(question.lower().replace("’", "'"))


def verdict(analysis: Analysis, group: FactGroup, entities: dict[str, LinkedEntity]) -> str:
    """« Oui » or « Non… » on an affirmative closed question that names the group's
    property, one thing of the kind of its subjects first, and things of the kind of its
    values: « Oui » when the first is a subject and every other a value; « Non… » when
    the first is a subject and none of the others a value, or when it is no subject of
    values that all are the group's. Nothing otherwise (« QEMU est-il un fork de KVM ? »
    is not answered by « KVM est un fork de QEMU »), nor when a thing asked may be one
    of the group's under another name (« Windows », « Microsoft Windows »)."""
    named = analysis.own
    if not named or group.predicate not in analysis.relations:
        return ""
    affirmative = _OR_NOT.sub("", normalise(analysis.question).replace("’", "'"))
    if not asks_yes_or_no(analysis) or _NEGATION.search(affirmative):
        return ""
    subjects = {group.entity} if group.forward else set(group.value_ids)
    objects = set(group.value_ids) if group.forward else {group.entity}
    subject_kinds, object_kinds = _kinds(subjects, entities), _kinds(objects, entities)
    first, rest = named[0], [e for e in named[1:] if e.id != named[0].id]
    if first.type not in subject_kinds:
        return ""
    if any(e.type in subject_kinds - object_kinds for e in rest):
        return ""  # several subjects asked of at once
    asked = {e.id for e in rest if e.type in object_kinds}
    if not asked:
        return ""
    if first.id in subjects and asked <= objects:
        return YES
    if first.id in subjects and not asked & objects:
        unnamed = [entities[i] for i in asked if i in entities]
        return "" if _among(unnamed, objects, entities) else NO
    if first.id not in subjects and asked <= objects:
        return "" if _among([first], subjects, entities) else NO
    return ""


def _kinds(ids: set[str], entities: dict[str, LinkedEntity]) -> set[str]:
    return {entities[i].type for i in ids if i in entities}


def _among(things: list[LinkedEntity], ids: set[str], entities: dict[str, LinkedEntity]) -> bool:
    """Whether the label of one of ``things`` is written in the label of one of ``ids``."""
    labels = [normalise(entities[i].label) for i in ids if i in entities]
    return any(normalise(t.label) in label for t in things for label in labels)
