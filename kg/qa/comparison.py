"""A comparison of two things of one kind by the graph's facts: the difference first,
then each side.

Used when a question asks how two entities of one class differ and the course does
not compare them itself in one sentence (then that sentence is quoted). They are
compared on the properties whose values several entities share (a licence, a mode,
a type): a scale both can be placed on.
"""

import re
from dataclasses import dataclass

from kg.link import LinkedEntity
from kg.qa.facts import FactIndex, GraphFact
from kg.qa.wording import capitalise, enumerate_fr, noun
from kg.text import normalise

_ASKS_DIFFERENCE = re.compile(
    r"\b(?:differen\w*|differe\w*|distingu\w*|compar\w*|versus|vs)\b|\bpar rapport (?:a|au|aux)\b"
)
_MAX_VALUES = 4  # per property and side: the lead must fit a phone's screen


def asks_difference(question: str) -> bool:
    """Whether a question asks what sets things apart (« différence », « comparer », « vs »)."""
    return bool(_ASKS_DIFFERENCE.search(normalise(question)))


@dataclass(frozen=True)
class Line:
    text: str
    facts: list[GraphFact]  # what it states, for its citations


def compare(
    first: LinkedEntity,
    second: LinkedEntity,
    facts: FactIndex,
    entities: dict[str, LinkedEntity],
) -> list[Line]:
    """The lines of the comparison, the difference first; none when the two are placed
    alike on every scale they share."""
    own = [_scaled_facts(entity, facts) for entity in (first, second)]
    common = [p for p in own[0] if p in own[1]]
    differ = [p for p in common if _values(own[0][p]) != _values(own[1][p])]
    if not differ:
        return []
    names = [noun(first), noun(second)]
    labels = enumerate_fr([f"leur {facts.label(p)}" for p in differ])
    lines = [
        Line(
            f"{capitalise(names[0])} et {names[1]} diffèrent par {labels}.",
            [f for side in own for p in differ for f in side[p]],
        )
    ]
    for name, side in zip(names, own, strict=True):
        parts = [f"{_listed(side[p], entities)} ({facts.label(p)})" for p in differ]
        lines.append(
            Line(f"{capitalise(name)} : {' ; '.join(parts)}.", [f for p in differ for f in side[p]])
        )
    alike = [p for p in common if p not in differ]
    if alike:
        parts = [f"{_listed(own[0][p], entities)} ({facts.label(p)})" for p in alike]
        lines.append(
            Line(f"En commun : {' ; '.join(parts)}.", [f for p in alike for f in own[0][p]])
        )
    return lines


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
        {noun(entities[f.object]) if f.object in entities else f.object_label for f in facts}
    )
    if len(values) > _MAX_VALUES:
        return ", ".join(values[:_MAX_VALUES]) + "…"
    return enumerate_fr(values)
