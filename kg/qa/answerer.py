"""Answer a French question from the graph and the passages, with citations.

Factual questions are answered from graph facts found by the named queries,
each fact citing the passage it was read from; the best sentence of the best
passage completes the answer. Other questions are answered by that sentence
alone. When nothing in the course supports an answer, the assistant declines.
"""

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from kg.corpus import Passage
from kg.link import EntityLinker, LinkedEntity
from kg.namespaces import RES, VKG, local_id
from kg.network import EntityNetwork
from kg.qa.analysis import DEFINITION, Analysis, Intent, Message, analyse
from kg.qa.citations import Citation, CitationBook, best_sentences, sentence_with
from kg.qa.confidence import ConfidenceModel, Signals
from kg.qa.queries import NamedQueries
from kg.qa.suggestions import suggest
from kg.qa.wording import noun, of
from kg.search import Hit, Searcher, SearchMode
from kg.text import FrenchAnalyser, normalise, sentences

DECLINED = "Je n'ai pas trouvé la réponse dans le cours."
GRAPH_CONFIDENCE = 0.95
_SUPPORTING_SENTENCE_MIN_COVERAGE = 0.5
_MAX_EVENTS = 3


@dataclass(frozen=True)
class Fact:
    subject: str
    predicate: str
    object: str
    source: str


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    facts: list[Fact]
    entities: list[LinkedEntity]
    confidence: float
    abstained: bool
    intent: str
    suggestions: list[str] = field(default_factory=list)
    closest: list[Hit] = field(default_factory=list)
    signals: Signals | None = None  # what the confidence was computed from


@dataclass
class _Statement:
    """One line of a graph answer, and the facts (with sources) behind it."""

    text: str
    facts: list[Fact]
    labels: list[str]


def _source(node: Node | None) -> str:
    return local_id(str(node)).removeprefix("passage-")


