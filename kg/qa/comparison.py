"""A comparison of two things of one kind by the graph's facts: the difference first,
then each side, then what they share.

Used when a question asks how two entities of one class differ and the course does
not compare them itself in one sentence (then that sentence is quoted). They are
compared on the properties whose values several entities share (a licence, a mode,
a type): a scale both can be placed on; on the properties the question names, when
it names some. Two things no such scale sets apart (two types of virtualisation) are
set side by side by what the graph says of both.
"""

import re
from dataclasses import dataclass

from rdflib.namespace import SKOS

from kg.link import LinkedEntity
from kg.qa.facts import DEFINITION, FactIndex, GraphFact
from kg.qa.wording import capitalise, enumerate_fr, noun
from kg.text import normalise

_ASKS_DIFFERENCE = re.compile(
    r"\b(?:dif+[eé]?ren\w*|dif+er\w*|distingu\w*|distinct\w*|compar\w*|versus|vs)\b"
    r"|\bpar rapport (?:a|au|aux)\b"
)
_MAX_PROPERTIES = 3  # properties per line, at most: the lead must fit a phone's screen
_MAX_VALUES = 4  # values shown per property and side
# Not set side by side: a definition is too long, other names tell nothing of a difference.
_NOT_SIDE_BY_SIDE = frozenset({DEFINITION, str(SKOS.altLabel)})
# A sentence saying how things differ (« diffère de », « la seule différence », « se
# distingue »), not one merely naming « différentes technologies ».
_STATES_DIFFERENCE = re.compile(
    r"\b(?:differe(?:nt)? d|differences?\b|differenci\w*|distingu\w*|contrairement)"
)


def states_difference(sentence: str) -> bool:
    return bool(_STATES_DIFFERENCE.search(normalise(sentence)))


def asks_difference(question: str) -> bool:
    """Whether a question asks what sets things apart (« différence », « comparer », « vs »),
    misspelt or not."""
    return bool(_ASKS_DIFFERENCE.search(normalise(question)))


@dataclass(frozen=True)
class Line:
    text: str
    facts: list[GraphFact]  # what it states, for its citations


def compare(
    pair: tuple[LinkedEntity, LinkedEntity],
    facts: FactIndex,
    entities: dict[str, LinkedEntity],
    asked: list[str],
) -> list[Line]:
    """The lines of the comparison, the difference first; none when the two are placed alike
    on every scale they share (or on every asked one: ``asked`` are the properties the
    question names)."""
    own = [_scaled_facts(entity, facts) for entity in pair]
    common = [p for p in own[0] if p in own[1] and (p in asked or not asked)]
    differ = [p for p in common if _values(own[0][p]) != _values(own[1][p])][:_MAX_PROPERTIES]
    if not differ:
        return []
    names = [noun(entity) for entity in pair]
    labels = enumerate_fr([f"leur {facts.label(p)}" for p in differ])
    lines = [
        Line(
            f"{capitalise(names[0])} et {names[1]} diffèrent par {labels}.",
            [f for side in own for p in differ for f in side[p]],
        )
    ]
    for name, side, other in ((names[0], own[0], own[1]), (names[1], own[1], own[0])):
        alone = {p: [f for f in side[p] if f.object_label not in _values(other[p])] for p in differ}
        parts = [f"{_listed(alone[p], entities)} ({facts.label(p)})" for p in differ if alone[p]]
        if parts:
            lines.append(
                Line(
                    f"{capitalise(name)} : {' ; '.join(parts)}.",
                    [f for p in differ for f in alone[p]],
                )
            )
    shared = {
        p: [
            f
            for f in own[0][p] + own[1][p]
            if f.object_label in _values(own[0][p]) & _values(own[1][p])
        ]
        for p in common
    }
    in_common = [p for p in differ if shared[p]] + [p for p in common if p not in differ]
    in_common = [p for p in in_common if shared[p]][:_MAX_PROPERTIES]
    parts = [f"{_listed(shared[p], entities)} ({facts.label(p)})" for p in in_common]
    if parts:
        lines.append(
            Line(f"En commun : {' ; '.join(parts)}.", [f for p in in_common for f in shared[p]])
        )
    return lines


def side_by_side(pair: tuple[LinkedEntity, LinkedEntity], facts: FactIndex) -> list[Line]:
    """Each of two things by what the graph says of both (a type's description, advantages
    and drawbacks): the comparison of things no shared scale sets apart."""
    own = [
        {
            g.predicate: g.facts
            for g in facts.groups(entity.id)
            if g.forward and g.predicate not in facts.scales | _NOT_SIDE_BY_SIDE
        }
        for entity in pair
    ]
    both = [p for p in own[0] if p in own[1]][:_MAX_PROPERTIES]
    if not both:
        return []
    return [
        Line(
            f"{capitalise(noun(entity))} — "
            + " ; ".join(f"{facts.label(p)} : {_phrases(side[p])}" for p in both)
            + ".",
            [f for p in both for f in side[p][:_MAX_VALUES]],
        )
        for entity, side in zip(pair, own, strict=True)
    ]


def _phrases(facts: list[GraphFact]) -> str:
    """The values, the course's own phrases quoted as it writes them, a long list cut short."""
    values = [
        f"« {f.object_label.rstrip('. ')} »" if f.object_is_statement else f.object_label
        for f in facts[:_MAX_VALUES]
    ]
    return enumerate_fr(values) + (", etc." if len(facts) > _MAX_VALUES else "")


def _scaled_facts(entity: LinkedEntity, facts: FactIndex) -> dict[str, list[GraphFact]]:
    return {
        group.predicate: group.facts
        for group in facts.groups(entity.id)
        if group.forward and group.predicate in facts.scales
    }


def _values(facts: list[GraphFact]) -> frozenset[str]:
    return frozenset(f.object_label for f in facts)


def _listed(facts: list[GraphFact], entities: dict[str, LinkedEntity]) -> str:
    """The values, common nouns with their article (« la paravirtualisation »), names as
    they are; a long list cut short."""
    values = sorted(
        {noun(entities[f.object]) if f.object in entities else f.object_label for f in facts},
        key=str.casefold,
    )
    if len(values) > _MAX_VALUES:
        return ", ".join(values[:_MAX_VALUES]) + ", etc."
    return enumerate_fr(values)
