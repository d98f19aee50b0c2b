"""French wording: entity names with their articles, and the text of a candidate answer.

Text quoted from the course stays as written; what the assistant words itself
is built from the vocabulary's French labels.
"""

from kg.link import LinkedEntity
from kg.qa.analysis import AnswerType
from kg.qa.candidates import Candidate, CandidateKind
from kg.qa.facts import DEFINITION, FactIndex

_VOWELS = tuple("aeiouyhàâéèêëîïôûAEIOUYHÀÂÉÈÊËÎÏÔÛ")
# Common nouns take an article ("la paravirtualisation"); names do not ("Xen").
_COMMON_NOUN_TYPES = {"VirtualisationType", "Concept"}
_MASCULINE = {"système", "hyperviseur"}


def noun(entity: LinkedEntity) -> str:
    """ "l'émulation", "la paravirtualisation", "le système hôte", or the name itself."""
    if entity.type not in _COMMON_NOUN_TYPES:
        return entity.label
    label = entity.label[:1].lower() + entity.label[1:]
    if label.startswith(_VOWELS):
        return f"l'{label}"
    head = label.split()[0]
    article = "le" if head in _MASCULINE or head.endswith("ment") else "la"
    return f"{article} {label}"


def of(entity: LinkedEntity) -> str:
    """ "de l'émulation", "de la paravirtualisation", "d'OpenVZ", "de Xen"."""
    wording = noun(entity)
    if wording.startswith("le "):
        return f"du {wording[3:]}"
    if wording.startswith(_VOWELS) and not wording.startswith("l'"):
        return f"d'{wording}"
    return f"de {wording}"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def enumerate_fr(values: list[str]) -> str:
    """ "a", "a et b", "a, b et c"."""
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} et {values[-1]}"


def count_lead(count: int, items: list[str]) -> str:
    return f"Le cours en énumère {count} : {' ; '.join(items)}"


def candidate_text(
    candidate: Candidate,
    answer_type: AnswerType,
    entities: dict[str, LinkedEntity],
    facts: FactIndex,
    slides: dict[str, int],
) -> str:
    """What the answer says when this candidate is chosen (before citation marks)."""
    counting = answer_type == AnswerType.QUANTITY
    if candidate.kind == CandidateKind.UNIT:
        assert candidate.unit is not None
        if counting and candidate.unit.items:
            return count_lead(len(candidate.unit.items), list(candidate.unit.items))
        return candidate.unit.text
    if candidate.kind == CandidateKind.CLASS:
        if counting:
            return count_lead(len(candidate.members), candidate.members)
        return enumerate_fr(candidate.members)
    group = candidate.group
    assert group is not None
    if group.predicate == DEFINITION and group.forward:
        return group.values[0]
    values = group.values
    if counting and len(values) >= 2:
        return count_lead(len(values), values)
    entity = entities.get(group.entity)
    name = of(entity) if entity else f"de {group.entity}"
    if entity is not None and facts.label(group.predicate).endswith((" de", " du")):
        name = noun(entity)
    wording = facts.wording.get(group.predicate)
    label = facts.label(group.predicate)
    if not group.forward:
        label = wording.inverse_label if wording and wording.inverse_label else label
        subject = entity.label if entity else group.entity
        return f"{capitalise(label)} ({subject}) : {enumerate_fr(values)}"
    by_source: dict[str, list[str]] = {}
    for fact in group.facts:
        by_source.setdefault(fact.source.passage, [])
        if fact.object_label not in by_source[fact.source.passage]:
            by_source[fact.source.passage].append(fact.object_label)
    if len({tuple(sorted(v)) for v in by_source.values()}) > 1:
        parts = [
            f"selon la diapositive {slides.get(source, '?')}, {enumerate_fr(v)}"
            for source, v in by_source.items()
        ]
        return f"{capitalise(label)} {name} : les sources divergent ({' ; '.join(parts)})"
    return f"{capitalise(label)} {name} : {enumerate_fr(values)}"
