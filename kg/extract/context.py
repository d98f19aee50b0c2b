"""The state shared by the extractors: the dataset being built and its entities.

Every fact is added to the named graph of the passage it was read from. An
entity is created once (its French ``skos:prefLabel`` is the first label it
was read with); later mentions add alternative labels and provenance.
"""

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD
from rdflib.term import Node

from kg.corpus import Document, Passage
from kg.namespaces import RES, VKG, entity_iri, passage_iri
from kg.text import normalise, sentence_spans

_TOKEN = re.compile(r"[a-z0-9]+")
_LEADING_ARTICLE = re.compile(r"^(?:l'|la |le |les |un |une )", re.IGNORECASE)


def label_key(label: str) -> str:
    """The form under which labels are compared: folded tokens, articles and brackets dropped."""
    text = normalise(re.sub(r"\([^)]*\)", " ", label))
    text = _LEADING_ARTICLE.sub("", text)
    return " ".join(_TOKEN.findall(text))


@dataclass(frozen=True)
class Slide:
    """A passage together with its source text, for extractors that need the layout."""

    passage: Passage
    source: str

    @property
    def raw(self) -> str:
        return self.source[self.passage.start : self.passage.end]

    def raw_paragraphs(self) -> list[list[str]]:
        """Blocks of non-blank source lines (stripped), separated by blank lines."""
        return [[line.text for line in block] for block in self.raw_blocks()]

    def raw_blocks(self) -> list[list["SourceLine"]]:
        """Blocks of non-blank source lines, each with its offset in the source file."""
        blocks: list[list[SourceLine]] = [[]]
        offset = self.passage.start
        for line in self.raw.split("\n"):
            stripped = line.strip()
            if stripped:
                blocks[-1].append(SourceLine(stripped, offset + line.index(stripped[0])))
            elif blocks[-1]:
                blocks.append([])
            offset += len(line) + 1
        return [block for block in blocks if block]

    def sentences(self) -> list[tuple[str, int, int]]:
        """The body's sentences with their offsets in the passage text."""
        start = len(self.passage.text) - len(self.body)
        return [
            (self.passage.text[start + a : start + b], start + a, start + b)
            for a, b in sentence_spans(self.body)
        ]

    def lines(self) -> list[tuple[str, int, int]]:
        """The body's lines (paragraphs and list items) with their offsets in the passage text."""
        start = len(self.passage.text) - len(self.body)
        found = []
        for line in self.body.split("\n"):
            if line.strip():
                found.append((line, start, start + len(line)))
            start += len(line) + 1
        return found

    @property
    def body(self) -> str:
        """The cleaned text without its title line."""
        text = self.passage.text
        if text.startswith(self.passage.title):
            return text[len(self.passage.title) :].lstrip("\n")
        return text


@dataclass(frozen=True)
class SourceLine:
    text: str  # stripped
    start: int  # offset of its first character in the source file

    @property
    def end(self) -> int:
        return self.start + len(self.text)


# What an entity is, rather than something the deck states about it: not reified.
_BOOKKEEPING = {RDF.type, SKOS.prefLabel, SKOS.inScheme, VKG.mentionedIn, VKG.listedIn}


@dataclass
class Entity:
    iri: URIRef
    kind: str
    cls: URIRef
    label: str
    labels: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)  # other forms the deck writes it in


