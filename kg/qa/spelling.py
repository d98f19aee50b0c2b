"""A learner's spelling of the course's own words, written the course's way.

A lower-case word that no dictionary knows and the course never uses is read as one of
the course's words when it is one cut short (« paravirt », « la virtu ») or one with a
slip of the keyboard (« cloisonement », « paravirtualisaton »); several candidates give
the closest, then the commonest in the course. The course's text is the only word list,
so a new course brings its own words. A word with a capital after the question's first
word is a name and stays as it is, and so does a word whose last letter a slip would
change (« systemd » is not « système »): a name the course does not cover must stay
unknown.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable

from rapidfuzz.distance import DamerauLevenshtein

from kg.text import FRENCH_STOP_WORDS, fold_accents, has_accents, is_ordinary_word, warm_up

# A word of letters alone, not part of an identifier (« virt-manager », « z/VM », « 2.6 »)
_WORD = re.compile(r"(?<![\w/.\-@])[^\W\d_]+(?![\w/\-@]|[.'’]\w)")
_MIN_PREFIX = 4  # shorter beginnings stand for too many words (« emu », « hyp »)
_MIN_CUT = 2  # a completion is longer by at least this many letters
_MIN_SLIP = 6  # shorter words are a letter away from too many others
_TWO_SLIPS_FROM = 10  # from this length, two slips are still one word
_MAX_REMEMBERED = 50_000  # words read, remembered (a bound on what questions can fill)


class CourseSpelling:
    """The course's words, and how a question's unknown words map onto them."""

    def __init__(self, course_texts: Iterable[str], lemma: Callable[[str], str]) -> None:
        counts: Counter[str] = Counter()
        for text in course_texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        # One entry per spelling without accents: the counts of « émulation » and
        # « emulation » add up, and the accented spelling is the one written out.
        totals: Counter[str] = Counter()
        spelt: dict[str, str] = {}
        for word, count in counts.items():
            key = fold_accents(word)
            totals[key] += count
            if key not in spelt or (has_accents(word), counts[word]) > (
                has_accents(spelt[key]),
                counts[spelt[key]],
            ):
                spelt[key] = word
        self._words = {key: (total, spelt[key]) for key, total in totals.items()}
        self._lemma = lemma
        self._lemmas = {fold_accents(lemma(w)) for w in counts}
        self._read: dict[str, str] = {}
        warm_up()  # the dictionaries load now rather than on the first question

    def correct(self, question: str) -> str:
        """The question with each of the course's words cut short or mistyped written out."""
        first = _WORD.search(question)
        start = first.start() if first else -1

        def course_word(found: re.Match[str]) -> str:
            word = found.group()
            # The question's first word has a capital as any sentence's first word has.
            typed = word[0].lower() + word[1:] if found.start() == start else word
            if typed != typed.lower():
                return word
            read = self._course_word(typed)
            if read == typed:
                return word
            return read[0].upper() + read[1:] if word[0].isupper() else read

        return _WORD.sub(course_word, question)

    def _course_word(self, word: str) -> str:
        """The course's word a lower-case word stands for, or the word itself."""
        known = self._read.get(word)
        if known is None:
            known = self._find(word)
            if len(self._read) < _MAX_REMEMBERED:
                self._read[word] = known
        return known

    def _find(self, word: str) -> str:
        folded = fold_accents(word)
        if (
            len(folded) < _MIN_PREFIX
            or folded in self._words
            or (folded[-1] in "sx" and folded[:-1] in self._words)  # a plural of one
            or folded in FRENCH_STOP_WORDS
            or fold_accents(self._lemma(word)) in self._lemmas
            or is_ordinary_word(folded)
        ):
            return word
        slips = 2 if len(folded) >= _TWO_SLIPS_FROM else 1
        candidates = []
        for key, (count, course) in self._words.items():
            if len(key) >= len(folded) + _MIN_CUT and key.startswith(folded):
                candidates.append((0, -count, len(course), course))
            elif (
                len(folded) >= _MIN_SLIP
                and abs(len(key) - len(folded)) <= slips
                and (key[-1] == folded[-1] or key[-2:] == folded[:-3:-1])
            ):
                distance = DamerauLevenshtein.distance(folded, key, score_cutoff=slips)
                if distance <= slips:
                    candidates.append((distance, -count, len(course), course))
        return min(candidates)[3] if candidates else word
