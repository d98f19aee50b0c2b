"""French text normalisation shared by every part that matches text.

One place decides how text is compared: lower-casing, accent folding,
typographic apostrophes and white space. Retrieval-specific analysis
(stop words, stemming) builds on these functions.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import simplemma

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def fold_accents(text: str) -> str:
    """Remove diacritics ("é" → "e") and expand ligatures ("œ" → "oe")."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lower-case, fold accents and apostrophes, fold white space.

    This is the comparison form used by the evaluation and by label matching;
    cached, since every answer compares the question with the same labels and
    sentences.
    """
    text = fold_accents(text.translate(_APOSTROPHES)).lower()
    return _SPACES.sub(" ", text).strip()


def slugify(text: str, max_length: int = 60) -> str:
    """A stable, IRI-safe identifier made from a label ("Système hôte" → "systeme-hote")."""
    slug = _NON_WORD.sub("-", normalise(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "x"


def is_upper_title(line: str) -> bool:
    """True when every letter of the line is upper case (a slide title in the deck)."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_SENTENCE_END = re.compile(r"(?<=[.!?])[»\")]*\s+(?=[«\"(]?[A-ZÀ-ÖØ-Þ0-9])|\n+")
_ABBREVIATIONS = ("etc.", "i.e.", "e.g.", "Inc.", "cf.", "ex.", "M.", "Mr.", "Dr.", "vs.")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (each line is at least one sentence).

    A full stop inside a number ("2.6.20") or after a common abbreviation does not end a
    sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        if "\n" not in match.group() and before.endswith(_ABBREVIATIONS):
            continue
        if before.strip():
            spans.append(_trimmed(text, start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append(_trimmed(text, start, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str) -> list[str]:
    """The sentences of a text, in order."""
    return [text[start:end] for start, end in sentence_spans(text)]


# --------------------------------------------------------------------------- analysis

_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)")
_TOKEN = re.compile(r"[a-z0-9]+(?:[._/\-][a-z0-9]+)*")
_IDENTIFIER = re.compile(r"[0-9]|[._/\-]")
_PAIRED_WORD = 3  # letters, at least, of each word of « a/b » read as words (not « z/vm »)


def is_word_pair(token: str) -> bool:
    """Words joined by slashes (« apprendre/expérimenter », « gnu/linux »), not a name with
    a short part (« z/vm », « cp/cms »)."""
    parts = token.split("/")
    return len(parts) > 1 and all(p.isalpha() and len(p) >= _PAIRED_WORD for p in parts)


def _data_lines(name: str) -> list[str]:
    """The lines of a file of ``kg/data``, without blank lines and « # » comments."""
    lines = (Path(__file__).parent / "data" / name).read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


FRENCH_STOP_WORDS = frozenset(_data_lines("stopwords_fr.txt"))


@lru_cache(maxsize=1)
def _french_dictionary() -> frozenset[str]:
    from spellchecker import SpellChecker  # its French word list, loaded on first use

    return frozenset(fold_accents(w) for w in SpellChecker(language="fr").word_frequency)


def warm_up() -> None:
    """Load the word lists now, so that the first question does not wait for them."""
    _french_dictionary()


@lru_cache(maxsize=16384)
def is_french_word(word: str) -> bool:
    """Whether a French dictionary knows a lower-case word, accents or none."""
    return simplemma.is_known(word, lang="fr") or fold_accents(word) in _french_dictionary()


@lru_cache(maxsize=16384)
def is_ordinary_word(word: str) -> bool:
    """Whether a French or English dictionary knows a lower-case word, accents or none. The
    French spelling dictionary holds the invariable words the lemmatiser's table lacks
    (« toujours », « souvent »)."""
    return is_french_word(word) or simplemma.is_known(fold_accents(word), lang="en")


# The endings of the tenses a question uses: after the stem of a verb in -er, and at the
# end of the others (whose stems change more).
_FINITE_ER = frozenset({"e", "es", "ent", "ait", "aient", "a", "era", "eront", "ez", "ons"})
_FINITE_OTHER = re.compile(r"(?:ent|ait|aient|it|ons|ez|t|d)$")
_INFINITIVE = re.compile(r"(?:ir|re|oir)$")
_PARTICIPLES_ER = frozenset({"é", "ée", "és", "ées", "ant"})
_MIN_VERB_STEM = 4


def is_finite_verb(word: str) -> bool:
    """Whether a lower-case French word is a conjugated verb other than « être » and
    « avoir »: its lemma is an infinitive and the word is its stem with the ending of a
    tense (« attendent », « propose », « distingue »; not « invitée », « premières »)."""
    lemma = simplemma.lemmatize(word, lang="fr")
    if lemma == word or lemma in ("être", "avoir"):
        return False
    if lemma.endswith("er"):
        stem, folded = fold_accents(lemma[:-2]), fold_accents(word)
        return folded.startswith(stem) and folded[len(stem) :] in _FINITE_ER
    return bool(_INFINITIVE.search(lemma) and _FINITE_OTHER.search(word))


def er_verb_roots(word: str) -> list[str]:
    """What a lower-case word may be a form of, if it is a verb in -er: its infinitive and
    the word it is made on (« émulait » → « émuler », « émul »; « forkés » → « forker »,
    « fork »)."""
    roots = []
    for ending in sorted(_FINITE_ER | _PARTICIPLES_ER, key=len, reverse=True):
        stem = word.removesuffix(ending)
        if stem != word and len(stem) >= _MIN_VERB_STEM:
            roots += [f"{stem}er", stem]
    return roots


def _texting_spellings() -> dict[str, str]:
    return dict(line.split("\t", 1) for line in _data_lines("texting_fr.tsv"))


_TEXTING = _texting_spellings()
# A filler stands at a clause's edge: opening the message, between commas, or before a
# question mark or the end. Inside a clause the same words may mean something (« KVM en fait
# partie », « en vrai ou en VM »).
_FILLERS = "|".join(map(re.escape, _data_lines("fillers_fr.txt")))
_FILLER = re.compile(
    rf"^\s*(?:{_FILLERS})\b\s*,?|,\s*(?:{_FILLERS})\s*(?=,)"
    rf"|,?\s*(?<![\w'’-])(?:{_FILLERS})\s*(?=[?!]|$)",
    re.IGNORECASE,
)
# A texting word stands alone or after an elision (« d'archis »), not inside a word, a
# path, a file name or an address (« /dev/kvm », « setup.exe »).
_TEXTING_WORD = re.compile(
    r"(?:(?<![\w'’/.@-])|(?<=\b[cdjlmnst]['’])|(?<=\bqu['’]))("
    + "|".join(map(re.escape, _TEXTING))
    + r")(?![\w'’/@-]|\.\w)",
    re.IGNORECASE,
)
# « c » alone before a word, as in « c quoi » or « c koi » (a capital C is the language,
# unless it opens the message); « c est », « c était » only lack their apostrophe.
_TEXTING_CEST = re.compile(r"(?:^\s*C|(?<![\w'’-])c) (?=[a-z])(?![eé])")


def standard_spelling(text: str) -> str:
    """A chat message with its texting spellings written out (« c koi » → « c'est quoi »,
    « pkoi » → « pourquoi ») and its discourse fillers left out (« en fait », « du coup »),
    so that question words and names are read as usual."""
    text = _TEXTING_WORD.sub(_written_out, text)
    text = _TEXTING_CEST.sub(lambda found: found.group()[:-1] + "'est ", text)
    text, removed = _FILLER.subn(" ", text)
    return _SPACES.sub(" ", text).replace(" ,", ",").strip() if removed else text


def _written_out(found: re.Match[str]) -> str:
    word = found.group(1)
    if word.isupper() and len(word) > 1:  # an acronym (« PR », « DS »), not texting
        return word
    written = _TEXTING[word.lower()]
    return written[0].upper() + written[1:] if word[0].isupper() else written


_MAX_REMEMBERED = 100_000
# English technical words a French learner types as they are (« hypervisor », « full
# virtualization »), spelt the French way by their suffix: « hyperviseur », « virtualisation ».
# Only words no French dictionary knows are respelt; the result has no accents, so it is
# looked up as a word typed without them.
_ENGLISH_SUFFIXES = re.compile(
    r"(?<=\w{4})(?:ization|izations|ity|ities|ism|isms)$|(?<=\w{3}[aiscu][tsc])(?:or|ors)$"
)
_FRENCH_SUFFIXES = {
    "ization": "isation",
    "izations": "isations",
    "or": "eur",  # after -at, -it, -is, -ss, -ct…: emulator, monitor, hypervisor, processor
    "ors": "eurs",
    "ity": "ite",
    "ities": "ites",
    "ism": "isme",
    "isms": "ismes",
}
_PRONOUNS = frozenset({"je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "ce", "t"})
_ELISION_ACCENTED = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)")
_WORD_ACCENTED = re.compile(r"\w+(?:[._/\-]\w+)*")
_APOSTROPHE_WORD = re.compile(r"\b\w+'\w+")
FOLDED_PREFIX = "~"
STEM_PREFIX = "§"


def is_lemma_key(key: str) -> bool:
    """Whether a key is a lemma as written (not a folded form nor a stem)."""
    return not key.startswith((FOLDED_PREFIX, STEM_PREFIX))


def has_accents(text: str) -> bool:
    return fold_accents(text) != text


def lemma_keys(lemma: str) -> tuple[str, ...]:
    """The keys under which a text's lemma is found: itself, and its accent-folded form.

    A question's lemma is looked up as written when it carries accents, and under
    its folded form when it carries none (learners often type without accents), so
    « marché » never matches « marche » but « systeme » finds « système ».
    """
    folded = FOLDED_PREFIX + fold_accents(lemma)
    return (lemma, folded)


@lru_cache(maxsize=65536)
def lookup_key(lemma: str) -> str:
    """The key a question's lemma is looked up under (see :func:`lemma_keys`)."""
    return lemma if has_accents(lemma) else FOLDED_PREFIX + lemma


@lru_cache(maxsize=65536)
def french_spelling(word: str) -> str:
    """A lower-case English word with a French twin spelt the French way (« emulator » →
    « emulateur »); any other word as it is."""
    match = _ENGLISH_SUFFIXES.search(word)
    if match is None or not word.isalpha() or simplemma.is_known(word, lang="fr"):
        return word
    return word[: match.start()] + _FRENCH_SUFFIXES[match.group()]


def _one_word(match: re.Match[str]) -> str:
    word = match.group()
    return word.replace("'", "") if simplemma.is_known(word, lang="fr") else word


class FrenchAnalyser:
    """The one French analyser used wherever text is matched.

    ``tokens`` (retrieval) lower-cases, folds accents and apostrophes, removes
    elisions ("l'hyperviseur" → "hyperviseur") and stop words, and stems with
    Snowball. Identifiers are kept whole ("x86_64", "2.6.20", "z/vm", "cp/cms",
    "kvm-intel"), and their alphabetic parts are emitted too, so "kvm" still
    finds "kvm-intel". ``lemmas`` (reading) gives dictionary forms instead of
    stems, which keep apart words a stem merges (« fonctionnement » and
    « fonctionner »).
    """

    def __init__(self) -> None:
        import Stemmer  # PyStemmer: Snowball stemmers compiled in C

        self._stemmer = Stemmer.Stemmer("french")
        self._cache: dict[str, str] = {}
        self._term_sets: dict[str, frozenset[str]] = {}
        self._lemmas: dict[str, str] = {}
        self._lemma_sets: dict[str, frozenset[str]] = {}

    def stem(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            stem = self._cache[word] = self._stemmer.stemWord(word)
        return stem

    def term_set(self, text: str) -> frozenset[str]:
        """The distinct terms of a text, remembered for texts seen again (passage sentences)."""
        terms = self._term_sets.get(text)
        if terms is None:
            terms = frozenset(self.tokens(text))
            if len(self._term_sets) < _MAX_REMEMBERED:
                self._term_sets[text] = terms
        return terms

    def lemma(self, word: str) -> str:
        """The dictionary form of a lower-cased French word, accents kept (simplemma)."""
        lemma = self._lemmas.get(word)
        if lemma is None:
            lemma = simplemma.lemmatize(word, lang="fr").lower()
            if len(self._lemmas) < _MAX_REMEMBERED:
                self._lemmas[word] = lemma
        return lemma

    def lemmas(self, text: str) -> list[str]:
        """The content words of a text as lemmas, in order: lemmatised before accents are
        folded, so the lemmatiser sees the words as written. Identifiers stay whole; words
        joined by a slash are words (« apprendre/expérimenter »)."""
        return [lemma for lemma, _ in self.words(text)]

    def words(self, text: str) -> list[tuple[str, str]]:
        """Each content word of a text as (lemma, the word as written, lower-cased)."""
        lowered = _ELISION_ACCENTED.sub("", text.translate(_APOSTROPHES).lower())
        # A word written with an apostrophe is one word (« aujourd'hui »), not an elision.
        lowered = _APOSTROPHE_WORD.sub(_one_word, lowered)
        found: list[tuple[str, str]] = []
        for token in _WORD_ACCENTED.findall(lowered):
            folded = fold_accents(token)
            if folded in FRENCH_STOP_WORDS:
                continue
            parts = token.split("-")
            if len(parts) > 1 and token.replace("-", "").isalpha() and parts[-1] in _PRONOUNS:
                found += [
                    (self.lemma(p), p) for p in parts if fold_accents(p) not in FRENCH_STOP_WORDS
                ]
            elif is_word_pair(token):  # « apprendre/expérimenter »: each word
                words = [p for p in token.split("/") if fold_accents(p) not in FRENCH_STOP_WORDS]
                found += [self._word(p) for p in words]
            elif _IDENTIFIER.search(folded) or not token.isalpha():
                found.append((token, token))
            else:
                found.append(self._word(token))
        return found

    def _word(self, word: str) -> tuple[str, str]:
        word = french_spelling(word)
        return self.lemma(word), word

    def stem_key(self, word: str) -> str:
        """The key of a word's Snowball stem (accents folded), for words typed without accents
        whose lemma the lemmatiser cannot find (« heberge » for « hébergé »)."""
        return STEM_PREFIX + self.stem(fold_accents(word))

    def lemma_set(self, text: str) -> frozenset[str]:
        """Every key of the text's words: their lemmas (see :func:`lemma_keys`) and stems."""
        keys = self._lemma_sets.get(text)
        if keys is None:
            keys = frozenset(
                key
                for lemma, word in self.words(text)
                for key in (*lemma_keys(lemma), self.stem_key(word))
            )
            if len(self._lemma_sets) < _MAX_REMEMBERED:
                self._lemma_sets[text] = keys
        return keys

    def tokens(self, text: str) -> list[str]:
        """Analysed terms of a text, in order."""
        folded = _ELISION.sub("", normalise(text))
        terms: list[str] = []
        for token in _TOKEN.findall(folded):
            if token in FRENCH_STOP_WORDS:
                continue
            parts = token.split("-")
            if len(parts) > 1 and token.replace("-", "").isalpha() and parts[-1] in _PRONOUNS:
                # "peut-elle", "appelle-t-on": a verb and its inverted pronoun
                terms += [self.stem(p) for p in parts if p not in FRENCH_STOP_WORDS]
            elif _IDENTIFIER.search(token):
                terms.append(token)
                pieces = [p for p in re.split(r"[._/\-]", token) if len(p) > 1 and p.isalpha()]
                terms.extend(self.stem(p) for p in pieces if p not in FRENCH_STOP_WORDS)
            else:
                terms.append(self.stem(french_spelling(token)))
        return terms


# How learners refer to the course itself (« d'après le cours », « dans la présentation »):
# not what they ask about.
_COURSE_REFERENCE = re.compile(
    r"\b(?:d['’]apr[eè]s|selon|dans|sur|de|du|par)\s+(?:le|la|les|ce|cette|ces)?\s*"
    r"(?:cours|pr[ée]sentation|diapositives?|diapos?|slides?|support)\b",
    re.IGNORECASE,
)


# French words of one family share their first letters where their stems part
# (« différencie » / « diffère », « expériences » / « expérimentation »).
FAMILY_PREFIX = 5


def family_prefixes(stems: frozenset[str]) -> frozenset[str]:
    """The first letters of the stems long enough to have a family."""
    return frozenset(stem[:FAMILY_PREFIX] for stem in stems if len(stem) >= FAMILY_PREFIX)


# The course as the subject of a verb that presents (« le cours présente-t-il », « les
# slides citent »): the verb says the course shows something, not what it is.
_COURSE_SUBJECT = re.compile(
    r"\b(?:le|la|les|ce|cette|ces)\s+(?:cours|pr[ée]sentation|diapositives?|diapos?|slides?)"
    r"(?![\w-])\s+(?:pr[ée]sent|cit|mentionn|[ée]voqu|[ée]num[ée]r|list|abord|d[ée]cri|donn|parl)"
    r"\w*(?:-t)?(?:-(?:il|elle)s?\b)?",
    re.IGNORECASE,
)


def without_course_references(question: str) -> str:
    """The question without the words by which it refers to the course itself."""
    question = _COURSE_SUBJECT.sub(" ", _COURSE_REFERENCE.sub(" ", question))
    return " ".join(question.split())


def initials_spell(acronym: str, phrase: str) -> bool:
    """Whether the capitals or initials of ``phrase`` spell ``acronym`` in order
    ("Kernel-based Virtual Machine" spells KVM, "environnements virtuels" VE)."""
    letters = "".join(w[0] for w in re.findall(r"[A-Za-zÀ-ÿ]+", fold_accents(phrase)))
    capitals = "".join(c for c in fold_accents(phrase) if c.isupper())
    target = acronym.upper()
    for source in (letters.upper(), capitals):
        position = 0
        for char in source:
            if position < len(target) and char == target[position]:
                position += 1
        if position == len(target) and len(source) <= 3 * len(target):
            return True
    return False
