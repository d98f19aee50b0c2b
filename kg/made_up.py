"""Off-course questions made from the course's own: its questions asked of things it never
names. The confidence model learns from them what a name the course ignores means, beside
the few off-course questions people wrote."""

import random
import re

from kg.link import EntityLinker
from kg.text import is_ordinary_word

_CONSONANTS, _VOWELS, _ENDINGS = "bdfgklmnprstvz", "aeiou", "kstx"
# Kinds of things the course names with common words (« la paravirtualisation »): a
# capital on them opens a sentence, it makes no name.
_NOT_NAMES = frozenset({"Concept", "VirtualisationType"})


def made_up_name(rng: random.Random) -> str:
    """A name no dictionary knows, of three syllables (« Bavoruk »)."""
    while True:
        word = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(3))
        word += rng.choice(_ENDINGS)
        if not is_ordinary_word(word):
            return word.capitalize()


def made_up_off_course(linker: EntityLinker, questions: list[str], seed: int) -> list[str]:
    """Each question whose first name (of a product, a licence, a company…) is written in
    it, with that name replaced by a made-up one: « Quelle est la licence de Xen ? » →
    « Quelle est la licence de Bavoruk ? »."""
    rng = random.Random(seed)
    made_up = []
    for question in questions:
        for entity in linker.link(question):
            if entity.type in _NOT_NAMES:
                continue
            span = _name_in(question, linker.labels_of(entity.id))
            if span is not None:
                start, end = span
                made_up.append(question[:start] + made_up_name(rng) + question[end:])
                break
    return made_up


def _name_in(question: str, labels: list[str]) -> tuple[int, int] | None:
    """Where the question writes one of the labels as a name, with a capital (« Xen »,
    « GPL »), and whole (not the « Linux » of « Linux-VServer »). The longest first."""
    for label in sorted(labels, key=len, reverse=True):
        found = re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", question, re.IGNORECASE)
        if found is not None and not found.group().islower():
            return found.span()
    return None
