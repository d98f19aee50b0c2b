"""The façade the CLI and the API share: one object over the built artifacts."""

import logging
from dataclasses import dataclass, field
from typing import Any

from rdflib.term import Literal, Node

from kg import artifacts
from kg.config import Settings
from kg.corpus import Passage
from kg.link import EntityLinker, LinkedEntity
from kg.namespaces import RES, VKG, local_id, passage_iri
from kg.network import Edge, EntityNetwork
from kg.publish import build_id, require_published
from kg.qa import Answer, Message, QuestionAnswerer
from kg.qa.candidates import CandidateReader
from kg.qa.facts import FactIndex
from kg.qa.model import QAModel
from kg.qa.queries import NamedQueries
from kg.qa.suggestions import example_questions
from kg.remote import RemoteStore
from kg.search import FusionConfig, Hit, Searcher, SearchMode
from kg.store import GraphStore, OxigraphStore, Row
from kg.text import FrenchAnalyser, normalise

log = logging.getLogger(__name__)


class UnknownEntity(KeyError):
    """No entity has this id."""


class UnknownPassage(KeyError):
    """No passage has this id."""


@dataclass(frozen=True)
class Fact:
    subject: str
    predicate: str
    object: str
    source: str | None


@dataclass
class EntityCard:
    id: str
    iri: str
    label: str
    types: list[str]
    alt_labels: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    passages: list[str] = field(default_factory=list)


@dataclass
class TableRow:
    number: int  # 0: the header
    cells: list[str]
    start: int  # offsets in the source file
    end: int


@dataclass
class Table:
    rows: list[TableRow]


_LABELS = "SELECT ?e ?label WHERE { ?e skos:prefLabel|skos:altLabel ?label }"
_ENTITY_FACTS = """
SELECT ?s ?p ?o ?oLabel ?g WHERE {
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { ?o skos:prefLabel ?oLabel }
} ORDER BY ?p ?o ?g
"""


def _open_store(trig: bytes, settings: Settings) -> GraphStore:
    """The embedded store, or the external one when configured (holding this build).

    Raises:
        StoreNotReady: the external store lacks this build.
        StoreUnavailable: the external store cannot be reached.
    """
    endpoints = settings.endpoints()
    if endpoints is None:
        return OxigraphStore(trig)
    store = RemoteStore(endpoints, settings.store_timeout)
    try:
        require_published(store, build_id(trig))
    except BaseException:
        store.close()
        raise
    return store


def _text(node: Node | None) -> str:
    return "" if node is None else str(node)