class ExtractionContext:
    """Collects entities and facts into an rdflib ``Dataset`` (one graph per passage)."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.dataset = Dataset()
        self.documents = list(documents)
        self.entities: dict[URIRef, Entity] = {}
        self._by_key: dict[str, set[URIRef]] = {}
        self._span: tuple[int, int] | None = None

    def reading(self, passage: Passage, start: int, end: int) -> AbstractContextManager[None]:
        """Facts added inside were read from ``passage.text[start:end]`` (a sentence or a row)."""
        return self.reading_source(*passage.source_span(start, end))

    @contextmanager
    def reading_source(self, start: int, end: int) -> Iterator[None]:
        """Facts added inside were read from the source file's characters ``start:end``."""
        outer, self._span = self._span, (start, end)
        try:
            yield
        finally:
            self._span = outer

    def slides(self) -> Iterator[Slide]:
        for document in self.documents:
            source = document.path.read_text(encoding="utf-8-sig")
            source = source.replace("\r\n", "\n").replace("\r", "\n")
            for passage in document.passages:
                yield Slide(passage, source)

    def add(self, passage: Passage, subject: Node, predicate: URIRef, obj: Node) -> None:
        """Record one fact in the named graph of ``passage``.

        Read from a span (see :meth:`reading`), the fact is also described by a
        reified statement in the same graph carrying the span's source offsets.
        """
        graph = self.dataset.graph(passage_iri(passage.id))
        graph.add((subject, predicate, obj))
        if self._span is None or predicate in _BOOKKEEPING:
            return
        start, end = self._span
        key = f"{passage.id}|{subject.n3()}|{predicate.n3()}|{obj.n3()}|{start}|{end}"
        statement = RES[f"statement-{hashlib.sha1(key.encode()).hexdigest()[:16]}"]
        for p, o in (
            (RDF.type, RDF.Statement),
            (RDF.subject, subject),
            (RDF.predicate, predicate),
            (RDF.object, obj),
            (VKG.startOffset, Literal(start, datatype=XSD.integer)),
            (VKG.endOffset, Literal(end, datatype=XSD.integer)),
        ):
            graph.add((statement, p, o))

    def entity(
        self,
        kind: str,
        cls: URIRef,
        label: str,
        passage: Passage,
        alt_labels: Iterable[str] = (),
        scheme: URIRef | None = None,
        key: str | None = None,
    ) -> URIRef:
        """Create (or find) an entity, recording its type, labels and the mentioning passage.

        The IRI is made from ``kind`` and ``key`` (the label when no key is given).
        """
        label = " ".join(label.split())
        existing = None if key else self.find(label, cls)
        iri = existing if existing is not None else entity_iri(kind, key or label)
        entity = self.entities.get(iri)
        if entity is None:
            entity = self.entities[iri] = Entity(iri, kind, cls, label)
            self.add(passage, iri, SKOS.prefLabel, Literal(label, lang="fr"))
            self._index(label, iri)
        elif existing is not None:
            self.hidden_label(iri, label, passage)  # the form it is written in here
        self.add(passage, iri, RDF.type, cls)
        if scheme is not None:
            self.add(passage, iri, SKOS.inScheme, scheme)
        self.mention(iri, passage)
        for alt in alt_labels:
            self.alt_label(iri, alt, passage)
        return iri

    def hidden_label(self, iri: URIRef, label: str, passage: Passage) -> None:
        """A form the deck writes the entity in that is not a name of its own (a table's
        abbreviation, « Para » for paravirtualisation): a skos:hiddenLabel, which provenance
        can be checked against but questions are not linked by."""
        label = " ".join(label.split())
        entity = self.entities[iri]
        if label not in {entity.label, *entity.labels, *entity.hidden}:
            entity.hidden.add(label)
            self.add(passage, iri, SKOS.hiddenLabel, Literal(label, lang="fr"))

    def alt_label(self, iri: URIRef, label: str, passage: Passage) -> None:
        label = " ".join(label.split())
        entity = self.entities[iri]
        if not label or label_key(label) == label_key(entity.label) or label in entity.labels:
            return
        entity.labels.add(label)
        self.add(passage, iri, SKOS.altLabel, Literal(label, lang="fr"))
        self._index(label, iri)

    def has(self, subject: URIRef, predicate: URIRef) -> bool:
        """Whether any graph already holds a value of ``predicate`` for ``subject``."""
        return any(True for _ in self.dataset.quads((subject, predicate, None, None)))

    def mention(self, iri: URIRef, passage: Passage) -> None:
        self.add(passage, iri, VKG.mentionedIn, passage_iri(passage.id))

    def find(self, label: str, cls: URIRef | None = None) -> URIRef | None:
        """The entity whose label (or alternative label) matches, if exactly one does."""
        matches = {
            iri
            for iri in self._by_key.get(label_key(label), set())
            if cls is None or self.entities[iri].cls == cls
        }
        return next(iter(matches)) if len(matches) == 1 else None

    def find_by_prefix(self, word: str, cls: URIRef) -> URIRef | None:
        """The one entity of ``cls`` with a label word starting like ``word``.

        Summary tables abbreviate labels ("Para" for paravirtualisation,
        "Bibliothèque" for virtualisation des bibliothèques): the first six
        letters of the word (all of it when shorter) must begin a label word
        that is not shared by every entity of the class.
        """
        stem = label_key(word)[:6]
        if len(stem) < 3:
            return None
        candidates = [e for e in self.entities.values() if e.cls == cls]
        words_per_entity = {
            e.iri: {w for label in {e.label, *e.labels} for w in label_key(label).split()}
            for e in candidates
        }
        shared = set.intersection(*words_per_entity.values()) if words_per_entity else set()
        matches = {
            iri
            for iri, words in words_per_entity.items()
            if any(w.startswith(stem) for w in words - shared)
        }
        return next(iter(matches)) if len(matches) == 1 else None

    def _index(self, label: str, iri: URIRef) -> None:
        key = label_key(label)
        if key:
            self._by_key.setdefault(key, set()).add(iri)
