"""A learner's spelling of the course's own words, written the course's way.

A lower-case word that no dictionary knows and the course never uses is read as one of
the course's words when it is one cut short (« paravirt », « la virtu ») or one with a
slip of the keyboard (« cloisonement », « paravirtualisaton »); several candidates give
the commonest in the course. The course's text is the only word list, so a new course
brings its own words. A word with a capital is a name and stays as it is: a name the
course does not cover must stay unknown.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable

from rapidfuzz.distance import DamerauLevenshtein

from kg.text import FRENCH_STOP_WORDS, fold_accents, is_ordinary_word

# A word of letters alone, not part of an identifier (« virt-manager », « z/VM », « 2.6 »)
_WORD = re.compile(r"(?<![\w/.\-])[^\W\d_]+(?![\w/\-]|[.'’]\w)")
_MIN_PREFIX = 4  # shorter beginnings stand for too many words (« emu », « hyp »)
_MIN_CUT = 2  # a completion is longer by at least this many letters
_MIN_SLIP = 6  # shorter words are a letter away from too many others
_LONG = 10  # from this length, two slips are still one word


class CourseSpelling:
    def __init__(self, course_texts: Iterable[str], lemma: Callable[[str], str]) -> None:
        counts: Counter[str] = Counter()
        for text in course_texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        self._counts = {fold_accents(w): (n, w) for w, n in counts.items()}
        self._lemma = lemma
        self._lemmas = {fold_accents(lemma(w)) for w in counts}
        is_ordinary_word("a")  # loads the dictionaries now rather than on the first question

    def correct(self, question: str) -> str:
        """The question with each of the course's words cut short or mistyped written out."""
        return _WORD.sub(lambda found: self._course_word(found.group()), question)

    def _course_word(self, word: str) -> str:
        folded = fold_accents(word)
        if (
            len(folded) < _MIN_PREFIX
            or word != word.lower()
            or folded in self._counts
            or (folded[-1] in "sx" and folded[:-1] in self._counts)  # a plural of one
            or folded in FRENCH_STOP_WORDS
            or fold_accents(self._lemma(word)) in self._lemmas
            or is_ordinary_word(folded)
        ):
            return word
        slips = 2 if len(folded) >= _LONG else 1
        candidates = [
            (count, -len(course), course)
            for key, (count, course) in self._counts.items()
            if (len(key) >= len(folded) + _MIN_CUT and key.startswith(folded))
            or (
                len(folded) >= _MIN_SLIP
                and abs(len(key) - len(folded)) <= slips
                and DamerauLevenshtein.distance(folded, key, score_cutoff=slips) <= slips
            )
        ]
        return max(candidates)[2] if candidates else word
