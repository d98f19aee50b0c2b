"""Question analysis: what kind of answer a French question expects, and what it names.

The expected answer type comes from the question word, as French grammar gives
it (qui → an agent, quand → a time, combien → a quantity, que signifie → an
expansion…); what the question names comes from the graph's own labels
(``kg.link``). A question that names nothing specific takes its subject from
the conversation, so a follow-up can be read in context.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from kg.link import EntityLinker, LinkedEntity
from kg.text import FRENCH_STOP_WORDS, is_finite_verb, normalise, without_course_references


class AnswerType(StrEnum):
    AGENT = "agent"
    TIME = "time"
    QUANTITY = "quantity"
    EXPANSION = "expansion"
    REASON = "reason"
    DEFINITION = "definition"
    LIST = "list"
    BOOLEAN = "boolean"
    OTHER = "other"


# « que signifie X »: what X stands for, or what it is; « son nom complet », « le sigle X »,
# « X en français »: what it stands for.
_SPELLED_OUT = re.compile(
    r"\b(?:acronyme|sigle|abreviation|traduit|traduction|en (?:francais|anglais)|nom complet)\b"
)
# Interrogative forms of French, on the folded question (accents, case and apostrophes
# normalised). The first that matches wins, in this order.
_ANSWER_TYPES: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    (AnswerType.QUANTITY, re.compile(r"\bcombien\b")),
    (
        AnswerType.TIME,
        re.compile(
            r"\b(?:quelle (?:annee|date|epoque|periode|decennie)|quelles annees|a quel moment)\b"
        ),
    ),
    (
        AnswerType.EXPANSION,
        re.compile(rf"\b(?:signifi\w*|veu\w* dire)\b|{_SPELLED_OUT.pattern}"),
    ),
    (
        AnswerType.AGENT,
        re.compile(r"^(?:et )?(?:(?:par|a|de|avec|chez) )?qui\b|\b(?:par|de) qui\b"),
    ),
    # « pourquoi », and what something is for: « à quoi sert X », « dans quel but ».
    (
        AnswerType.REASON,
        re.compile(
            r"\bpourquoi\b|\ba quoi (?:ca |cela )?ser(?:t|v\w*)\b|\bser(?:t|v\w*) a quoi\b"
            r"|\bdans quel but\b"
        ),
    ),
    (
        AnswerType.DEFINITION,
        re.compile(
            r"\bqu'est[- ]ce qu|\b(?:c'?est quoi|c est quoi|que (?:designe|recouvre)|definition"
            r"|en quoi consiste|ce qu'est|ce que sont)\b"
            r"|\b(?:designe|recouvre|correspond|renvoie)\w*(?: a)? quoi\b"
            r"|\ba quoi (?:correspond|renvoie|fait[- ]on reference)\w*"
        ),
    ),
    (
        AnswerType.LIST,
        re.compile(r"\b(?:quels|quelles|cite[sz]?|liste[sz]?|enumere[sz]?)\b"),
    ),
    (
        AnswerType.BOOLEAN,
        re.compile(r"^est[- ]ce qu|^\w[\w-]* (?:[\w-]+ )*?\w+-(?:t-)?(?:il|elle|ils|elles)\b"),
    ),
)
# « qu'est-ce que » or « qu'est-ce qui », and what follows it up to the end of its clause.
_WHAT = re.compile(r"\bqu'est[- ]ce qu(i\b|e\s+|')([^?!.;:]*)")
# A verb asking to describe what follows it (« comment définiriez-vous X », « décris-moi X »,
# « peux-tu résumer X »), on the folded question. It asks what X is when X is a thing the
# course names and only pronouns, articles or « de » stand between them.
_DESCRIBE = re.compile(
    r"\b(?:defini\w*|decri[rtv]\w*|decris|expliqu\w*|present(?:e|es|ez|er)|resum\w*"
    r"|parle[rsz]?)\b"
)
_BEFORE_OBJECT = re.compile(
    r"(?:(?:moi|toi|nous|vous|me|m|te|t|il|elle|on|le|la|les|l|un|une|de|du|des|d)\b[\W_]*)*"
)
_OBJECT_WORDS = 3
# Words that point back to something named earlier in the conversation (« ça », « dessus »,
# a possessive): a follow-up that has them is read with the earlier question even when it
# names something itself (« Et ça s'installe comment, hébergé ou bare metal ? »).
_POINTS_BACK = re.compile(
    r"\b(?:ca|cela|dessus|dedans|celui-ci|celle-ci|ceux-ci|sa|son|ses|leur|leurs)\b"
)
# « A, B ou C ? »: the answers a question offers to choose from are the words around each
# « ou » (not « où »), each within its clause.
_OR = re.compile(r",?\s+ou(?:\s+bien)?\s+")
_CLAUSE_BREAK = re.compile(r"[,;:?!()]|(?<![\w-])(?:c'?est|est|sont|il|elle|ils|elles)(?!\w|-ce\b)")
_OPTION_WORDS = 4
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
_WHEN = re.compile(r"\bquand\b(?! meme\b)")  # « quand même » is « all the same »
_ENDS = re.compile(r"[\s?!.]*")
# « depuis quand », « à quand », « jusqu'à quand », « et quand », « c'était quand »
_WHEN_PREFIX = re.compile(
    r"\b(?:depuis|de|d'|a|jusqu'a|pour|et|c'est|c'etait|c est|c etait|est-ce)\s*$"
)
# After a clause of circumstance, the question itself: « quand X…, quels… ? », « quand X…,
# faut-il… ? »
_NEXT_CLAUSE = re.compile(
    r"[,;:].*(?:\b(?:quel\w*|que|qu'|quoi|comment|pourquoi|combien|qui|ou|lequel|laquelle"
    r"|est-ce)\b|\w-(?:t-)?(?:il|elle|on|ils|elles|vous|nous|je|tu)\b)"
)
_WH_WORDS = re.compile(r"\b(?:quel\w*|comment|qui|quoi|quand|combien|pourquoi|lequel)\b")
DEFINITION_PROPERTY = "http://www.w3.org/2004/02/skos/core#definition"
# An entity so general that every slide is about it: it does not make a question specific.
GENERIC_ENTITIES = frozenset({"concept-virtualisation"})
_ASKS_WHAT = frozenset({AnswerType.DEFINITION, AnswerType.EXPANSION})
# « Qu'est-ce qu'on appelle X », « qu'entend-on par X », « on appelle quoi X »: the verb of
# naming belongs to the question form and asks what X is, as « qu'est-ce que X » does
# (« comment appelle-t-on X » asks for its name instead). « Entendre » asks it only with
# « par » (« qu'est-ce qu'on entend souvent » is « hear »); another verb of naming followed
# by a preposition (« qu'appelle-t-on pour… », « désigne comme ») asks nothing of the kind.
_APOSTROPHE = r"['’]"
_HYPHEN = r"[-‑\s]"
_TO_NAME = (
    r"(?:ap+el+e|nomme|d[ée]signe)(?:z|nt)?",
    r"(?:\s+par\b)?(?!\s+(?:pour|quand|comme|en|a|à|au|aux|dans|sur|avec|souvent|toujours)\b)",
)
_TO_MEAN = (r"entend(?:ez)?", r"\s+(?:\w+\s+)?par\b")
_THAT = rf"qu(?:{_APOSTROPHE}\s*|e\s+|\s+)(?:l{_APOSTROPHE}\s*)?"  # « qu'on », « que l'on »
_SUBJECT_AFTER = rf"(?:{_HYPHEN}t)?(?:{_HYPHEN}|{_APOSTROPHE})(?:on|vous)\b"  # « -t-on », « -vous »
_TELL = r"dire|expliquer|rappeler|pr[ée]ciser|comprendre|compris|savoir"
_NAMING_FORMS = (
    (rf"\bqu{_APOSTROPHE}?\s*est{_HYPHEN}ce\s+{_THAT}(?:on|vous)\s+{{verb}}", "qu'est-ce que"),
    # « ce qu'on appelle X » after a verb of telling asks what X is; elsewhere it only
    # introduces X (« les avantages de ce qu'on appelle X »).
    (rf"\b(?P<tell>{_TELL})\s+(?:moi\s+)?ce\s+{_THAT}on\s+{{verb}}", r"\g<tell> ce qu'est"),
    (rf"(?<![\w-])ce\s+{_THAT}on\s+{{verb}}", ""),
    (rf"\bqu(?:{_APOSTROPHE}\s*|e\s+){{verb}}{_SUBJECT_AFTER}", "qu'est-ce que"),
    (r"\bon\s+{verb}\s+quoi", "c'est quoi"),
)
_WHAT_IS_CALLED = tuple(
    (re.compile(form.format(verb=verb) + tail, re.IGNORECASE), plain)
    for form, plain in _NAMING_FORMS
    for verb, tail in (_TO_NAME, _TO_MEAN)
)
# A possessive, or « et » opening a follow-up: what follows is said of something named before.
_SAID_OF_EARLIER = re.compile(r"^et\b|\b(?:sa|son|ses|leur|leurs)\b")


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass
class Analysis:
    """A question, what it asks for and what it names, with the context of the conversation."""

    question: str
    answer_type: AnswerType
    entities: list[LinkedEntity]
    classes: list[str]
    relations: list[str]
    context_entities: list[LinkedEntity] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)  # the answers it offers, if any
    context: str = ""  # the earlier user turn a follow-up is read with
    previous_answer: str = ""  # the assistant's last answer in the conversation

    @property
    def own(self) -> list[LinkedEntity]:
        """The specific entities the question names itself."""
        return [e for e in self.entities if e.id not in GENERIC_ENTITIES]

    @property
    def specific(self) -> list[LinkedEntity]:
        """The entities the question is about (its own, or the conversation's)."""
        return self.own or self.context_entities

    @property
    def topic(self) -> str:
        """The question as matched against the course (references to the course removed)."""
        return without_course_references(self.question)

    @property
    def search_query(self) -> str:
        return f"{without_course_references(self.context)} {self.topic}".strip()


def asks_when(folded: str) -> bool:
    """Whether « quand » asks for a time (« depuis quand… », « quand X est-il sorti ? »,
    « …, c'était quand ? ») rather than opening a clause of circumstance (« quand une
    entreprise virtualise, que gagne-t-elle ? », « que se passe-t-il quand… »)."""
    for found in _WHEN.finditer(folded):
        before, after = folded[: found.start()], folded[found.end() :]
        if _ENDS.fullmatch(after) or _WHEN_PREFIX.search(before):
            return True
        if not before.strip(" ,") and not _NEXT_CLAUSE.search(after):
            return True
    return False


def answer_type(question: str) -> AnswerType:
    """The kind of answer a French question expects, from its question word."""
    folded = normalise(question).replace("’", "'")
    for kind, pattern in _ANSWER_TYPES:
        if pattern.search(folded) or (kind == AnswerType.TIME and asks_when(folded)):
            if kind == AnswerType.BOOLEAN and _WH_WORDS.search(folded):
                continue
            if (
                kind == AnswerType.DEFINITION
                and asks_what_a_verb_concerns(question)
                and not pattern.search(_WHAT.sub(" ", folded))
            ):
                continue
            return kind
    return AnswerType.OTHER


def asks_what_a_verb_concerns(question: str) -> bool:
    """« qu'est-ce qui change », « qu'est-ce que les entreprises attendent »: what a verb's
    subject or object is, where « qu'est-ce que la paravirtualisation » asks what a thing
    is."""
    found = _WHAT.search(question.lower().replace("’", "'"))
    if found is None:
        return False
    return found.group(1) == "i" or any(
        is_finite_verb(word) for word in re.findall(r"[^\W\d_]+", found.group(2))
    )


def asks_to_describe(question: str, linker: EntityLinker) -> bool:
    """Whether a verb of describing governs a thing the course names: « comment décrire
    KVM », « définis-moi l'émulation », but not « que faut-il définir en premier »."""
    folded = normalise(question).replace("’", "'")
    for found in _DESCRIBE.finditer(folded):
        rest = re.sub(r"^[\W_]+", "", folded[found.end() :])
        words = re.findall(r"[^\W_]+", _BEFORE_OBJECT.sub("", rest, count=1))
        if (
            words
            and words[0] not in FRENCH_STOP_WORDS
            and linker.link(" ".join(words[:_OBJECT_WORDS]))
        ):
            return True
    return False


def asks(message: str) -> bool:
    """Whether a message holds a question word (« pourquoi ? », « et quand ? »)."""
    return bool(_WH_WORDS.search(normalise(message)))


def alternatives(question: str) -> list[str]:
    """The answers a question offers to choose from (« hébergé ou bare metal ? »)."""
    parts = _OR.split(without_course_references(question).lower())
    if len(parts) < 2:
        return []
    first = _CLAUSE_BREAK.split(parts[0])[-1].split()[-_OPTION_WORDS:]
    middle = [part.split()[:_OPTION_WORDS] for part in parts[1:-1]]
    last = _CLAUSE_BREAK.split(parts[-1])[0].split()[:_OPTION_WORDS]
    options = [first, *middle, last]
    return [" ".join(words) for words in options] if all(options) else []


def _earlier_entities(linker: EntityLinker, history: list[Message]) -> list[LinkedEntity]:
    """The specific entities of the latest exchange that named any: the user's turn first,
    then the answer (a follow-up may be about what the answer named)."""
    answered: list[LinkedEntity] = []
    for message in reversed(history):
        entities = [e for e in linker.link(message.content) if e.id not in GENERIC_ENTITIES]
        if message.role != "user":
            answered += [e for e in entities if e not in answered]
        elif entities or answered:
            return [*entities, *(e for e in answered if e not in entities)]
    return answered


def _last_spoken_of(
    acronyms: list[LinkedEntity], history: list[Message], linker: EntityLinker
) -> list[LinkedEntity]:
    """The acronyms a pointer back (« ce sigle ») means: after a question asking a property,
    those the answer brought in, its values (« KVM est sous quelle licence ? », then « ce
    sigle » is GPL); after any other, all of them."""
    asked = next((m.content for m in reversed(history) if m.role == "user"), "")
    links = linker.analyse(asked)
    if not [r for r in links.relations if r != DEFINITION_PROPERTY]:
        return acronyms
    asked_of = {e.id for e in links.entities}
    return [e for e in acronyms if e.id not in asked_of] or acronyms


def _asks_meaning(question: str, entities: list[LinkedEntity]) -> bool:
    """Whether an expansion question (« que signifie X ») may ask what X is rather than
    what it stands for: it neither writes an acronym nor names a thing whose label is
    one, nor asks for a spelled-out name or a translation."""
    folded = normalise(question).replace("’", "'")
    return not (
        _SPELLED_OUT.search(folded)
        or ACRONYM.search(question)
        or any(ACRONYM.fullmatch(e.label) for e in entities)
    )


def as_what_is(question: str) -> str:
    """The question with a form asking what a name means (« qu'appelle-t-on X ») written as
    « qu'est-ce que X »: its verb of naming asks for no other name."""
    for pattern, plain in _WHAT_IS_CALLED:
        question = pattern.sub(plain, question)
    return question


def analyse(question: str, history: list[Message], linker: EntityLinker) -> Analysis:
    """Answer type, entities, classes and relations of a question, read in its conversation."""
    question = as_what_is(question)
    links = linker.analyse(question)
    kind = answer_type(question)
    if kind in (AnswerType.OTHER, AnswerType.BOOLEAN) and asks_to_describe(question, linker):
        kind = AnswerType.DEFINITION
        links.relations = list(dict.fromkeys([*links.relations, DEFINITION_PROPERTY]))
    if kind != AnswerType.DEFINITION and asks_what_a_verb_concerns(question):
        links.relations = [r for r in links.relations if r != DEFINITION_PROPERTY]
    own = [e for e in links.entities if e.id not in GENERIC_ENTITIES]
    # What a question asking what something is asks of, when it names only a relation and
    # says it of nothing earlier (« ses OS invités », « et l'OS hôte ? »), is the notion the
    # course defines under that relation's name (« c'est quoi la machine hôte ? » asks what
    # the host system is, not what runs on a host).
    if (
        not own
        and (kind in _ASKS_WHAT or DEFINITION_PROPERTY in links.relations)
        and not _SAID_OF_EARLIER.search(normalise(question))
    ):
        for relation in list(links.relations):
            notion = linker.notion_of(relation)
            if notion is not None:
                links.relations.remove(relation)
                links.entities.append(notion)
                own.append(notion)
    # « c'est quoi les défauts de X » asks for a property of X, not for what X is; and a
    # question naming two things asks how they relate.
    if kind == AnswerType.DEFINITION and (
        [r for r in links.relations if r != DEFINITION_PROPERTY] or len(own) > 1
    ):
        kind = AnswerType.OTHER
    # What a term that is no acronym « signifie » is what it is, or a gloss the course gives
    # of it (« que signifie paravirtualisation ? »).
    if kind == AnswerType.EXPANSION and own and _asks_meaning(question, own):
        links.relations = list(dict.fromkeys([*links.relations, DEFINITION_PROPERTY]))
    analysis = Analysis(question, kind, links.entities, links.classes, links.relations)
    analysis.alternatives = alternatives(question)
    if history:
        analysis.context_entities = [
            e for e in _earlier_entities(linker, history) if e not in links.entities
        ]
        # What an expansion is asked of, when the question names nothing, is an acronym the
        # conversation named (« Et que signifie ce sigle ? » after « … sous licence CDDL »).
        acronyms = [e for e in analysis.context_entities if ACRONYM.fullmatch(e.label)]
        if kind == AnswerType.EXPANSION and not own and acronyms:
            analysis.context_entities = _last_spoken_of(acronyms, history, linker)
        # Words that point back keep the earlier question, unless this one names a thing of
        # the same kind as the earlier subject: then it is a new subject (« et KVM ? »).
        earlier_kinds = {e.type for e in analysis.context_entities[:1]}
        new_subject = any(e.type in earlier_kinds for e in own)
        if not own or (_POINTS_BACK.search(normalise(question)) and not new_subject):
            earlier = [m.content for m in history if m.role == "user"]
            analysis.context = earlier[-1] if earlier else ""
        answers = [m.content for m in history if m.role == "assistant"]
        analysis.previous_answer = answers[-1] if answers else ""
    return analysis
