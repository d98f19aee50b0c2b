"""Linking a question to the graph: the entities it names and the relations it asks for.

Labels and synonyms (``skos:prefLabel``, ``skos:altLabel``) go through the same
French analyser as questions, so case, accents, elisions and plurals do not
matter ("hyperviseurs" finds Hyperviseur); the longest label wins ("User Mode
Linux" over "Linux"); a word one or two letters away from a label word still
matches ("paravirtualistion"). Relations are found the same way from the
labels and question cues the ontology gives each property ("licence",
"maintient", "qu'est-ce que" → definition).
"""

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kg.namespaces import local_id
from kg.store import GraphStore
from kg.text import FRENCH_STOP_WORDS, FrenchAnalyser, is_french_word, normalise

LINKABLE_CLASSES = (
    "VirtualisationType",
    "Concept",
    "Product",
    "Licence",
    "Organisation",
    "Person",
    "ProcessorArchitecture",
    "OperatingSystem",
    "HardwarePlatform",
    "InstallationMode",
)
_CLASS_FILTER = ", ".join(f"vkg:{name}" for name in LINKABLE_CLASSES)
_ENTITY_LABELS = f"""
SELECT ?e ?label ?type ?pref WHERE {{
  ?e a ?type ; skos:prefLabel ?pref .
  {{ ?e skos:prefLabel ?label }} UNION {{ ?e skos:altLabel ?label }}
  FILTER(?type IN ({_CLASS_FILTER}))
}}
"""
_PROPERTY_LABELS = """
SELECT ?p ?label WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  ?p a ?kind .
  { ?p rdfs:label ?label } UNION { ?p skos:altLabel ?label } UNION { ?p skos:hiddenLabel ?label }
  FILTER(?p NOT IN (vkg:mentionedIn, vkg:listedIn, vkg:slide, vkg:section,
                    vkg:startOffset, vkg:endOffset, vkg:sha256))
}
"""
_CLASS_LABELS = """
SELECT ?c ?label WHERE {
  ?c a owl:Class . FILTER(STRSTARTS(STR(?c), STR(vkg:)))
  { ?c rdfs:label ?label } UNION { ?c skos:altLabel ?label }
}
"""
_MENTIONS = "SELECT ?e ?p WHERE { ?e vkg:mentionedIn ?p }"
_FACTS = f"""
SELECT DISTINCT ?s ?p ?o ?g WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  ?g a vkg:Passage .
  FILTER(?p NOT IN (vkg:mentionedIn, vkg:listedIn, rdf:type, skos:prefLabel, skos:altLabel,
                    skos:inScheme))
  ?s a ?type . FILTER(?type IN ({_CLASS_FILTER}))
}}
"""
_FUZZY_MIN_LENGTH = 5
_WORD = re.compile(r"[^\W\d_]+")
_FUZZY_LONG_LENGTH = 8
_MAX_CORRECTIONS = 50_000
_PHRASE_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class LinkedEntity:
    id: str
    label: str
    type: str


ENTITY, CLASS, RELATION = "entity", "class", "relation"


@dataclass
class Links:
    """What a question names: entities, classes, relations, and the terms left over."""

    entities: list[LinkedEntity]
    classes: list[str]
    relations: list[str]
    residual: list[str]


def _phrase(text: str) -> str:
    """The text's words between spaces, punctuation left out, for matching a phrase."""
    return f" {' '.join(_PHRASE_WORD.findall(normalise(text)))} "


class _LabelIndex:
    """Analysed labels of every kind, matched jointly over a question's terms.

    At each position the longest label wins, whatever its kind, so "type de
    virtualisation" is a relation (and a class), not the concept "virtualisation",
    and "système hôte" is a concept, not the "hôte" cue of the host-system relation.
    """

    def __init__(self, analyser: FrenchAnalyser) -> None:
        self._analyser = analyser
        self._by_terms: dict[tuple[str, ...], set[tuple[str, str]]] = {}
        self._by_phrase: dict[str, set[tuple[str, str]]] = {}
        self._words: set[str] = set()
        self._word_list: list[str] = []
        self._corrections: dict[str, str] = {}

    def _terms(self, text: str) -> list[str]:
        """The text's analysed terms, without those whose stem is a grammatical word: « née »
        and « NES » both stem to « ne », so such a label is matched as a phrase."""
        return [t for t in self._analyser.tokens(text) if t not in FRENCH_STOP_WORDS]

    def add(self, label: str, kind: str, identifier: str) -> None:
        terms = tuple(self._terms(label))
        if terms:
            self._by_terms.setdefault(terms, set()).add((kind, identifier))
            self._words.update(t for t in terms if t.isalpha())
        else:  # a cue made only of grammatical words ("qu'est-ce que")
            self._by_phrase.setdefault(_phrase(label), set()).add((kind, identifier))

    def _correct(self, term: str) -> str:
        """The label word a misspelt term most likely means, or the term itself."""
        if term in self._words or len(term) < _FUZZY_MIN_LENGTH or not term.isalpha():
            return term
        known = self._corrections.get(term)
        if known is None:
            limit = 2 if len(term) >= _FUZZY_LONG_LENGTH else 1
            match = process.extractOne(
                term, self._sorted_words(), scorer=Levenshtein.distance, score_cutoff=limit
            )
            known = match[0] if match else term
            if len(self._corrections) < _MAX_CORRECTIONS:
                self._corrections[term] = known
        return known

    def _sorted_words(self) -> list[str]:
        if len(self._word_list) != len(self._words):
            self._word_list = sorted(self._words)
        return self._word_list

    def find(self, text: str, fuzzy: bool = True) -> tuple[list[tuple[str, str]], list[str]]:
        """The (kind, id) pairs named in ``text`` in order, and the terms no label used.

        ``fuzzy`` reads misspelt words as the label word they most likely mean.
        """
        terms = self._terms(text)
        if fuzzy:
            # A word of French is no misspelling (« rappeler » is not « appeler »).
            french = {
                term
                for word in _WORD.findall(normalise(text))
                if is_french_word(word)
                for term in self._terms(word)
            }
            terms = [t if t in french else self._correct(t) for t in terms]
        longest = max((len(k) for k in self._by_terms), default=0)
        found: list[tuple[str, str]] = []
        residual: list[str] = []
        position = 0
        while position < len(terms):
            for size in range(min(longest, len(terms) - position), 0, -1):
                matches = self._by_terms.get(tuple(terms[position : position + size]))
                if matches:
                    # An entity's name is about that entity ("Système hôte" is not the
                    # host-system relation); a class and a relation may share a word
                    # ("licence") and are both kept.
                    if any(kind == ENTITY for kind, _ in matches):
                        matches = {m for m in matches if m[0] == ENTITY}
                    found += [m for m in sorted(matches) if m not in found]
                    position += size
                    break
            else:
                residual.append(terms[position])
                position += 1
        folded = _phrase(text)
        for phrase, matches in self._by_phrase.items():
            if phrase in folded:
                found += [m for m in sorted(matches) if m not in found]
        return found, residual