class QuestionAnswerer:
    def __init__(
        self,
        passages: dict[str, Passage],
        searcher: Searcher,
        linker: EntityLinker,
        analyser: FrenchAnalyser,
        queries: NamedQueries,
        network: EntityNetwork,
        confidence: ConfidenceModel,
    ) -> None:
        self.passages = passages
        self.network = network
        self.searcher = searcher
        self.linker = linker
        self.analyser = analyser
        self.queries = queries
        self.confidence = confidence
        self.labels = {str(r["term"]): str(r["label"]) for r in queries.run("labels")}
        documents: dict[str, int] = defaultdict(int)
        for passage in passages.values():
            for term in set(analyser.tokens(passage.text)):
                documents[term] += 1
        count = max(len(passages), 1)
        self.idf = {t: math.log(1 + count / n) for t, n in documents.items()}

    def label(self, term: str) -> str:
        return self.labels.get(term, term.split("#")[-1].split("/")[-1])

    # ------------------------------------------------------------------ main entry

    def ask(self, question: str, history: list[Message] | None = None) -> Answer:
        analysis = analyse(question, history or [], self.linker)
        found = self.searcher.candidates(analysis.search_query, SearchMode.HYBRID)
        ranked = self.searcher.fuse(found, SearchMode.HYBRID)
        hits = [self.searcher.hit(i, s) for i, s in ranked[:5]]
        statements = self._graph_statements(analysis)
        statements = list({s.text: s for s in statements}.values())
        book = CitationBook()
        lines: list[tuple[str, list[int]]] = []
        facts: list[Fact] = []
        for statement in statements:
            numbers = sorted(
                {
                    book.cite(
                        self.passages[f.source],
                        sentence_with(self.passages[f.source], statement.labels),
                        1.0,
                    )
                    for f in statement.facts
                    if f.source in self.passages
                }
            )
            lines.append((statement.text, numbers))
            facts += [f for f in statement.facts if f not in facts]
        sentence, signals = self._passage_sentence(analysis, hits, found.dense)
        if sentence is not None:
            hit, span, coverage = sentence
            if not statements or (
                hit.id not in {c.id for c in book.citations}
                and coverage >= _SUPPORTING_SENTENCE_MIN_COVERAGE
            ):
                number = book.cite(self.passages[hit.id], span, hit.score)
                lines.append((self.passages[hit.id].text[span[0] : span[1]], [number]))
        confidence = GRAPH_CONFIDENCE if statements else self.confidence.probability(signals)
        entities = analysis.entities
        if confidence < self.confidence.threshold or not lines:
            return Answer(
                DECLINED,
                [],
                [],
                entities,
                round(confidence, 3),
                True,
                analysis.intent,
                closest=hits[:3],
                signals=signals,
            )
        return Answer(
            answer=_join(lines),
            citations=book.citations,
            facts=facts,
            entities=entities,
            confidence=round(confidence, 3),
            abstained=False,
            intent=analysis.intent,
            suggestions=suggest(self, analysis),
            signals=signals,
        )

    # ------------------------------------------------------------------ passages

    def _passage_sentence(
        self, analysis: Analysis, hits: list[Hit], dense: list[tuple[int, float]]
    ) -> tuple[tuple[Hit, tuple[int, int], float] | None, Signals]:
        terms = set(self.analyser.tokens(analysis.search_query))
        known = [t for t in terms if t in self.idf]
        best: tuple[float, Hit, tuple[int, int], float] | None = None
        top_score = hits[0].score if hits and hits[0].score > 0 else 1.0
        for hit in hits[:3]:
            span, coverage = best_sentences(self.passages[hit.id], terms, self.analyser, self.idf)
            score = coverage + 0.3 * hit.score / top_score
            if best is None or score > best[0]:
                best = (score, hit, span, coverage)
        signals = Signals(
            term_coverage=len(known) / len(terms) if terms else 0.0,
            sentence_coverage=best[3] if best else 0.0,
            dense_similarity=max((s for _, s in dense), default=0.0),
            entity_linked=float(any(e.id != "concept-virtualisation" for e in analysis.entities)),
            unknown_name=float(self._names_unknown_thing(analysis.question)),
        )
        if best is None or best[3] == 0:
            return None, signals
        return (best[1], best[2], best[3]), signals

    def _names_unknown_thing(self, question: str) -> bool:
        """Whether a name in the question (capitalised, not first) is absent from the course."""
        words = re.findall(r"[\w-]+", question)[1:]
        names = [w for w in words if any(c.isupper() for c in w)]
        return any(not all(t in self.idf for t in self.analyser.tokens(name)) for name in names)

    # ------------------------------------------------------------------ graph

    def _graph_statements(self, analysis: Analysis) -> list[_Statement]:
        handlers = {
            Intent.DEFINITION: self._definitions,
            Intent.ATTRIBUTE: self._attributes,
            Intent.LIST: self._lists,
            Intent.COUNT: self._counts,
            Intent.HISTORY: self._history,
            Intent.RELATION: self._relations,
            Intent.COMPARISON: self._comparison,
        }
        handler = handlers.get(analysis.intent)
        return handler(analysis) if handler else []

    def _specific(self, analysis: Analysis) -> list[LinkedEntity]:
        return [e for e in analysis.entities if e.id != "concept-virtualisation"] or list(
            analysis.entities
        )

    def _definitions(self, analysis: Analysis) -> list[_Statement]:
        statements = []
        for entity in self._specific(analysis)[:2]:
            rows = self.queries.run("definition", entity=RES[entity.id])
            if rows:
                definition = str(rows[0]["definition"])
                fact = Fact(entity.label, "définition", definition, _source(rows[0]["source"]))
                # Cite the sentence that opens the definition, not any naming the entity.
                opening = sentences(definition)[0] if definition.strip() else entity.label
                statements.append(_Statement(definition, [fact], [opening, entity.label]))
        return statements

    def _attribute_rows(self, entity: LinkedEntity, relation: str) -> list[Fact]:
        rows = self.queries.run("attribute", entity=RES[entity.id], property=URIRef(relation))
        facts = [
            Fact(
                entity.label,
                self.label(relation),
                str(row["valueLabel"] or row["value"]),
                _source(row["source"]),
            )
            for row in rows
        ]
        # Sorted here rather than in SPARQL: pyoxigraph 0.5 can panic ordering mixed terms.
        return sorted(facts, key=lambda f: (f.source, f.object.lower()))

    def _attributes(self, analysis: Analysis) -> list[_Statement]:
        statements = []
        for entity in self._specific(analysis):
            for relation in analysis.relations:
                if relation == DEFINITION:
                    continue
                facts = self._attribute_rows(entity, relation)
                if facts:
                    statements.append(self._grouped(entity, relation, facts))
        return statements

    def _grouped(self, entity: LinkedEntity, relation: str, facts: list[Fact]) -> _Statement:
        """One relation of an entity ("Licence de Wine : …"), saying so when sources disagree."""
        subject = entity.label
        by_source: dict[str, list[str]] = defaultdict(list)
        for fact in facts:
            if fact.object not in by_source[fact.source]:
                by_source[fact.source].append(fact.object)
        head = f"{_capitalise(self.label(relation))} {of(entity)}"
        values = {tuple(sorted(v)) for v in by_source.values()}
        labels = [subject, *{f.object for f in facts}]
        if len(values) > 1:
            parts = [
                f"selon la diapositive {self.passages[s].slide}, {', '.join(v)}"
                if s in self.passages
                else ", ".join(v)
                for s, v in by_source.items()
            ]
            return _Statement(
                f"{head} : les sources divergent ({' ; '.join(parts)})", facts, labels
            )
        return _Statement(f"{head} : {', '.join(next(iter(by_source.values())))}", facts, labels)

    def _products_with(self, value: LinkedEntity) -> list[Fact]:
        rows = self.queries.run("products_with", value=RES[value.id])
        return [
            Fact(
                str(r["productLabel"]),
                self.label(str(r["property"])),
                value.label,
                _source(r["source"]),
            )
            for r in rows
        ]

    def _lists(self, analysis: Analysis) -> list[_Statement]:
        if not analysis.filters:
            rows = self.queries.run("instances", **{"class": VKG.VirtualisationType})
            facts = [
                Fact(str(r["label"]), "type", "type de virtualisation", _source(r["source"]))
                for r in rows
            ]
            names = ", ".join(f.subject for f in facts)
            return [_Statement(f"Types de virtualisation : {names}", facts, [])] if facts else []
        statements = []
        for value in analysis.filters:
            facts = self._products_with(value)
            if facts:
                names = ", ".join(dict.fromkeys(f.subject for f in facts))
                statements.append(
                    _Statement(
                        f"Solutions ({facts[0].predicate} {value.label}) : {names}",
                        facts,
                        [value.label],
                    )
                )
        return statements

    def _counts(self, analysis: Analysis) -> list[_Statement]:
        if analysis.filters:
            statements = []
            for value in analysis.filters:
                facts = self._products_with(value)
                names = list(dict.fromkeys(f.subject for f in facts))
                if names:
                    statements.append(
                        _Statement(
                            f"{len(names)} solutions ({facts[0].predicate} {value.label}) : "
                            f"{', '.join(names)}",
                            facts,
                            [value.label],
                        )
                    )
            return statements
        statements = []
        for row in self.queries.run("listed_products"):
            source = _source(row["table"])
            fact = Fact(str(row["title"]), "nombre de produits", str(row["count"]), source)
            statements.append(
                _Statement(
                    f"Le cours présente {row['count']} solutions dans le tableau "
                    f"« {row['title']} » : {row['products']}",
                    [fact],
                    [],
                )
            )
        return statements

    def _history(self, analysis: Analysis) -> list[_Statement]:
        statements = []
        for entity in self._specific(analysis):
            for row in self.queries.run("events", entity=RES[entity.id])[:_MAX_EVENTS]:
                fact = Fact(
                    entity.label, "événement", str(row["description"]), _source(row["source"])
                )
                statements.append(
                    _Statement(
                        f"{_capitalise(str(row['period']))} : {row['description']}", [fact], []
                    )
                )
        return statements or self._attributes(analysis)

    def _relations(self, analysis: Analysis) -> list[_Statement]:
        first, second = self._specific(analysis)[:2]
        rows = self.queries.run("links", a=RES[first.id], b=RES[second.id])
        facts = []
        for row in rows:
            subject = first if str(row["subject"]) == str(RES[first.id]) else second
            other = second if subject is first else first
            facts.append(
                Fact(
                    subject.label,
                    self.label(str(row["property"])),
                    other.label,
                    _source(row["source"]),
                )
            )
        if not facts:
            for edge in self.network.path(first.id, second.id):
                facts += self._edge_facts(edge.source, edge.target)
        return [
            _Statement(f"{f.subject} — {f.predicate} → {f.object}", [f], [f.subject, f.object])
            for f in dict.fromkeys(facts)
        ]

    def _edge_facts(self, source: str, target: str) -> list[Fact]:
        names = {e.id: e.label for e in self.linker.entities.values()}
        rows = self.queries.run("links", a=RES[source], b=RES[target])
        return [
            Fact(
                names.get(local_id(str(r["subject"])), local_id(str(r["subject"]))),
                self.label(str(r["property"])),
                names.get(local_id(str(r["object"])), local_id(str(r["object"]))),
                _source(r["source"]),
            )
            for r in rows
        ]

    def _comparison(self, analysis: Analysis) -> list[_Statement]:
        statements = []
        for entity in self._specific(analysis)[:2]:
            rows = self.queries.run("definition", entity=RES[entity.id])
            if rows:
                fact = Fact(
                    entity.label,
                    "définition",
                    str(rows[0]["definition"]),
                    _source(rows[0]["source"]),
                )
                statements.append(
                    _Statement(
                        f"{_capitalise(noun(entity))} : {rows[0]['definition']}",
                        [fact],
                        [entity.label],
                    )
                )
            for relation in (VKG.advantage, VKG.drawback):
                facts = self._attribute_rows(entity, str(relation))
                if facts:
                    statements.append(self._grouped(entity, str(relation), facts))
        return statements


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(lines: list[tuple[str, list[int]]]) -> str:
    """One line per statement, closed by a full stop, then its citation markers."""
    out = []
    for body, numbers in lines:
        body = body.strip()
        if body and body[-1] not in ".!?:":
            body += "."
        out.append(body + "".join(f" [{n}]" for n in numbers))
    return "\n".join(out)


def contains_all(answer: str, expected: list[str]) -> bool:
    """Whether an answer holds every expected phrase ("a|b" accepts either)."""
    text = normalise(answer)
    return all(
        any(normalise(option) in text for option in phrase.split("|")) for phrase in expected
    )
