"""Answer units: the pieces of a passage a question can be answered with.

A unit is a sentence (with the sentences before it when it opens with a
pronoun: « Il est développé par… » says who develops what the sentence before
named), a bulleted list with the line that introduces it, or a row of a table
(read by the extraction, see ``kg.extract.tables``). Slide
titles, headings and table headers are never units: they name a subject but
answer nothing.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from kg.corpus import Passage, is_heading
from kg.namespaces import local_id
from kg.store import GraphStore
from kg.text import is_upper_title, sentence_spans

_ROWS = """
SELECT ?passage ?start ?end WHERE {
  GRAPH ?passage { ?row a vkg:TableRow ; vkg:rowNumber ?n ;
                        vkg:startOffset ?start ; vkg:endOffset ?end }
  FILTER(?n > 0)
}
"""
_BULLET = "- "
_LIST_INTRO_ENDS = (":", "?")
# A sentence opening with a pronoun or a demonstrative speaks of what the sentence before
# named: it is read together with it (at most this many sentences back).
_ANAPHORA = re.compile(
    r"^(?:il|elle|ils|elles|ce|cet|cette|ces|cela|ceci|celui-ci|celle-ci|en cela|de ce fait"
    r"|par conséquent|ainsi|son|sa|ses|leur|leurs)\b",
    re.IGNORECASE,
)
_ANTECEDENTS = 2


def _refers_back(text: str, span: tuple[int, int]) -> bool:
    return bool(_ANAPHORA.match(text[span[0] : span[1]]))


class UnitKind(StrEnum):
    SENTENCE = "sentence"
    LIST = "list"
    ROW = "row"


@dataclass(frozen=True)
class Unit:
    """A span of a passage's text that can answer a question on its own."""

    passage: str
    kind: UnitKind
    start: int  # offsets in the passage text
    end: int
    text: str
    position: int  # rank of the unit's first line among the passage's units
    items: tuple[str, ...] = ()  # a list's items


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _is_title(passage: Passage, line: str) -> bool:
    return line == passage.title or is_upper_title(line) or is_heading(line)


def passage_units(passage: Passage, rows: list[tuple[int, int]]) -> list[Unit]:
    """The units of one passage; ``rows`` are its table rows as passage-text spans.

    A row is one unit: the sentences of its cells are not units of their own, since
    a cell alone loses the row's subject ("Faible performance" of which type?).
    """
    text = passage.text
    units: list[Unit] = []
    lines = [(a, b) for a, b in _lines(text) if not _is_title(passage, text[a:b])]
    for a, b in lines:
        spans = [(a + start, a + end) for start, end in sentence_spans(text[a:b])]
        for index, span in enumerate(spans):
            in_row = any(r0 <= span[0] and span[1] <= r1 for r0, r1 in rows)
            if in_row or text[span[0] : span[1]].rstrip().endswith("?"):
                continue
            first = index
            while first > 0 and index - first < _ANTECEDENTS and _refers_back(text, spans[first]):
                first -= 1
            start = spans[first][0]
            units.append(
                Unit(passage.id, UnitKind.SENTENCE, start, span[1], text[start : span[1]], 0)
            )
    for start, end in rows:
        units.append(Unit(passage.id, UnitKind.ROW, start, end, text[start:end], 0))
    units += _lists(passage, lines)
    units.sort(key=lambda u: (u.start, -u.end))
    return [
        Unit(u.passage, u.kind, u.start, u.end, u.text, position, u.items)
        for position, u in enumerate(units)
    ]


def _lists(passage: Passage, lines: list[tuple[int, int]]) -> list[Unit]:
    """Each run of two or more bullets, with the line before it when that line introduces it."""
    text = passage.text
    found: list[Unit] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and text[lines[end][0] :].startswith(_BULLET):
            end += 1
        if end - index >= 2:
            first = index
            if index > 0 and text[slice(*lines[index - 1])].rstrip().endswith(_LIST_INTRO_ENDS):
                first = index - 1
            items = tuple(text[a + len(_BULLET) : b].strip() for a, b in lines[index:end])
            start, stop = lines[first][0], lines[end - 1][1]
            found.append(Unit(passage.id, UnitKind.LIST, start, stop, text[start:stop], 0, items))
        index = max(end, index + 1)
    return found


def table_rows(store: GraphStore, passages: dict[str, Passage]) -> dict[str, list[tuple[int, int]]]:
    """Each passage's table rows (header excluded) as spans of its text."""
    rows: dict[str, list[tuple[int, int]]] = {}
    for row in store.select(_ROWS):
        passage_id = local_id(str(row["passage"])).removeprefix("passage-")
        passage = passages.get(passage_id)
        if passage is not None:
            span = passage.text_span(int(str(row["start"])), int(str(row["end"])))
            rows.setdefault(passage_id, []).append(span)
    return rows


def all_units(store: GraphStore, passages: list[Passage]) -> list[Unit]:
    """Every unit of every passage, in passage order."""
    rows = table_rows(store, {p.id: p for p in passages})
    return [unit for p in passages for unit in passage_units(p, sorted(rows.get(p.id, [])))]
