"""French wording: names with their articles, and the sentence a candidate answers with.

Text quoted from the course stays as written (a sentence, a list, a table row, a
definition). What the assistant says itself is built from the vocabulary: a fact is
stated with its property's French pattern (``vkg:answerPattern``), with the articles,
elisions and agreements French needs (« de la paravirtualisation », « d'OpenVZ »,
« Bochs et QEMU sont distribués »).
"""

import re
from dataclasses import dataclass

from kg.link import LinkedEntity
from kg.qa.analysis import AnswerType
from kg.qa.candidates import Candidate, CandidateKind
from kg.qa.facts import DEFINITION, FactGroup, FactIndex

_VOWELS = tuple("aeiouyhàâéèêëîïôûAEIOUYHÀÂÉÈÊËÎÏÔÛ")
# Common nouns take an article (« la paravirtualisation »); names do not (« Xen »).
_COMMON_NOUN_TYPES = {"VirtualisationType", "Concept"}
_MASCULINE = {"système", "hyperviseur", "cloisonnement", "institut"}
_FEMININE_HEADS = {"université", "universités", "société", "architecture"}
# Classes whose members are named after a feminine noun: « la licence GPL ».
_FEMININE_CLASSES = {"Licence": "licence", "ProcessorArchitecture": "architecture"}
_QUOTED_WORDS = 4  # values of at least this many words are quoted from the course
MAX_LIST_ITEMS = 12


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def enumerate_fr(values: list[str]) -> str:
    """ "a", "a et b", "a, b et c"."""
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} et {values[-1]}"


def _with_article(label: str, masculine: bool) -> str:
    if label.startswith(_VOWELS):
        return f"l'{label}"
    return f"{'le' if masculine else 'la'} {label}"


def is_feminine(entity: LinkedEntity) -> bool:
    if entity.type in _FEMININE_CLASSES:
        return True
    head = entity.label.split()[0].lower() if entity.label else ""
    if entity.type in _COMMON_NOUN_TYPES:
        return not (head in _MASCULINE or head.endswith("ment"))
    return head in _FEMININE_HEADS


def noun(entity: LinkedEntity) -> str:
    """ "l'émulation", "la paravirtualisation", "le système hôte", "l'université de Cambridge",
    or the name itself ("Xen")."""
    head = entity.label.split()[0].lower() if entity.label else ""
    if entity.type in _COMMON_NOUN_TYPES or head in _FEMININE_HEADS | _MASCULINE:
        label = entity.label[:1].lower() + entity.label[1:]
        if head.endswith("s") and head in _FEMININE_HEADS:
            return f"les {label}"
        return _with_article(label, not is_feminine(entity))
    return entity.label


def of(entity: LinkedEntity | str) -> str:
    """ "de l'émulation", "de la paravirtualisation", "du système hôte", "d'OpenVZ", "de Xen"."""
    return _de(noun(entity) if isinstance(entity, LinkedEntity) else entity)


def _de(wording: str) -> str:
    if wording.startswith("le "):
        return f"du {wording[3:]}"
    if wording.startswith("les "):
        return f"des {wording[4:]}"
    if wording.startswith(_VOWELS) and not wording.startswith(("l'", "la ")):
        return f"d'{wording}"
    return f"de {wording}"


@dataclass(frozen=True)
class Term:
    """One end of a fact as the sentence words it."""

    text: str  # with its article when it needs one
    feminine: bool = False


def term(
    value: str, entity: LinkedEntity | None, subject: bool = False, quoted: bool = False
) -> Term:
    """How a sentence names one end of a fact: an entity with its article (a name as the
    subject with its class's noun: « la licence BSD »), the course's words in quotes."""
    if entity is not None:
        kind = _FEMININE_CLASSES.get(entity.type)
        if subject and kind:
            return Term(_with_article(f"{kind} {entity.label}", False), True)
        return Term(noun(entity), is_feminine(entity))
    if quoted or len(value.split()) >= _QUOTED_WORDS:
        return Term(f"« {value.strip().rstrip('.')} »")
    return Term(value)


_MARKERS = re.compile(r"\{(de )?(sujet|objet)(\?[^|}]*\|[^}]*)?\}")


def state(pattern: str, subjects: list[Term], objects: list[Term]) -> str:
    """A fact stated by a property's pattern, agreeing with its subject(s)."""
    plural = len(subjects) > 1
    feminine = all(t.feminine for t in subjects)

    def replace(match: re.Match[str]) -> str:
        terms = subjects if match[2] == "sujet" else objects
        if match[3]:
            one, several = match[3][1:].split("|")
            return several if len(terms) > 1 else one
        texts = [t.text for t in terms]
        if match[1]:
            texts = [_de(t) for t in texts]
        return enumerate_fr(texts)

    text = _MARKERS.sub(replace, pattern)
    agreements = {
        "{est}": "sont" if plural else "est",
        "{a}": "ont" if plural else "a",
        "{peut}": "peuvent" if plural else "peut",
        "{nt}": "nt" if plural else "",
        "{x}": "s" if plural else "",
        "{un}": "des" if plural else "un",
        "{une}": "des" if plural else "une",
    }
    for marker, value in agreements.items():
        text = text.replace(marker, value)
    text = re.sub(
        r"(\w+)\{e\}",
        lambda m: (
            m[1]
            + ("e" if feminine and not m[1].endswith("e") else "")
            + ("s" if plural and not m[1].endswith("s") else "")
        ),
        text,
    )
    return capitalise(text)


def group_text(
    group: FactGroup,
    entities: dict[str, LinkedEntity],
    facts: FactIndex,
    slides: dict[str, int],
) -> str:
    """The sentence stating a group of facts; when its sources disagree, each value says the
    slide it comes from."""
    pattern = facts.pattern(group.predicate) or "{sujet} : {objet}"
    here = term(group.entity, entities.get(group.entity), subject=group.forward)
    by_source: dict[str, set[str]] = {}
    for fact in group.facts:
        by_source.setdefault(fact.source.passage, set()).add(fact.object_label)
    # One subject with other values on other slides: the deck contradicts itself.
    disagree = group.forward and len({frozenset(v) for v in by_source.values()}) > 1
    others: list[Term] = []
    seen: set[str] = set()
    for fact in group.facts:
        value, other_id = (
            (fact.object_label, fact.object)
            if group.forward
            else (fact.subject_label, fact.subject)
        )
        wording = term(value, entities.get(other_id), not group.forward, fact.object_is_statement)
        if wording.text in seen and not disagree:
            continue
        seen.add(wording.text)
        if disagree:
            wording = Term(f"{wording.text} (diapositive {slides.get(fact.source.passage, '?')})")
        others.append(wording)
    others = others[:MAX_LIST_ITEMS]
    subjects, objects = ([here], others) if group.forward else (others, [here])
    sentence = state(pattern, subjects, objects)
    if disagree:
        sentence += " : les diapositives se contredisent"
    return sentence


def count_lead(count: int, items: list[str]) -> str:
    return f"Le cours en cite {count} : {' ; '.join(items)}"


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
    sentence = group_text(group, entities, facts, slides)
    if counting and len(group.values) >= 2:
        return f"Le cours en cite {len(group.values)} : {sentence}"
    return sentence
