"""The graph's facts about the entities of the course, as a reader sees them.

Every fact is loaded once (``ontology/queries/facts.rq``) with the passage it
was read from and the span of its sentence or table row. A question about an
entity looks at the entity's facts grouped by property, in both directions:
"Xen → licence → GPL" answers a question about Xen's licence, "? → type →
Cloisonnement" one about the products of that type.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.namespace import SKOS

from kg.namespaces import local_id
from kg.qa.queries import NamedQueries
from kg.text import FrenchAnalyser

DEFINITION = str(SKOS.definition)


@dataclass(frozen=True)
class FactSource:
    passage: str
    start: int | None  # source-file offsets of the sentence or row the fact was read from
    end: int | None


@dataclass(frozen=True)
class GraphFact:
    subject: str  # entity id
    subject_label: str
    predicate: str  # IRI
    object: str  # entity id, or the literal's text
    object_label: str
    object_is_statement: bool  # an item of one of the course's lists, quoted as written
    source: FactSource


@dataclass
class FactGroup:
    """The values of one property of one entity (``forward``) or the entities having one
    entity as value of a property (backward): one candidate answer."""

    entity: str
    predicate: str
    forward: bool
    facts: list[GraphFact] = field(default_factory=list)

    @property
    def values(self) -> list[str]:
        """The other end of each fact, each once, in the order the graph gave them."""
        labels = [f.object_label if self.forward else f.subject_label for f in self.facts]
        return list(dict.fromkeys(labels))

    @property
    def value_ids(self) -> list[str]:
        ids = [f.object if self.forward else f.subject for f in self.facts]
        return [i for i in dict.fromkeys(ids) if i]

    @property
    def sources(self) -> list[FactSource]:
        return list(dict.fromkeys(f.source for f in self.facts))


@dataclass(frozen=True)
class PropertyWording:
    """How French names a property: its label, and every word that asks for it."""

    label: str
    names: tuple[str, ...]  # its label and synonyms, French and English (no question words)
    inverse_label: str | None
    pattern: str | None  # the French sentence stating one of its facts
    keys: frozenset[str]  # lemma keys of the label, synonyms and question words
    phrases: tuple[tuple[frozenset[str], int], ...]  # each one's keys and number of words


class FactIndex:
    """Every fact of the graph, by the entity at either end, and the properties' wording."""

    def __init__(self, queries: NamedQueries, analyser: FrenchAnalyser) -> None:
        self._outgoing: dict[str, list[GraphFact]] = defaultdict(list)
        self._incoming: dict[str, list[GraphFact]] = defaultdict(list)
        for row in queries.run("facts"):
            value = row["object"]
            is_entity = not isinstance(value, Literal)
            start, end = row["start"], row["end"]
            fact = GraphFact(
                subject=local_id(str(row["subject"])),
                subject_label=str(row["subjectLabel"]),
                predicate=str(row["property"]),
                object=local_id(str(value)) if is_entity else str(value),
                object_label=str(row["objectLabel"] or value),
                object_is_statement=str(row["quoted"]).lower() == "true",
                source=FactSource(
                    local_id(str(row["source"])).removeprefix("passage-"),
                    int(str(start)) if start is not None else None,
                    int(str(end)) if end is not None else None,
                ),
            )
            if fact not in self._outgoing[fact.subject]:
                self._outgoing[fact.subject].append(fact)
                if is_entity:
                    self._incoming[fact.object].append(fact)
        # A property some of whose values several entities share (a licence, an installation
        # mode) is a scale things can be compared on; one whose every value belongs to one
        # entity alone (a definition, a developer) is not.
        holders: dict[tuple[str, str], set[str]] = defaultdict(set)
        for target, pointing in self._incoming.items():
            for fact in pointing:
                holders[(fact.predicate, target)].add(fact.subject)
        self.scales = frozenset(p for (p, _), subjects in holders.items() if len(subjects) > 1)
        labels: dict[str, str] = {}
        inverse: dict[str, str] = {}
        patterns: dict[str, str] = {}
        words: dict[str, list[str]] = defaultdict(list)
        names: dict[str, list[str]] = defaultdict(list)
        for row in queries.run("vocabulary"):
            prop, label, kind = str(row["property"]), str(row["label"]), str(row["kind"])
            if kind in ("label", "synonym"):
                names[prop].append(label)
            if str(row["lang"]) != "fr":  # another language's name asks for it, never says it
                words[prop].append(label)
                continue
            if kind == "pattern":
                patterns[prop] = label
                continue
            if kind == "label":
                labels[prop] = label
            elif kind == "inverse":
                inverse[prop] = label
            words[prop].append(label)
        self.wording = {
            prop: PropertyWording(
                labels.get(prop, local_id(prop).rsplit("#", 1)[-1]),
                tuple(names[prop]),
                inverse.get(prop),
                patterns.get(prop),
                frozenset(key for text in texts for key in analyser.lemma_set(text)),
                tuple(
                    (analyser.lemma_set(text), len(analyser.lemmas(text)))
                    for text in texts
                    if analyser.lemmas(text)
                ),
            )
            for prop, texts in words.items()
        }

    def pattern(self, prop: str) -> str | None:
        wording = self.wording.get(prop)
        return wording.pattern if wording else None

    def groups(self, entity_id: str) -> list[FactGroup]:
        """The entity's facts grouped by property: its own values, then what points at it."""
        groups: dict[tuple[str, bool], FactGroup] = {}
        for facts, forward in ((self._outgoing, True), (self._incoming, False)):
            for fact in facts.get(entity_id, []):
                key = (fact.predicate, forward)
                group = groups.setdefault(key, FactGroup(entity_id, fact.predicate, forward))
                group.facts.append(fact)
        return list(groups.values())

    def label(self, prop: str) -> str:
        wording = self.wording.get(prop)
        return wording.label if wording else local_id(prop).rsplit("#", 1)[-1]
