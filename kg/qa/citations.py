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
        """The number of a passage's citation; a passage cited again for other text has its
        highlighted span widened to hold both."""
        for index, citation in enumerate(self.citations):
            if citation.id == passage.id:
                known = passage.text.find(citation.sentence)
                wider = (min(known, span[0]), max(known + len(citation.sentence), span[1]))
                self.citations[index] = self._citation(passage, wider, citation.score, index)
                return citation.number
        self.citations.append(self._citation(passage, span, score, len(self.citations)))
        return len(self.citations)

    @staticmethod
    def _citation(passage: Passage, span: tuple[int, int], score: float, index: int) -> Citation:
        start, end = passage.source_span(*span)
        return Citation(
            number=index + 1,
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