class EntityLinker:
    """Finds entities and relations in questions; knows which passages mention or state what."""

    def __init__(self, store: GraphStore, analyser: FrenchAnalyser) -> None:
        self.entities: dict[str, LinkedEntity] = {}
        self._labels = _LabelIndex(analyser)
        self._entity_labels: dict[str, list[str]] = {}
        self._relation_labels: dict[str, list[str]] = {}
        for row in store.select(_ENTITY_LABELS):
            entity_id = local_id(str(row["e"]))
            entity_type = str(row["type"]).split("#")[-1]
            self.entities[entity_id] = LinkedEntity(entity_id, str(row["pref"]), entity_type)
            self._labels.add(str(row["label"]), ENTITY, entity_id)
            self._entity_labels.setdefault(entity_id, []).append(str(row["label"]))
        for row in store.select(_PROPERTY_LABELS):
            self._labels.add(str(row["label"]), RELATION, str(row["p"]))
            self._relation_labels.setdefault(str(row["p"]), []).append(str(row["label"]))
        self._class_labels: dict[str, list[str]] = {}
        for row in store.select(_CLASS_LABELS):
            self._labels.add(str(row["label"]), CLASS, str(row["c"]))
            self._class_labels.setdefault(str(row["c"]), []).append(str(row["label"]))
        self._notions = self._notions_named_by_relations()
        self.mentions: dict[str, set[str]] = {}
        for row in store.select(_MENTIONS):
            passage_id = local_id(str(row["p"])).removeprefix("passage-")
            self.mentions.setdefault(local_id(str(row["e"])), set()).add(passage_id)
        self.stated_in: dict[tuple[str, str], set[str]] = {}
        for row in store.select(_FACTS):
            passage_id = local_id(str(row["g"])).removeprefix("passage-")
            for node in (row["s"], row["o"]):
                key = (local_id(str(node)), str(row["p"]))
                self.stated_in.setdefault(key, set()).add(passage_id)

    def analyse(self, text: str) -> Links:
        found, residual = self._labels.find(text)
        return Links(
            entities=[self.entities[i] for kind, i in found if kind == ENTITY],
            classes=[i for kind, i in found if kind == CLASS],
            relations=[i for kind, i in found if kind == RELATION],
            residual=residual,
        )

    def link(self, text: str) -> list[LinkedEntity]:
        """Entities named in ``text``, in order of appearance, each once."""
        return self.analyse(text).entities

    def link_exact(self, text: str) -> list[LinkedEntity]:
        """Entities named in ``text`` as their labels are spelt (course text, not questions)."""
        found, _ = self._labels.find(text, fuzzy=False)
        return [self.entities[i] for kind, i in found if kind == ENTITY]

    def labels_of(self, entity_id: str) -> list[str]:
        """The entity's label and synonyms."""
        return self._entity_labels.get(entity_id, [])

    def relation_labels(self, relation: str) -> list[str]:
        """The words that name a relation (its label, synonyms and hidden labels)."""
        return self._relation_labels.get(relation, [])

    def class_labels_of(self, cls: str) -> list[str]:
        """A class's names (« type de virtualisation », « catégorie de virtualisation »)."""
        return self._class_labels.get(cls, [])

    def notion_of(self, relation: str) -> LinkedEntity | None:
        """The notion the course defines under one of a relation's names (the concept « Système
        hôte » for the host-system relation, also called « hôte » or « OS hôte »), if any."""
        return self._notions.get(relation)

    def _notions_named_by_relations(self) -> dict[str, LinkedEntity]:
        by_label: dict[str, set[str]] = {}
        for entity_id, labels in self._entity_labels.items():
            if self.entities[entity_id].type == "Concept":
                for label in labels:
                    by_label.setdefault(normalise(label), set()).add(entity_id)
        notions: dict[str, LinkedEntity] = {}
        for relation, labels in self._relation_labels.items():
            named = set().union(*(by_label.get(normalise(label), set()) for label in labels))
            if len(named) == 1:
                notions[relation] = self.entities[named.pop()]
        return notions

    def relations(self, text: str) -> list[str]:
        """IRIs of the properties a question asks about."""
        return self.analyse(text).relations

    def classes(self, text: str) -> list[str]:
        """IRIs of the classes a question names ("solutions" → vkg:Product)."""
        return self.analyse(text).classes
