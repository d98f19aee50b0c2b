"""The deck's tables: the summaries of the types and the table of open source solutions.

The export flattens a table into paragraphs, one row after the other. A
summary row is a paragraph opening with the type's (abbreviated) name and its
description, then one paragraph per remaining column. A solutions row is a run
of lines closed by the licence column.
"""

import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.extract.context import ExtractionContext, Slide, SourceLine, label_key
from kg.extract.patterns import parenthesised, split_items, strip_parentheses
from kg.namespaces import RES, VKG, passage_iri

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


@dataclass(frozen=True)
class Row:
    """One row of a table as the parser read it: its cells and its source span."""

    cells: tuple[str, ...]
    start: int
    end: int
    cell_lines: tuple[tuple[str, ...], ...] = ()  # each cell's source lines, when it has several


def _span(lines: list[SourceLine]) -> tuple[int, int]:
    return lines[0].start, lines[-1].end


def _joined(lines: list[SourceLine]) -> str:
    return " ".join(" ".join(line.text for line in lines).split())


def _header(slide: Slide, words: set[str]) -> tuple[SourceLine, int] | None:
    """The header line of a table (holding ``words``) and the index of its block."""
    for index, block in enumerate(slide.raw_blocks()):
        for line in block:
            if words <= _words(line.text):
                return line, index
    return None


def summary_rows(ctx: ExtractionContext, slide: Slide) -> tuple[SourceLine, list[Row]]:
    """Rows of a summary table: each opens with a type's name and its description, then one
    block of lines per remaining column."""
    found = _header(slide, {"description", "avantages", "inconvenients"})
    assert found is not None
    header, first = found
    groups: list[list[list[SourceLine]]] = []
    for block in slide.raw_blocks()[first + 1 :]:
        if _type_of_word(ctx, block[0].text.partition(" ")[0]) is not None:
            groups.append([block])
        elif groups:
            groups[-1].append(block)
    rows = []
    for blocks in groups:
        name, _, description = _joined(blocks[0]).partition(" ")
        cells = (name, description, *(_joined(block) for block in blocks[1:]))
        lines = tuple(tuple(line.text for line in block) for block in blocks)
        rows.append(Row(cells, blocks[0][0].start, blocks[-1][-1].end, ((name,), *lines)))
    return header, rows


def extract_summary_table(ctx: ExtractionContext, slide: Slide) -> None:
    """Each row gives a type's description, advantages and drawbacks."""
    passage = slide.passage
    header, rows = summary_rows(ctx, slide)
    _describe_table(ctx, slide, header, rows)
    for row in rows:
        type_iri = _type_of_word(ctx, row.cells[0])
        assert type_iri is not None
        with ctx.reading_source(row.start, row.end):
            ctx.mention(type_iri, passage)
            ctx.hidden_label(type_iri, row.cells[0], passage)
            ctx.add(passage, type_iri, DCTERMS.description, Literal(row.cells[1], lang="fr"))
            advantages, drawbacks = row.cell_lines[2:3], row.cell_lines[3:]
            for kind, cls, predicate, column in (
                ("advantage", VKG.Advantage, VKG.advantage, advantages),
                ("drawback", VKG.Drawback, VKG.drawback, drawbacks),
            ):
                for lines in column:
                    for item in split_items(list(lines)):
                        ctx.add(passage, type_iri, predicate, ctx.entity(kind, cls, item, passage))


def solutions_rows(slide: Slide) -> tuple[SourceLine, list[Row]]:
    """The solutions table's rows: lines gathered until one ends with a licence."""
    lines = [line for block in slide.raw_blocks() for line in block]
    header = next(i for i, line in enumerate(lines) if label_key(line.text).startswith("produit"))
    rows: list[Row] = []
    current: list[SourceLine] = []
    for line in lines[header + 1 :]:
        current.append(line)
        last = line.text.split()[-1]
        if _LICENCE_TOKEN.match(last) and (len(line.text.split()) > 1 or len(current) > 1):
            rows.append(Row((_joined(current),), *_span(current)))
            current = []
    return lines[header], rows


