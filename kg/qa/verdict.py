"""Yes or no: the verdict the graph gives on a closed question about one of its facts.

« Xen est-il sous licence GPL ? » names first a subject of a fact (Xen) and then a value
of the kind the fact holds (GPL, a licence): when every value the question names is among
the fact's, the answer is yes; when none is, the course says otherwise. Sentences are not
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


def asks_yes_or_no(analysis: Analysis) -> bool:
    """Whether a question is answered by yes or no: asked by its word order (« Xen est-il
    libre ? », « est-ce que… »), or by its tone alone, with no question word and no choice
    offered but « ou pas » (« openvz, ça fait tourner windows ? »)."""
    if analysis.answer_type == AnswerType.BOOLEAN:
        return True
    question = analysis.question
    if analysis.answer_type != AnswerType.OTHER or "?" not in question:
        return False
    if _QUESTION_WORD.search(question.lower().replace("’", "'")):
        return False
    offered = alternatives(question)
    return not offered or normalise(offered[-1]) in _NEGATIVE_OPTION


def verdict(analysis: Analysis, group: FactGroup, entities: dict[str, LinkedEntity]) -> str:
    """« Oui » or « Non… » on a closed question whose first named thing is of the kind of
    the group's subjects and whose other named things are of the kind of its values:
    « Oui » when the first is a subject and every other a value; « Non… » when the first
    is a subject and none of the others a value, or when it is no subject of values that
    all are the group's. Nothing otherwise (« QEMU est-il un fork de KVM ? » is not
    answered by « KVM est un fork de QEMU »)."""
    named = analysis.own
    if not named or not asks_yes_or_no(analysis):
        return ""
    subjects = {group.entity} if group.forward else set(group.value_ids)
    objects = set(group.value_ids) if group.forward else {group.entity}
    first = named[0]
    if first.type not in _kinds(subjects, entities):
        return ""
    asked = {e.id for e in named[1:] if e.type in _kinds(objects, entities) and e != first}
    if not asked:
        return ""
    if first.id not in subjects:
        return NO if asked <= objects else ""
    if asked <= objects:
        return YES
    return "" if asked & objects else NO


def _kinds(ids: set[str], entities: dict[str, LinkedEntity]) -> set[str]:
    return {entities[i].type for i in ids if i in entities}
