"""The deck's tables: the summaries of the types and the table of open source solutions.

The export flattens a table into paragraphs, one row after the other. A
summary row is a paragraph opening with the type's (abbreviated) name and its
description, then one paragraph per remaining column. A solutions row is a run
of lines closed by the licence column.
"""

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.extract.context import ExtractionContext, Slide, label_key
from kg.extract.patterns import parenthesised, split_items, strip_parentheses
from kg.namespaces import VKG, passage_iri

_LICENCE_TOKEN = re.compile(r"^[A-Z0-9][A-Z0-9.+\-]*(?:v\d+)?(?:/[A-Z0-9][A-Z0-9.+\-]*)*$")
_MIN_STEM = 4


def _words(line: str) -> set[str]:
    return set(label_key(line).split())


def is_summary_table(slide: Slide) -> bool:
    return any(
        {"description", "avantages", "inconvenients"} <= _words(block[0])
        for block in slide.raw_paragraphs()
    )


def is_solutions_table(slide: Slide) -> bool:
    return any(
        label_key(line).startswith("produit") and "licence" in _words(line)
        for block in slide.raw_paragraphs()
        for line in block
    )


def _type_of_word(ctx: ExtractionContext, word: str) -> URIRef | None:
    if len(label_key(word)) < _MIN_STEM:
        return None
    return ctx.find_by_prefix(word, VKG.VirtualisationType)


def extract_summary_table(ctx: ExtractionContext, slide: Slide) -> None:
    """Each row gives a type's description, advantages and drawbacks."""
    passage = slide.passage
    rows: list[tuple[URIRef, str, list[list[str]]]] = []
    for block in slide.raw_paragraphs():
        first_word, _, rest = block[0].partition(" ")
        type_iri = _type_of_word(ctx, first_word)
        if type_iri is not None:
            description = " ".join([rest, *block[1:]])
            rows.append((type_iri, " ".join(description.split()), []))
        elif rows:
            rows[-1][2].append(block)
    for type_iri, description, cells in rows:
        ctx.mention(type_iri, passage)
        ctx.add(passage, type_iri, DCTERMS.description, Literal(description, lang="fr"))
        advantages, drawbacks = cells[:1], cells[1:]
        for kind, cls, predicate, column in (
            ("advantage", VKG.Advantage, VKG.advantage, advantages),
            ("drawback", VKG.Drawback, VKG.drawback, drawbacks),
        ):
            for block in column:
                for item in split_items(block):
                    ctx.add(passage, type_iri, predicate, ctx.entity(kind, cls, item, passage))


def _rows(slide: Slide) -> list[str]:
    """The solutions table's rows: lines gathered until one ends with a licence."""
    lines = [line for block in slide.raw_paragraphs() for line in block]
    header = next(i for i, line in enumerate(lines) if label_key(line).startswith("produit"))
    rows: list[str] = []
    current: list[str] = []
    for line in lines[header + 1 :]:
        current.append(line)
        last = line.split()[-1]
        if _LICENCE_TOKEN.match(last) and (len(line.split()) > 1 or len(current) > 1):
            rows.append(" ".join(" ".join(current).split()))
            current = []
    return rows


def extract_solutions_table(ctx: ExtractionContext, slide: Slide) -> None:
    """Each row: product, virtualisation type(s), installation mode, licence(s)."""
    passage = slide.passage
    for row in _rows(slide):
        tokens = row.split()
        licences, tokens = tokens[-1].split("/"), tokens[:-1]
        start = next((i for i in range(1, len(tokens)) if _type_of_word(ctx, tokens[i])), None)
        if start is None:
            continue
        end = start
        types: list[URIRef] = []
        while end < len(tokens) and (tokens[end] == "/" or _type_of_word(ctx, tokens[end])):
            found = _type_of_word(ctx, tokens[end]) if tokens[end] != "/" else None
            if found is not None and found not in types:
                types.append(found)
            end += 1
        name = " ".join(tokens[:start])
        mode = " ".join(tokens[end:])
        product = ctx.entity(
            "product",
            VKG.Product,
            strip_parentheses(name),
            passage,
            alt_labels=parenthesised(name),
        )
        ctx.add(passage, product, VKG.listedIn, passage_iri(passage.id))
        for type_iri in types:
            ctx.mention(type_iri, passage)
            ctx.add(passage, product, VKG.virtualisationType, type_iri)
        if mode:
            mode_iri = ctx.entity(
                "mode", VKG.InstallationMode, mode, passage, scheme=VKG.installationModes
            )
            ctx.add(passage, product, VKG.installationMode, mode_iri)
        for licence in licences:
            licence_iri = ctx.entity("licence", VKG.Licence, licence, passage)
            ctx.add(passage, product, VKG.licence, licence_iri)
