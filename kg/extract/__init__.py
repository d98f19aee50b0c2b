"""Read the knowledge graph out of the corpus, by parsing the slides.

Extraction runs in passes so that what a slide refers to exists before it is
needed, whatever the order of the slides: names (types, concepts, licences)
first, then the tables and type slides, then product slides and lists, then
history, and last the links from every entity to the passages that mention it.
"""

from collections.abc import Iterable

from rdflib import Dataset, Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.corpus import Document
from kg.extract.concepts import (
    extract_aliases,
    extract_categories,
    extract_definitions,
    extract_terminology,
    extract_type_slide,
    is_category_slide,
    is_definitions_slide,
    is_terminology_slide,
)
from kg.extract.context import ExtractionContext, Slide, label_key
from kg.extract.history import extract_history, is_history_slide
from kg.extract.licences import extract_licences, is_licences_slide
from kg.extract.lists import extract_list, list_kind
from kg.extract.products import extract_product_slide, product_of_slide
from kg.extract.tables import (
    extract_solutions_table,
    extract_summary_table,
    is_solutions_table,
    is_summary_table,
)
from kg.namespaces import SCHEMA, VKG, document_iri, passage_iri

# Entities whose label is a whole sentence are linked only where they were read.
_NOT_SCANNED = {
    VKG.Advantage,
    VKG.Drawback,
    VKG.SecurityPoint,
    VKG.BusinessGoal,
    VKG.BestPractice,
    VKG.HistoricalEvent,
}
_MIN_LABEL_CHARS = 2


def extract(documents: Iterable[Document]) -> Dataset:
    """The graph of a corpus: one named graph per passage, plus one per document."""
    ctx = ExtractionContext(documents)
    slides = list(ctx.slides())
    for slide in slides:
        _describe_passage(ctx, slide)
        if is_terminology_slide(slide):
            extract_terminology(ctx, slide)
        elif is_definitions_slide(slide):
            extract_definitions(ctx, slide)
        if is_category_slide(slide):
            extract_categories(ctx, slide)
        if is_licences_slide(slide):
            extract_licences(ctx, slide)
    for slide in slides:
        if is_summary_table(slide):
            extract_summary_table(ctx, slide)
        elif is_solutions_table(slide):
            extract_solutions_table(ctx, slide)
        else:
            extract_type_slide(ctx, slide)
    for slide in slides:
        product = product_of_slide(ctx, slide)
        if product is not None:
            extract_product_slide(ctx, slide, product)
        kind = list_kind(slide)
        if kind is not None:
            extract_list(ctx, slide, kind)
    for slide in slides:
        history = is_history_slide(slide)
        if history or product_of_slide(ctx, slide) is not None:
            extract_history(ctx, slide, whole_slide=history)
        extract_aliases(ctx, slide)
    _link_mentions(ctx, slides)
    for document in ctx.documents:
        _describe_document(ctx, document)
    return ctx.dataset


def _describe_passage(ctx: ExtractionContext, slide: Slide) -> None:
    passage = slide.passage
    iri = passage_iri(passage.id)
    for predicate, value in (
        (RDF.type, VKG.Passage),
        (DCTERMS.isPartOf, document_iri(passage.document)),
        (VKG.slide, Literal(passage.slide, datatype=XSD.integer)),
        (DCTERMS.title, Literal(passage.title, lang="fr")),
        (VKG.section, Literal(passage.section, lang="fr")),
        (SCHEMA.text, Literal(passage.text)),
        (VKG.startOffset, Literal(passage.start, datatype=XSD.integer)),
        (VKG.endOffset, Literal(passage.end, datatype=XSD.integer)),
    ):
        ctx.add(passage, iri, predicate, value)


def _describe_document(ctx: ExtractionContext, document: Document) -> None:
    graph = ctx.dataset.graph(document_iri(document.slug))
    iri = document_iri(document.slug)
    graph.add((iri, RDF.type, VKG.Document))
    graph.add((iri, DCTERMS.title, Literal(document.title, lang="fr")))
    graph.add((iri, DCTERMS.source, Literal(document.path.name)))
    graph.add((iri, VKG.sha256, Literal(document.sha256)))


def _link_mentions(ctx: ExtractionContext, slides: list[Slide]) -> None:
    """Link every named entity to each passage whose text contains one of its labels."""
    texts = {slide.passage.id: f" {label_key(slide.passage.text)} " for slide in slides}
    by_id = {slide.passage.id: slide.passage for slide in slides}
    for entity in list(ctx.entities.values()):
        if entity.cls in _NOT_SCANNED:
            continue
        keys = {label_key(label) for label in {entity.label, *entity.labels}}
        keys = {key for key in keys if len(key) >= _MIN_LABEL_CHARS}
        for passage_id, text in texts.items():
            if any(f" {key} " in text for key in keys):
                ctx.mention(entity.iri, by_id[passage_id])
