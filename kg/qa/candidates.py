"""Candidate answers and the features a reader scores them with.

For one question, the candidates are the units (sentences, lists, table rows)
of the best passages, the linked entities' facts grouped by property, and the
members of a class the question names. Each gets the same general features:
how much of the question it covers (lemmas and stems, weighted by rarity),
its meaning's closeness (dense vectors), where its passage ranked, whether it
is the kind of answer the question word asks for (a date for « quand », a
name for « qui », a number or a list for « combien »…), whether it names an
entity of the class the question names, what it adds to the question, and its
shape. No feature knows any particular question; their weights are fitted
(``kg.fitting``).
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from enum import StrEnum

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from rdflib import URIRef

from kg.corpus import Passage
from kg.embed import Vectors
from kg.link import LINKABLE_CLASSES, EntityLinker, LinkedEntity
from kg.namespaces import local_id
from kg.qa.analysis import ACRONYM, Analysis, AnswerType
from kg.qa.facts import DEFINITION, FactGroup, FactIndex
from kg.qa.queries import NamedQueries
from kg.text import (
    FAMILY_PREFIX,
    FOLDED_PREFIX,
    FrenchAnalyser,
    family_prefixes,
    fold_accents,
    has_accents,
    initials_spell,
    is_lemma_key,
    lookup_key,
    normalise,
)
from kg.units import Unit, UnitKind

FEATURES = (
    "overlap",
    "overlap_stem",
    "overlap_prefix",
    "source",
    "title",
    "context",
    "previous",
    "entities",
    "context_entities",
    "dense",
    "rank",
    "score",
    "type_match",
    "type_unmet",
    "typed_overlap",
    "class_match",
    "novelty",
    "length",
    "first",
    "list",
    "row",
    "fact",
    "relation",
    "gloss",
    "definition",
    "choice",
)
PASSAGES_READ = 6
_ENTITY_CLASSES = frozenset(LINKABLE_CLASSES)  # the classes an entity of the graph can have
_AGENT_CLASSES = frozenset({"Person", "Organisation"})
_TYPED = frozenset({AnswerType.TIME, AnswerType.AGENT})
_ENUMERATING = frozenset({AnswerType.LIST, AnswerType.QUANTITY})
_DETERMINERS = frozenset({"un", "une", "le", "la", "les", "du", "de", "des"})
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b|\bannees? \d{2,4}\b|\b\d{2,4}s\b")
_NUMBER = re.compile(
    r"\b(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|seul|seule"
    r"|unique)\b"
)
# Words French uses to give a cause or a purpose.
_CAUSAL = re.compile(
    r"\b(?:car|parce|grace|afin|permet\w*|pour|depend\w*|en raison|donc|ainsi|puisqu\w*"
    r"|but|objectifs?|(?:vis(?:e|ent|ant)|ser(?:t|vent|vir)|destine\w*) a)\b"
)
_GLOSS = re.compile(r"(?P<before>(?:[\w'’\-/]+\W+){1,6})[(«]\s*(?P<inside>[^)»]{2,80})[)»]")
_LENGTH_SCALE = math.log(60)
_MIN_CORRECTED = 5
_LONG_WORD = 8
# An offered answer's word that a quarter of the course shares tells the offers apart from
# nothing (« virtualization » in « full virtualization ou paravirtualization »).
_COMMON_SHARE = 0.25
_FAMILY_MIN = 4
_MAX_CORRECTIONS = 50_000


class CandidateKind(StrEnum):
    UNIT = "unit"
    FACTS = "facts"
    CLASS = "class"


@dataclass(frozen=True)
class UnitProfile:
    """What is known of a unit before any question: computed once at load."""

    keys: frozenset[str]
    stems: frozenset[str]
    prefixes: frozenset[str]
    entities: frozenset[str]
    classes: frozenset[str]
    has_time: bool
    numbers: frozenset[str]
    causal: bool
    glosses: tuple[tuple[frozenset[str], frozenset[str], str, str], ...]
    words: int


@dataclass
class Candidate:
    """One possible answer, with what it would say and where it comes from."""

    kind: CandidateKind
    passage: str  # the passage it is cited from (the first source of a fact group)
    keys: frozenset[str]
    unit: Unit | None = None
    group: FactGroup | None = None
    members: list[str] = field(default_factory=list)  # a class's members
    member_class: str = ""
    vector_units: list[int] = field(default_factory=list)  # units whose vectors speak for it
    features: dict[str, float] = field(default_factory=dict)

    def vector(self) -> list[float]:
        return [self.features.get(name, 0.0) for name in FEATURES]

    @property
    def values(self) -> list[str]:
        """The values a fact group or a class lists."""
        if self.group is not None:
            return self.group.values
        return self.members

    @property
    def is_list(self) -> bool:
        return len(self.values) >= 2 or (self.unit is not None and bool(self.unit.items))

    @property
    def cited(self) -> list[str]:
        """The passages it is cited from: every source of a fact group, or its own."""
        return [s.passage for s in self.group.sources] if self.group is not None else [self.passage]


@dataclass(frozen=True)
class Option:
    """One answer a question offers to choose from: the entities it names, its word stems."""

    entities: frozenset[str]
    stems: frozenset[str]


@dataclass
class QuestionProfile:
    keys: list[str]  # lookup keys of the question's content lemmas
    alternates: dict[str, str]  # the stem key of the words typed without accents
    stems_by_key: dict[str, str]  # the stem key of every word
    weights: dict[str, float]  # idf of each key
    stems: frozenset[str]
    prefixes: frozenset[str]
    entity_keys: frozenset[str]  # keys of the labels of the entities it names
    context_keys: list[str]
    previous_keys: frozenset[str]  # the keys of the assistant's last answer
    entities: frozenset[str]  # the specific entities it names
    context_entities: frozenset[str]  # those the conversation named before
    classes: frozenset[str]  # local names of the classes it names
    acronyms: frozenset[str]
    similarities: Vectors  # the question's cosine with every unit
    options: list[Option] = field(default_factory=list)  # the answers it offers to choose
    subject: frozenset[str] = frozenset()  # what it asks about, beyond the answers it offers
    notions: frozenset[str] = frozenset()  # notions it names as relations of another thing

    def with_stems(self) -> "QuestionProfile":
        """The same question, every word allowed to match by its stem."""
        return replace(self, alternates=self.stems_by_key)

    @property
    def key_set(self) -> frozenset[str]:
        return frozenset(self.keys)

    @property
    def named(self) -> frozenset[str]:
        """Every entity the question or its conversation names."""
        return self.entities | self.context_entities

    def matches(self, key: str, found: frozenset[str]) -> bool:
        """Whether ``found`` holds the question's word ``key`` (or, typed without accents,
        its stem)."""
        return key in found or self.alternates.get(key, "\0") in found


class CandidateReader:
    """Builds and describes the candidate answers of a question."""

    def __init__(
        self,
        passages: dict[str, Passage],
        units: list[Unit],
        unit_vectors: Vectors,
        analyser: FrenchAnalyser,
        linker: EntityLinker,
        facts: FactIndex,
        queries: NamedQueries,
    ) -> None:
        self.passages = passages
        self.units = units
        self.unit_vectors = unit_vectors
        self.analyser = analyser
        self.linker = linker
        self.facts = facts
        self.queries = queries
        self.by_passage: dict[str, list[int]] = {}
        for index, unit in enumerate(units):
            self.by_passage.setdefault(unit.passage, []).append(index)
        self.profiles = [self._profile(unit.text) for unit in units]
        documents: Counter[str] = Counter()
        for profile in self.profiles:
            documents.update(profile.keys)
        count = max(len(units), 1)
        self.idf = {key: math.log(1 + count / n) for key, n in documents.items()}
        self.unknown_idf = math.log(1 + count)
        self.title_keys = {p.id: analyser.lemma_set(p.title) for p in passages.values()}
        self.passage_keys = {
            p.id: analyser.lemma_set(f"{p.title}\n{p.text}") for p in passages.values()
        }
        self._entity_keys: dict[str, frozenset[str]] = {}
        self.label_keys = {
            entity: frozenset().union(*map(analyser.lemma_set, linker.labels_of(entity)))
            for entity in linker.entities
        }
        # A notion is also named by the names of the relation tied to it (« guest OS »).
        for relation, wording in facts.wording.items():
            notion = linker.notion_of(relation)
            if notion is not None:
                names = map(analyser.lemma_set, wording.names)
                self.label_keys[notion.id] = self.label_keys[notion.id].union(*names)
        families: Counter[str] = Counter()
        for profile in self.profiles:
            families.update({stem[:FAMILY_PREFIX] for stem in profile.stems})
        self._common_families = frozenset(
            family for family, n in families.items() if n > _COMMON_SHARE * count
        )
        self._words = sorted(
            k[1:] for k in self.idf if k.startswith(FOLDED_PREFIX) and k[1:].isalpha()
        )
        self._corrections: dict[str, str] = {}
        self._lookups: dict[frozenset[str], frozenset[str]] = {}
        self._source_units: dict[tuple[str, int | None, int | None], list[int]] = {}
        self._definition_units = {
            entity: {self.units[i] for s in sources for i in self._overlapping(*s)}
            for entity, sources in self._sources_of(DEFINITION).items()
        }

    # ------------------------------------------------------------------ profiles

    def _profile(self, text: str) -> UnitProfile:
        entities = frozenset(e.id for e in self.linker.link_exact(text))
        folded = normalise(text)
        glosses = tuple(
            (
                self.analyser.lemma_set(m["before"].split()[-1] if m["before"].split() else ""),
                self.analyser.lemma_set(m["inside"]),
                m["before"],
                m["inside"],
            )
            for m in _GLOSS.finditer(text)
        )
        stems = self.analyser.term_set(text)
        return UnitProfile(
            keys=self.analyser.lemma_set(text),
            stems=stems,
            prefixes=family_prefixes(stems),
            entities=entities,
            classes=frozenset(self.linker.entities[e].type for e in entities),
            has_time=bool(_YEAR.search(folded)),
            numbers=frozenset(_NUMBER.findall(folded)),
            causal=bool(_CAUSAL.search(folded)),
            glosses=glosses,
            words=len(text.split()),
        )

    def _sources_of(self, prop: str) -> dict[str, list[tuple[str, int | None, int | None]]]:
        """Where every fact of one property was read from, by entity."""
        sources: dict[str, list[tuple[str, int | None, int | None]]] = {}
        for entity in self.linker.entities:
            for group in self.facts.groups(entity):
                if group.predicate == prop and group.forward:
                    sources[entity] = [(s.passage, s.start, s.end) for s in group.sources]
        return sources

    def _corrected(self, lemma: str) -> str:
        """The course word a misspelt question word most likely means, or the word itself.

        Only words no French dictionary knows are corrected: « racheter » is not a
        misspelling of « achever »."""
        key = lookup_key(lemma)
        if key in self.idf or len(lemma) < _MIN_CORRECTED or not lemma.isalpha():
            return key
        if simplemma.is_known(lemma, lang="fr"):  # a real word the course does not use
            return key
        known = self._corrections.get(key)
        if known is None:
            folded = fold_accents(lemma)
            limit = 1 if len(folded) < _LONG_WORD else 2
            match = process.extractOne(
                folded, self._words, scorer=Levenshtein.distance, score_cutoff=limit
            )
            known = FOLDED_PREFIX + match[0] if match else key
            if len(self._corrections) < _MAX_CORRECTIONS:
                self._corrections[key] = known
        return known

    def question_profile(self, analysis: Analysis, vector: Vectors) -> QuestionProfile:
        words = self.analyser.words(analysis.topic)
        keys = list(dict.fromkeys(self._corrected(lemma) for lemma, _ in words))
        every = [*words, *self.analyser.words(analysis.context)]
        stems = {self._corrected(lemma): self.analyser.stem_key(word) for lemma, word in every}
        alternates = {
            self._corrected(lemma): stems[self._corrected(lemma)]
            for lemma, word in every
            if not has_accents(word)
        }
        specific = analysis.own
        entity_keys = frozenset().union(
            *(self._keys_of(e.id) for e in [*specific, *analysis.context_entities])
        )
        # A notion named after a relation and said of another thing names that relation.
        notions = (
            frozenset(e.id for e in specific if e.type == "Concept")
            if any(e.type != "Concept" for e in specific)
            else frozenset()
        )
        context = [self._corrected(lemma) for lemma in self.analyser.lemmas(analysis.context)]
        stems_of_topic = frozenset(self.analyser.tokens(analysis.topic))
        options = self.options(analysis.alternatives)
        offered = {e for option in options for e in option.entities}
        return QuestionProfile(
            keys=keys,
            alternates=alternates,
            stems_by_key=stems,
            weights={k: self.idf.get(k, self.unknown_idf) for k in [*keys, *context]},
            stems=stems_of_topic,
            prefixes=family_prefixes(stems_of_topic),
            entity_keys=entity_keys,
            context_keys=[k for k in context if k not in keys],
            previous_keys=self.analyser.lemma_set(analysis.previous_answer),
            entities=frozenset(e.id for e in specific),
            context_entities=frozenset(e.id for e in analysis.context_entities),
            classes=frozenset(c.rsplit("#", 1)[-1] for c in analysis.classes),
            # Acronyms as written, and the things named whose label is one (« la gpl »).
            acronyms=frozenset(ACRONYM.findall(analysis.question)).union(
                e.label for e in specific if ACRONYM.fullmatch(e.label)
            ),
            similarities=self.unit_vectors @ vector,
            options=options,
            notions=notions,
            subject=frozenset(
                e.id for e in [*specific, *analysis.context_entities] if e.id not in offered
            ),
        )

    def options(self, alternatives: list[str]) -> list[Option]:
        """The answers « A ou B » offers. They are parallel: when B names an entity, A is the
        entity of B's kind before « ou », else the one its last words name (« un émulateur
        ou un hyperviseur »); otherwise A is as many of the last stems before « ou » as B
        has. Offers without a word that tells them apart are no choice (« par ou passe… »,
        « où » typed without its accent)."""
        if not alternatives:
            return []
        *before, after = alternatives
        last = self.linker.link(after)
        stems = self._distinctive_stems(after)
        options = []
        for text in before:
            named = [e for e in self.linker.link(text) if e.type in {e.type for e in last}]
            if last and not named:
                named = self._named_alone(text)
            words = [] if named else self._distinctive_stems(text)[-max(len(stems), 1) :]
            options.append(Option(frozenset(e.id for e in named), frozenset(words)))
        options.append(Option(frozenset(e.id for e in last), frozenset(stems)))
        return options if all(o.entities or o.stems for o in options) else []

    def _named_alone(self, text: str) -> list[LinkedEntity]:
        """The thing the last words of a text name as a noun of their own, after an article
        or nothing (« plutôt un émulateur », not « intégré à Linux »)."""
        words = text.split()
        for count in range(1, len(words) + 1):
            named = self.linker.link(" ".join(words[-count:]))
            if named:
                before = words[-count - 1].lower() if count < len(words) else ""
                return named if not before or before in _DETERMINERS else []
        return []

    def _holds(self, kind: AnswerType, passage_id: str) -> bool:
        """Whether a passage holds a unit of the kind a typed question asks for."""
        profiles = [self.profiles[i] for i in self.by_passage.get(passage_id, [])]
        if kind == AnswerType.TIME:
            return any(p.has_time for p in profiles)
        return any(p.classes & _AGENT_CLASSES for p in profiles)

    def _distinctive_stems(self, text: str) -> list[str]:
        """The stems of a text's words, but those of families a quarter of the course uses."""
        return [
            s for s in self.analyser.tokens(text) if s[:FAMILY_PREFIX] not in self._common_families
        ]

    # ------------------------------------------------------------------ candidates

    def candidates(
        self, analysis: Analysis, question: QuestionProfile, ranked: list[tuple[str, float]]
    ) -> list[Candidate]:
        """Every candidate answer of the question, with its features."""
        rank = {pid: position for position, (pid, _) in enumerate(ranked, start=1)}
        top = ranked[0][1] if ranked and ranked[0][1] > 0 else 1.0
        scores = {pid: score / top for pid, score in ranked}
        found: list[Candidate] = []
        read = [pid for pid, _ in ranked[:PASSAGES_READ]]
        # A question for a date or a person whose best passages hold none reads on to the
        # first passage that does.
        kind = analysis.answer_type
        if kind in _TYPED and not any(self._holds(kind, pid) for pid in read):
            read += [pid for pid, _ in ranked[PASSAGES_READ:] if self._holds(kind, pid)][:1]
        for passage_id in read:
            for index in self.by_passage.get(passage_id, []):
                unit = self.units[index]
                found.append(
                    Candidate(
                        CandidateKind.UNIT,
                        passage_id,
                        self.profiles[index].keys,
                        unit=unit,
                        vector_units=[index],
                    )
                )
        for entity in dict.fromkeys([*analysis.own, *analysis.context_entities]):
            for group in self.facts.groups(entity.id):
                found.append(self._fact_candidate(group))
        if not analysis.specific:
            found += self._class_candidates(analysis)
        for candidate in found:
            candidate.features = self._features(candidate, analysis, question, rank, scores)
        return found

    def units_at(self, passage_id: str, start: int | None, end: int | None) -> list[int]:
        """The unit of a passage that holds a source span (the sentence or row of a fact)."""
        key = (passage_id, start, end)
        if key not in self._source_units:
            self._source_units[key] = self._find_units(passage_id, start, end)
        return self._source_units[key]

    def _overlapping(self, passage_id: str, start: int | None, end: int | None) -> list[int]:
        """Every unit of a passage that shares text with a source span."""
        passage = self.passages.get(passage_id)
        if passage is None or start is None or end is None:
            return []
        try:
            text_start, text_end = passage.text_span(start, end)
        except ValueError:
            return []
        return [
            i
            for i in self.by_passage.get(passage_id, [])
            if self.units[i].start < text_end and text_start < self.units[i].end
        ]

    def _find_units(self, passage_id: str, start: int | None, end: int | None) -> list[int]:
        overlapping = self._overlapping(passage_id, start, end)
        if not overlapping:
            return []
        passage = self.passages[passage_id]
        assert start is not None and end is not None
        text_start, text_end = passage.text_span(start, end)
        inside = [
            i
            for i in overlapping
            if self.units[i].start <= text_start and text_end <= self.units[i].end
        ]
        chosen = inside or overlapping
        return sorted(chosen, key=lambda i: self.units[i].end - self.units[i].start)[:1]

    def _fact_candidate(self, group: FactGroup) -> Candidate:
        units = [u for s in group.sources for u in self.units_at(s.passage, s.start, s.end)]
        units = list(dict.fromkeys(units))
        entity = self.linker.entities.get(group.entity)
        named = [entity.label] if entity is not None else []
        keys = frozenset(
            k
            for text in [*group.values, *named, self.facts.label(group.predicate)]
            for k in self.analyser.lemma_set(text)
        )
        return Candidate(
            CandidateKind.FACTS,
            group.sources[0].passage,
            keys,
            group=group,
            vector_units=units,
        )

    def _class_candidates(self, analysis: Analysis) -> list[Candidate]:
        """The members of each class the question names, listed in a table or anywhere. To a
        question asking which or how many there are, the list of every member says what
        they are (« les types de virtualisation »), unless it restricts them by a thing it
        names (« les solutions de paravirtualisation »)."""
        found = []
        every = (
            analysis.answer_type in _ENUMERATING
            and not analysis.own
            and not _writes_a_name(analysis.topic)
        )
        for cls in analysis.classes:
            names = self.linker.class_labels_of(cls) if every else []
            named = frozenset().union(*map(self.analyser.lemma_set, names))
            rows = self.queries.run("members", **{"class": URIRef(cls)})
            by_source: dict[str, dict[str, str]] = {}
            for row in rows:
                source = str(row["source"]).rsplit("passage-", 1)[-1]
                by_source.setdefault(source, {})[local_id(str(row["item"]))] = str(row["label"])
            for source, members in by_source.items():
                if len(members) < 2:
                    continue
                labels = list(dict.fromkeys(members.values()))
                keys = named.union(*map(self.analyser.lemma_set, labels))
                # The units that name its members speak for the list (its stems, its vector).
                units = [
                    i
                    for i in self.by_passage.get(source, [])
                    if self.profiles[i].entities & members.keys()
                ]
                found.append(
                    Candidate(
                        CandidateKind.CLASS,
                        source,
                        keys,
                        members=labels,
                        member_class=cls.rsplit("#", 1)[-1],
                        vector_units=units,
                    )
                )
        return found

    # ------------------------------------------------------------------ features

    def _lemma_lookups(self, keys: frozenset[str]) -> frozenset[str]:
        """The lemmas among a candidate's keys, as a question's words are looked up."""
        found = self._lookups.get(keys)
        if found is None:
            found = frozenset(lookup_key(k) for k in keys if is_lemma_key(k))
            if len(self._lookups) < _MAX_CORRECTIONS:
                self._lookups[keys] = found
        return found

    @staticmethod
    def _share(keys: list[str], found: frozenset[str], question: "QuestionProfile") -> float:
        """The share of ``keys`` (weighted by rarity) that ``found`` holds."""
        weights = question.weights
        total = sum(weights[k] for k in keys)
        if not total:
            return 0.0
        return sum(weights[k] for k in keys if question.matches(k, found)) / total

    def _features(
        self,
        candidate: Candidate,
        analysis: Analysis,
        question: QuestionProfile,
        rank: dict[str, int],
        scores: dict[str, float],
    ) -> dict[str, float]:
        profiles = [self.profiles[i] for i in candidate.vector_units]
        stems = frozenset(s for p in profiles for s in p.stems)
        prefixes = frozenset(s for p in profiles for s in p.prefixes)
        entities = frozenset(e for p in profiles for e in p.entities)
        group = candidate.group
        values = candidate.values
        if group is not None:
            entities |= {group.entity, *group.value_ids}
        dense = max((float(question.similarities[i]) for i in candidate.vector_units), default=0.0)
        # A unit is read with its slide's title as context: « Faible densité » under
        # « Inconvénients » is a drawback.
        context = (
            self.title_keys.get(candidate.passage, frozenset()) if candidate.unit else frozenset()
        )
        found = candidate.keys | context
        # A thing the question (or its conversation) names counts as named whatever label
        # the candidate gives it (« full virtualization » is « virtualisation complète »).
        named = entities & question.named
        if named:
            found = found.union(*(self.label_keys[e] for e in named if e in self.label_keys))
        overlap = self._share(question.keys, found, question)
        source = 0.0
        if candidate.kind == CandidateKind.FACTS and profiles:
            source = max(self._share(question.keys, p.keys, question) for p in profiles)
        answer_type, flags = self._answer_type(candidate, analysis, question, profiles, values)
        novel = self._lemma_lookups(candidate.keys)
        words = (
            sum(p.words for p in profiles)
            if candidate.kind == CandidateKind.UNIT
            else sum(len(v.split()) for v in values)
        )
        cited = candidate.cited
        relation = 0.0
        if group is not None and group.predicate in self.facts.wording:
            relation = self._relation(question, group.predicate)
        return {
            "overlap": overlap,
            "source": source,
            "overlap_stem": len(question.stems & stems) / len(question.stems)
            if question.stems
            else 0.0,
            "overlap_prefix": len(question.prefixes & prefixes) / len(question.prefixes)
            if question.prefixes
            else 0.0,
            "title": self._share(
                question.keys, self.title_keys.get(candidate.passage, frozenset()), question
            ),
            "context": self._share(question.context_keys, candidate.keys, question),
            "previous": len(novel & question.previous_keys) / len(novel) if novel else 0.0,
            "entities": len(question.entities & entities) / len(question.entities)
            if question.entities
            else 0.0,
            "context_entities": len(question.context_entities & entities)
            / len(question.context_entities)
            if question.context_entities
            else 0.0,
            "dense": dense,
            "rank": max((1.0 / rank[p] for p in cited if p in rank), default=0.0),
            "score": max((scores.get(p, 0.0) for p in cited), default=0.0),
            "type_match": float(answer_type is True),
            "type_unmet": float(answer_type is False),
            "typed_overlap": overlap if answer_type is not False else 0.0,
            "class_match": flags["class_match"],
            "novelty": len(novel - question.key_set) / len(novel) if novel else 0.0,
            "length": min(math.log(1 + words) / _LENGTH_SCALE, 1.5),
            "first": float(
                (candidate.unit is not None and candidate.unit.position == 0)
                or any(self.units[i].position == 0 for i in candidate.vector_units)
            ),
            "list": float(
                len(values) >= 2 or (candidate.unit is not None and bool(candidate.unit.items))
            ),
            "row": float(any(self.units[i].kind == UnitKind.ROW for i in candidate.vector_units)),
            "fact": float(candidate.kind != CandidateKind.UNIT),
            "relation": relation,
            "gloss": flags["gloss"],
            "definition": flags["definition"],
            # A fact gives its values, not every word of the sentence or row it was read from.
            "choice": self._chooses(candidate, question, stems, entities)
            if group is None
            else self._chooses(
                candidate, question, frozenset(), frozenset({group.entity, *group.value_ids})
            ),
        }

    def _chooses(
        self,
        candidate: Candidate,
        question: QuestionProfile,
        stems: frozenset[str],
        entities: frozenset[str],
    ) -> float:
        """Whether the candidate gives one of the answers the question offers to choose from,
        about what the question asks of."""
        if not question.options or (question.subject and not question.subject & entities):
            return 0.0
        stems = stems.union(*(self.analyser.term_set(v) for v in candidate.values))
        return float(
            any(
                option.entities & entities
                or any(_same_family(o, t) for o in option.stems for t in stems)
                for option in question.options
            )
        )

    def _keys_of(self, entity_id: str) -> frozenset[str]:
        """The lookup keys of the words of an entity's labels, as a question's are."""
        keys = self._entity_keys.get(entity_id)
        if keys is None:
            keys = self._entity_keys[entity_id] = frozenset(
                lookup_key(lemma)
                for label in self.linker.labels_of(entity_id)
                for lemma in self.analyser.lemmas(label)
            )
        return keys

    def _relation(self, question: QuestionProfile, predicate: str) -> float:
        """How well the question's words name a property: the best of its label, synonyms and
        question wording, as the harmonic mean of the share of the question's own words
        (beyond the names it gives) they cover and the share of their words it uses. Stems
        may match, whatever the accents: « dérive » asks for « dérivé ». The notion named
        after the property, asked of another thing, names the property (« les systèmes
        invités de QEMU »)."""
        wording = self.facts.wording[predicate]
        notion = self.linker.notion_of(predicate)
        naming: frozenset[str] = frozenset()
        if notion is not None and notion.id in question.notions:
            naming = self._keys_of(notion.id)
        asked = [k for k in question.keys if k not in question.entity_keys or k in naming]
        stems = question.with_stems()
        best = 0.0
        for keys, size in wording.phrases:
            recall = self._share(asked, keys, stems)
            precision = min(sum(1 for k in asked if stems.matches(k, keys)) / size, 1.0)
            if recall and precision:
                best = max(best, 2 * recall * precision / (recall + precision))
        return best

    def _answer_type(
        self,
        candidate: Candidate,
        analysis: Analysis,
        question: QuestionProfile,
        profiles: list[UnitProfile],
        values: list[str],
    ) -> tuple[bool | None, dict[str, float]]:
        """Whether the candidate is the kind of answer the question word asks for (None when
        the question word asks for nothing in particular), and the flags behind it."""
        group = candidate.group
        named = {e for p in profiles for e in p.entities}
        classes = {c for p in profiles for c in p.classes}
        if group is not None:
            ids = group.value_ids
            named |= set(ids)
            classes |= {self.linker.entities[i].type for i in ids if i in self.linker.entities}
        if candidate.kind == CandidateKind.CLASS:
            classes.add(candidate.member_class)
        new_classes = {
            self.linker.entities[e].type
            for e in named - question.entities - question.context_entities
            if e in self.linker.entities
        }
        if candidate.kind == CandidateKind.CLASS:
            new_classes.add(candidate.member_class)
        class_match = float(bool(new_classes & question.classes))
        gloss = float(self._glosses(candidate, question, profiles, values))
        definition = float(self._is_definition(candidate, question))
        kind = analysis.answer_type
        text_values = " ".join(values)
        flags = {"class_match": class_match, "gloss": gloss, "definition": definition}
        if kind == AnswerType.AGENT:
            return bool(new_classes & _AGENT_CLASSES), flags
        if kind == AnswerType.TIME:
            return any(p.has_time for p in profiles) or bool(_YEAR.search(text_values)), flags
        if kind == AnswerType.QUANTITY:
            asked = set(_NUMBER.findall(normalise(analysis.question)))
            numbers = {n for p in profiles for n in p.numbers} - asked
            return bool(numbers) or candidate.is_list, flags
        if kind == AnswerType.EXPANSION:
            # What a term that is no acronym means is also what it is (see ``analyse``).
            means = DEFINITION in analysis.relations and not question.acronyms
            return bool(gloss) or (bool(definition) and means), flags
        if kind == AnswerType.REASON:
            return any(p.causal for p in profiles), flags
        if kind == AnswerType.DEFINITION:
            # What an acronym is, is first what it stands for.
            return bool(definition) or (bool(gloss) and bool(question.acronyms)), flags
        if kind == AnswerType.LIST:
            text = candidate.unit.text if candidate.unit is not None else ""
            enumerates = text.count(",") + text.count(" et ") >= 2
            # « Quels produits… » asks for a list of products, not a list of anything.
            of_kind = not question.classes & _ENTITY_CLASSES or bool(class_match)
            # The values of the property asked, or of the kind asked, answer it however many
            # the course gives (« quelles licences… » : « GPL »).
            of_asked_kind = group is not None and (
                bool(class_match) or group.predicate in analysis.relations
            )
            return (candidate.is_list or enumerates or of_asked_kind) and of_kind, flags
        return None, flags

    def _glosses(
        self,
        candidate: Candidate,
        question: QuestionProfile,
        profiles: list[UnitProfile],
        values: list[str],
    ) -> bool:
        """Whether the candidate glosses a word of the question: an expansion, a translation
        or a synonym in brackets or quotes next to it, or a full name spelling its acronym."""
        asked = set(question.keys)
        for profile in profiles:
            for before, inside, before_text, inside_text in profile.glosses:
                before_hit = any(lookup_key(k) in asked or k in asked for k in before)
                inside_hit = any(lookup_key(k) in asked or k in asked for k in inside)
                if before_hit != inside_hit:
                    return True
                for acronym in question.acronyms:
                    if acronym in inside_text and initials_spell(acronym, before_text):
                        return True
                    if acronym in before_text and initials_spell(acronym, inside_text):
                        return True
        acronyms = set(question.acronyms)
        if candidate.group is not None:
            subject = self.linker.entities.get(candidate.group.entity)
            if subject is not None and ACRONYM.fullmatch(subject.label):
                acronyms.add(subject.label)
        return any(initials_spell(a, v) for a in acronyms for v in values if " " in v)

    def _is_definition(self, candidate: Candidate, question: QuestionProfile) -> bool:
        """A definition of an entity the question names: its skos:definition, or the unit the
        graph read that definition from."""
        if candidate.group is not None:
            return (
                candidate.group.predicate == DEFINITION
                and candidate.group.entity in question.entities
            )
        return candidate.unit is not None and any(
            candidate.unit in self._definition_units.get(entity, ()) for entity in question.entities
        )


def _writes_a_name(text: str) -> bool:
    """Whether a word of the text other than a sentence's first has a capital: a name,
    whether the graph knows it or not (« chez Compaq »)."""
    return any(
        any(c.isupper() for c in word)
        for sentence in re.split(r"[.?!]\s+", text)
        for word in sentence.split()[1:]
    )


def _same_family(first: str, second: str) -> bool:
    """Whether two stems share a word family: the same first letters, or a short stem that
    begins the other (« emul » and « emulator »)."""
    if first == second:
        return True
    if min(len(first), len(second)) >= FAMILY_PREFIX:
        return first[:FAMILY_PREFIX] == second[:FAMILY_PREFIX]
    short, long = sorted((first, second), key=len)
    return len(short) >= _FAMILY_MIN and long.startswith(short)