class KnowledgeBase:
    """Graph, passages and (later) indexes, loaded once from the artifacts folder."""

    def __init__(
        self, loaded: artifacts.Artifacts, settings: Settings, model: QAModel | None = None
    ) -> None:
        self.settings = settings
        self.manifest: dict[str, Any] = loaded.manifest
        self.store = _open_store(loaded.trig, settings)
        self.passages: dict[str, Passage] = {p.id: p for p in loaded.passages}
        self.network = EntityNetwork(self.store)
        self.analyser = FrenchAnalyser()
        self.linker = EntityLinker(self.store, self.analyser)
        self._labels: dict[str, set[str]] = {}
        for row in self.store.select(_LABELS):
            self._labels.setdefault(local_id(str(row["e"])), set()).add(str(row["label"]))
        model = model or QAModel.load(settings.qa_model)
        fusion = model.fusion
        self.searcher = Searcher(
            loaded.passages,
            loaded.lexical,
            loaded.vectors,
            loaded.encoder,
            self.linker,
            FusionConfig(
                settings.fusion, fusion.lexical_weight, fusion.entity_boost, fusion.fact_boost
            ),
        )
        self.queries = queries = NamedQueries(self.store, settings.ontology_dir / "queries")
        self.facts = FactIndex(queries, self.analyser)
        reader = CandidateReader(
            self.passages,
            loaded.units,
            loaded.unit_vectors,
            self.analyser,
            self.linker,
            self.facts,
            queries,
        )
        self.answerer = QuestionAnswerer(
            self.passages, self.searcher, self.linker, reader, self.facts, model
        )
        self.answerer.examples = example_questions(self.answerer)
        self._relation_labels = {
            prop.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: wording.label
            for prop, wording in self.facts.wording.items()
        }

    def ask(self, question: str, history: list[Message] | None = None) -> Answer:
        """A short French answer with its citations, facts and confidence (or a refusal)."""
        return self.answerer.ask(question, history)

    @classmethod
    def open(
        cls, settings: Settings | None = None, model: QAModel | None = None
    ) -> "KnowledgeBase":
        """Load the knowledge base, building the artifacts first if missing or stale.

        ``model`` replaces the fitted question-answering model (fitting starts from none).

        Raises:
            ModelError: the fitted model file is missing or unusable.
        """
        settings = settings or Settings()
        artifacts.ensure_built(settings)
        try:
            loaded = artifacts.load(settings.artifacts_dir)
        except artifacts.ArtifactsError as error:
            log.warning("%s: rebuilding them", error)
            artifacts.build(settings)
            loaded = artifacts.load(settings.artifacts_dir)
        return cls(loaded, settings, model)

    def close(self) -> None:
        """Release the store's connections (an external store)."""
        self.store.close()

    def search(self, query: str, k: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[Hit]:
        """The ``k`` passages that best answer ``query``: lexical, dense, hybrid (both fused)
        or reranked (hybrid, then ordered by the answers the reader finds in them)."""
        if mode == SearchMode.RERANKED:
            return self.answerer.search(query, k)
        return self.searcher.search(query, k, mode)

    def sparql(self, query: str) -> list[Row]:
        """Run a SELECT query (project prefixes predeclared; default graph = union)."""
        return self.store.select(query)

    def entity(self, entity_id: str) -> EntityCard:
        """Everything the graph says about one entity, each fact with its source passage."""
        iri = RES[entity_id]
        rows = self.store.select(_ENTITY_FACTS, {"s": iri})
        if not rows:
            raise UnknownEntity(entity_id)
        label = next(
            (_text(r["o"]) for r in rows if _text(r["p"]).endswith("#prefLabel")), entity_id
        )
        card = EntityCard(id=entity_id, iri=str(iri), label=label, types=[])
        for row in rows:
            predicate = _text(row["p"])
            value = row["o"]
            source = local_id(_text(row["g"]))
            short = predicate.split("#")[-1].split("/")[-1]
            if short == "prefLabel":
                continue
            if short == "altLabel" and _text(value) not in card.alt_labels:
                card.alt_labels.append(_text(value))
            elif short == "definition" and isinstance(value, Literal):
                card.definitions.append(str(value))
            elif short == "type":
                type_name = _text(value).split("#")[-1]
                if type_name not in card.types:
                    card.types.append(type_name)
            elif short in ("mentionedIn", "listedIn"):
                passage = local_id(_text(value)).removeprefix("passage-")
                if passage not in card.passages:
                    card.passages.append(passage)
            else:
                shown = _text(row["oLabel"]) or _text(value)
                predicate_label = self.facts.label(predicate)
                card.facts.append(
                    Fact(card.label, predicate_label, shown, source.removeprefix("passage-"))
                )
        return card

    def example_questions(self) -> list[str]:
        """Questions to offer on an empty chat screen, drawn from the graph."""
        return self.answerer.examples

    def passage_entities(self, passage_id: str) -> list[LinkedEntity]:
        """The entities a passage mentions, by label."""
        if passage_id not in self.passages:
            raise UnknownPassage(passage_id)
        found = [
            self.linker.entities[e]
            for e, passages in self.linker.mentions.items()
            if passage_id in passages and e in self.linker.entities
        ]
        return sorted(found, key=lambda e: (e.type, e.label))

    def class_label(self, class_name: str) -> str:
        """The French name of a class of the vocabulary (« produit » for Product)."""
        return self.answerer.class_labels.get(class_name, class_name)

    def relation_label(self, predicate: str) -> str:
        """The French name of a relation, from its IRI or its local name (« fork de »)."""
        if predicate in self.facts.wording:
            return self.facts.label(predicate)
        return self._relation_labels.get(predicate, predicate)

    def node(self, node_id: str) -> LinkedEntity:
        """An entity or any other labelled node of the graph (an event), by id."""
        entity = self.linker.entities.get(node_id)
        if entity is not None:
            return entity
        data = self.network.graph.nodes.get(node_id, {})
        return LinkedEntity(node_id, str(data.get("label", node_id)), str(data.get("type", "")))

    def labels(self) -> dict[str, str]:
        """The French label of every labelled resource, class and relation, by IRI."""
        found = {str(RES[e.id]): e.label for e in self.linker.entities.values()}
        found |= {str(VKG[name]): label for name, label in self.answerer.class_labels.items()}
        found |= {prop: w.label for prop, w in self.facts.wording.items()}
        found |= {str(passage_iri(p.id)): f"diapositive {p.slide}" for p in self.passages.values()}
        return found

    def passage_tables(self, passage_id: str) -> list[Table]:
        """The tables of a passage as the extraction read them: header first, each row with its
        cells and its offsets in the source file (what a citation of that row points at)."""
        if passage_id not in self.passages:
            raise UnknownPassage(passage_id)
        rows = self.queries.run("table_rows", passage=passage_iri(passage_id))
        tables: dict[str, dict[int, TableRow]] = {}
        for row in rows:
            number = int(str(row["number"]))
            table = tables.setdefault(str(row["table"]), {})
            found = table.setdefault(
                number, TableRow(number, [], int(str(row["start"])), int(str(row["end"])))
            )
            found.cells.append(str(row["value"]))
        return [Table([t[n] for n in sorted(t)]) for _, t in sorted(tables.items())]

    def find_entities(
        self, text: str, entity_type: str | None = None, limit: int = 10
    ) -> list[LinkedEntity]:
        """Entities whose label or synonym contains ``text`` (prefix matches first), then the
        members of the classes whose French name it gives (« licence » → GPL, LGPL…)."""
        wanted = normalise(text)
        classes = {
            name for name, label in self.answerer.class_labels.items() if normalise(label) == wanted
        }
        scored: dict[str, tuple[int, int, str]] = {}
        for entity_id, labels in self._labels.items():
            entity = self.linker.entities.get(entity_id)
            if entity is None or (entity_type and entity.type != entity_type):
                continue
            if entity.type in classes:
                scored[entity_id] = (2, 0, entity.label)
            for label in labels:
                folded = normalise(label)
                if wanted in folded:
                    rank = (0 if folded.startswith(wanted) else 1, len(folded), entity.label)
                    scored[entity_id] = min(scored.get(entity_id, rank), rank)
        ordered = sorted(scored, key=lambda i: scored[i])
        return [self.linker.entities[i] for i in ordered[:limit]]

    def describe(self, entity_id: str, format: str) -> bytes:
        """The entity's RDF description (every triple about it, from any passage)."""
        if entity_id not in self.linker.entities and not self.store.ask(
            f"ASK {{ <{RES[entity_id]}> ?p ?o }}"
        ):
            raise UnknownEntity(entity_id)
        return self.store.describe(str(RES[entity_id]), format)

    def neighbours(self, entity_id: str, depth: int = 1) -> tuple[list[str], list[Edge]]:
        try:
            return self.network.neighbours(entity_id, depth)
        except KeyError as error:
            raise UnknownEntity(entity_id) from error

    def path(self, source: str, target: str) -> list[Edge]:
        try:
            return self.network.path(source, target)
        except KeyError as error:
            raise UnknownEntity(error.args[0]) from error