def _solution_cells(ctx: ExtractionContext, text: str) -> tuple[str, ...] | None:
    """Product, virtualisation type(s), installation mode, licence(s) of a row's text."""
    tokens = text.split()
    licences, tokens = tokens[-1], tokens[:-1]
    start = next((i for i in range(1, len(tokens)) if _type_of_word(ctx, tokens[i])), None)
    if start is None:
        return None
    end = start
    while end < len(tokens) and (tokens[end] == "/" or _type_of_word(ctx, tokens[end])):
        end += 1
    return (
        " ".join(tokens[:start]),
        " ".join(tokens[start:end]),
        " ".join(tokens[end:]),
        licences,
    )


def extract_solutions_table(ctx: ExtractionContext, slide: Slide) -> None:
    """Each row: product, virtualisation type(s), installation mode, licence(s)."""
    passage = slide.passage
    header, raw_rows = solutions_rows(slide)
    rows = []
    for raw in raw_rows:
        cells = _solution_cells(ctx, raw.cells[0])
        if cells is not None:
            rows.append(Row(cells, raw.start, raw.end))
    _describe_table(ctx, slide, header, rows)
    for row in rows:
        name, types, mode, licences = row.cells
        with ctx.reading_source(row.start, row.end):
            product = ctx.entity(
                "product",
                VKG.Product,
                strip_parentheses(name),
                passage,
                alt_labels=parenthesised(name),
            )
            ctx.add(passage, product, VKG.listedIn, passage_iri(passage.id))
            for written in types.split("/"):
                type_iri = next(
                    (t for w in written.split() if (t := _type_of_word(ctx, w)) is not None), None
                )
                if type_iri is not None:
                    ctx.mention(type_iri, passage)
                    ctx.hidden_label(type_iri, written, passage)
                    ctx.add(passage, product, VKG.virtualisationType, type_iri)
            if mode:
                mode_iri = ctx.entity(
                    "mode", VKG.InstallationMode, mode, passage, scheme=VKG.installationModes
                )
                ctx.add(passage, product, VKG.installationMode, mode_iri)
            for licence in licences.split("/"):
                licence_iri = ctx.entity("licence", VKG.Licence, licence, passage)
                ctx.add(passage, product, VKG.licence, licence_iri)


def _describe_table(
    ctx: ExtractionContext, slide: Slide, header: SourceLine, rows: list[Row]
) -> None:
    """The table itself: its header and rows, each row's cells and source offsets, so that a
    page can show it as a table and a citation can point at one row."""
    passage = slide.passage
    table = RES[f"table-{passage.id}"]
    ctx.add(passage, table, RDF.type, VKG.Table)
    ctx.add(passage, table, DCTERMS.isPartOf, passage_iri(passage.id))
    columns = header.text.split()
    for number, row in enumerate([Row(tuple(columns), header.start, header.end), *rows]):
        iri = RES[f"row-{passage.id}-{number:02d}"]
        ctx.add(passage, iri, RDF.type, VKG.TableRow)
        ctx.add(passage, iri, VKG.inTable, table)
        ctx.add(passage, iri, VKG.rowNumber, Literal(number, datatype=XSD.integer))
        ctx.add(passage, iri, VKG.startOffset, Literal(row.start, datatype=XSD.integer))
        ctx.add(passage, iri, VKG.endOffset, Literal(row.end, datatype=XSD.integer))
        for column, value in enumerate(row.cells, start=1):
            cell = RES[f"row-{passage.id}-{number:02d}-{column}"]
            ctx.add(passage, iri, VKG.cell, cell)
            ctx.add(passage, cell, VKG.columnNumber, Literal(column, datatype=XSD.integer))
            ctx.add(passage, cell, RDF.value, Literal(value))
