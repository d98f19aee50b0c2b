"""Citations: numbered in order of first use, each pointing at the exact cited text."""

from dataclasses import dataclass

from kg.corpus import Passage


@dataclass(frozen=True)
class Citation:
    """A cited passage, and the sentence or row of it the answer relies on (source offsets)."""

    number: int
    id: str
    document: str
    title: str
    slide: int
    text: str
    score: float
    sentence: str
    start: int
    end: int


class CitationBook:
    """Hands out citation numbers: one per passage, in the order the answer first uses them."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, passage: Passage, span: tuple[int, int], score: float) -> int:
        for citation in self.citations:
            if citation.id == passage.id:
                return citation.number
        start, end = passage.source_span(*span)
        citation = Citation(
            number=len(self.citations) + 1,
            id=passage.id,
            document=passage.document,
            title=passage.title,
            slide=passage.slide,
            text=passage.text,
            score=round(score, 4),
            sentence=passage.text[span[0] : span[1]],
            start=start,
            end=end,
        )
        self.citations.append(citation)
        return citation.number
