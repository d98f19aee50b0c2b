"""Citations: numbered in order of first use, each pointing at the exact cited sentence."""

from dataclasses import dataclass

from kg.corpus import Passage
from kg.text import FrenchAnalyser, normalise, sentence_spans

_INFORMATIVE_WORDS = 8
_ANAPHORA = ("ce ", "cet ", "cette ", "ces ", "il ", "elle ", "ils ", "elles ", "cela ", "ceci ")


@dataclass(frozen=True)
class Citation:
    """A cited passage, and the sentence of it the answer relies on (source offsets)."""

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


def sentence_with(passage: Passage, phrases: list[str]) -> tuple[int, int]:
    """The span of the sentence of a passage naming most of ``phrases`` (the first one on ties)."""
    spans = sentence_spans(passage.text)
    if len(spans) > 1 and passage.text.startswith(passage.title):
        spans = spans[1:]  # the slide title is not what a fact cites
    wanted = [normalise(p) for p in phrases if p.strip()]

    def hits(span: tuple[int, int]) -> int:
        text = normalise(passage.text[span[0] : span[1]])
        return sum(phrase in text for phrase in wanted)

    return max(spans, key=lambda span: (hits(span), -span[0]))


def best_sentences(
    passage: Passage, question_terms: set[str], analyser: FrenchAnalyser, idf: dict[str, float]
) -> tuple[tuple[int, int], float]:
    """The passage's sentence sharing the most (idf-weighted) terms with the question.

    A sentence ending with ":" takes the list items that follow it, and a next
    sentence opening with a pronoun ("Ce mode permet…") is kept with it, since it
    speaks of the same thing. Returns the span and the share of the question's
    weight the sentence covers (discounted for fragments of a few words).
    """
    spans = sentence_spans(passage.text)
    if len(spans) > 1 and passage.text.startswith(passage.title):
        spans = spans[1:]  # the slide title is not an answer
    total = sum(idf.get(t, 1.0) for t in question_terms) or 1.0
    scored = []
    for index, (start, end) in enumerate(spans):
        terms = analyser.term_set(passage.text[start:end])
        weight = sum(idf.get(t, 1.0) for t in question_terms & terms)
        # A fragment of two words ("Problèmes E/S.") seldom answers a question.
        brevity = min(len(passage.text[start:end].split()), _INFORMATIVE_WORDS) / _INFORMATIVE_WORDS
        scored.append((round(weight / total * (0.5 + 0.5 * brevity), 6), -index))
    coverage, negative_index = max(scored)
    index = -negative_index
    start, end = spans[index]
    following = spans[index + 1 :]
    if passage.text[start:end].endswith(":"):
        for item_start, item_end in following:
            if not passage.text[item_start:item_end].startswith("- "):
                break
            end = item_end
    elif following and normalise(passage.text[following[0][0] : following[0][1]]).startswith(
        _ANAPHORA
    ):
        end = following[0][1]
    return (start, end), coverage


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
