"""Answer a French question from the course: analyse, retrieve, read, decide.

1. Analyse: the answer type the question word asks for, and the entities and
   classes it names (or, for a follow-up, the conversation's).
2. Retrieve: hybrid search over the passages.
3. Read: every unit of the best passages, every fact of the linked entities
   and the members of the classes named are candidate answers, scored by the
   fitted reader over general features (``kg.qa.candidates``).
4. Decide: one calibrated confidence, fitted on in-course and off-course
   questions, says whether to answer, answer with a warning, or decline and
   show the closest slides.
"""

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt
import simplemma

from kg.corpus import Passage
from kg.link import EntityLinker, LinkedEntity
from kg.qa.analysis import GENERIC_ENTITIES, Analysis, AnswerType, Message, analyse, asks
from kg.qa.candidates import Candidate, CandidateKind, CandidateReader
from kg.qa.citations import Citation, CitationBook
from kg.qa.comparison import Line, asks_difference, compare, side_by_side, states_difference
from kg.qa.conversation import (
    GREETING_REPLY,
    REPHRASE_REPLY,
    THANKS_REPLY,
    Reply,
    clarification,
    refers_back,
    says_nothing,
    social_reply,
)
from kg.qa.ellipsis import resolve_ellipsis
from kg.qa.facts import DEFINITION, FactIndex, FactSource, GraphFact
from kg.qa.model import CONFIDENCE_FEATURES, FusionWeights, Matrix, QAModel
from kg.qa.spelling import CourseSpelling
from kg.qa.suggestions import questions_about, suggest
from kg.qa.unstated import StatedKinds, asks_price
from kg.qa.verdict import asks_yes_or_no, verdict
from kg.qa.wording import candidate_text, capitalise
from kg.search import FusionConfig, Hit, Searcher, SearchMode
from kg.text import (
    FRENCH_STOP_WORDS,
    er_verb_roots,
    family_prefixes,
    fold_accents,
    french_spelling,
    is_ordinary_word,
    is_word_pair,
    lookup_key,
    normalise,
    sentence_spans,
    standard_spelling,
)

DECLINED = "Je n'ai pas trouvé la réponse dans le cours."
_NAME = re.compile(r"\w+(?:['’]\w+)*(?:[.\-/+]\w+)*")
_APOSTROPHE = re.compile(r"['’]")
_ELIDED = re.compile(r"(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.IGNORECASE)
_MAX_UNKNOWN_NAMES = 2
# Answer types that ask something of two things beyond how they differ.
_TYPED_ANSWERS = frozenset(
    {
        AnswerType.QUANTITY,
        AnswerType.TIME,
        AnswerType.AGENT,
        AnswerType.REASON,
        AnswerType.EXPANSION,
    }
)
# Words that ask about the time of asking. A course is written once: what is current, latest
# or new today is beyond it, whatever it says of the same things then.
_ABOUT_NOW = re.compile(
    r"\b(?:actuel\w*|aujourd'?hui|maintenant|de nos jours|en ce moment|derni\w+ versions?"
    r"|recemment|ces derni\w+ annees"
    r"|current\w*|latest|today|nowadays)\b"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# An acronym's English plural (« VMs », « OSes »).
_ACRONYM_PLURAL = re.compile(r"(?P<acronym>[A-Z]{2,})e?s")
# A sentence ends at « ? » or « ! », or at a full stop after a word, not an abbreviation
# (« vs. », « p. ex. »).
_SENTENCE_BREAK = re.compile(r"(?<=[?!])\s+|(?<=\w{4}\.)\s+")
# Questions for steps to follow (« comment installer… », « étape par étape », « quelles
# commandes pour… »): a course may or may not give them; the confidence model learns
# whether it does (a command, when the course quotes none, is declined: kg.qa.unstated).
_HOW_TO = re.compile(
    r"\bcomment (?:(?:peut-on|faut-il|doit-on|on peut|je peux|puis-je) )?"
    r"(?:s'|se |l'|le |la |les |en |y )?(?P<verb>[a-z]+(?:er|ir|re))\b"
    r"|\b(?:etapes?|procedure|tutoriel|pas a pas|marche a suivre)\b"
    r"|\b(?:quelles?|les|la|des) commandes? (?:a taper|a lancer|pour)\b"
)
# A runner-up at most this far below the answer's score (half as likely) supports it.
_SUPPORT_GAP = math.log(2)
_NEGLIGIBLE = 1e-4  # a candidate's probability, relative to the answer's, that adds nothing


class Level(StrEnum):
    SURE = "sûr"
    PROBABLE = "probable"
    UNSURE = "incertain"


@dataclass(frozen=True)
class Fact:
    subject: str
    predicate: str
    object: str
    source: str


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    facts: list[Fact]
    entities: list[LinkedEntity]
    confidence: float
    abstained: bool
    intent: str  # the answer type the question asks for
    level: Level = Level.UNSURE
    suggestions: list[str] = field(default_factory=list)
    closest: list[Hit] = field(default_factory=list)
    reply: Reply = Reply.ANSWER  # what kind of turn this is (an answer, a question back…)
    understood_as: str = ""  # the question read, when a follow-up stood for an earlier one


@dataclass
class Reading:
    """Every candidate answer of one question, with its features: what fitting, evaluation
    and answering share. Scoring it with a model is cheap (:meth:`scored`)."""

    analysis: Analysis
    ranked: list[tuple[int, float]]  # the hybrid search's passage indices and scores
    hits: list[Hit]
    candidates: list[Candidate]
    matrix: Matrix  # one row of reader features per candidate
    text: Callable[[int], str]  # what a candidate would answer
    question_signals: dict[str, float]  # the signals that do not depend on the answer
    coverage: Callable[[int], dict[str, float]]  # how much of the question a candidate covers
    understood_as: str = ""  # the question read, when a follow-up stood for an earlier one

    def scored(self, model: QAModel) -> "Scored":
        scores = model.reader.scores(self.matrix) if len(self.candidates) else np.zeros(0)
        signals = dict(self.question_signals)
        best = int(np.argmax(scores)) if len(scores) else None
        if best is None:
            signals.update(probability=0.0, margin=0.0, best_score=0.0, answer_coverage=0.0)
            signals.update(passage_coverage=0.0, topic_coverage=0.0, uncovered_rare=1.0, fact=0.0)
            signals["type_unmet"] = 1.0
        else:
            signals.update(self.coverage(best))
            # The answer may be read twice (a definition as a fact and as its sentences): its
            # probability is that of what it says, its margin over the next other answer.
            # (Candidates too unlikely to add to its probability are not rendered.)
            answer = normalise(self.text(best))

            def again(index: int) -> bool:
                return says_again(answer, normalise(self.text(index)))

            probabilities = _softmax(scores)
            likely = np.flatnonzero(probabilities >= _NEGLIGIBLE * probabilities[best])
            said = [i for i in map(int, likely) if again(i)]
            order = map(int, np.argsort(-scores, kind="stable"))
            runner = next((i for i in order if not again(i)), None)
            signals["probability"] = min(float(probabilities[said].sum()), 1.0)
            signals["margin"] = (
                float(min(scores[best] - scores[runner], 10.0)) if runner is not None else 10.0
            )
            signals["best_score"] = float(scores[best])
            signals["fact"] = float(self.candidates[best].kind != CandidateKind.UNIT)
            # « Qui… » answered without a person or a company, « quand… » without a date.
            signals["type_unmet"] = self.candidates[best].features.get("type_unmet", 0.0)
            # A property the graph states of a thing is taken as current (« sa licence
            # actuelle »): the less the answer is such a property named by the question, the
            # more a question about the present is beyond the course.
            signals["about_now"] *= 1.0 - self.candidates[best].features.get("relation", 0.0)
        confidence = model.probability([signals[name] for name in CONFIDENCE_FEATURES])
        return Scored(scores, best, signals, confidence)


@dataclass(frozen=True)
class Scored:
    scores: npt.NDArray[np.float64]
    best: int | None
    signals: dict[str, float]
    confidence: float


class QuestionAnswerer:
    def __init__(
        self,
        passages: dict[str, Passage],
        searcher: Searcher,
        linker: EntityLinker,
        reader: CandidateReader,
        facts: FactIndex,
        model: QAModel,
    ) -> None:
        self.passages = passages
        self.searcher = searcher
        self.linker = linker
        self.reader = reader
        self.facts = facts
        self.model = model
        self.slides = {p.id: p.slide for p in passages.values()}
        years = [int(y) for p in passages.values() for y in _YEAR.findall(p.text)]
        self.course_year = max(years, default=0)
        self.stated_kinds = StatedKinds(p.text for p in passages.values())
        self.spelling = CourseSpelling((p.text for p in passages.values()), reader.analyser.lemma)
        self.vocabulary = frozenset(k for p in reader.profiles for k in p.keys) | frozenset(
            k for keys in reader.title_keys.values() for k in keys
        )
        self.course_stems = frozenset(s for p in reader.profiles for s in p.stems)
        self.class_labels = {
            str(row["term"]).rsplit("#", 1)[-1]: str(row["label"])
            for row in reader.queries.run("labels")
        }
        self.examples: list[str] = []  # the questions offered when there is nothing to answer

    # ------------------------------------------------------------------ main entry

    def ask(
        self, question: str, history: list[Message] | None = None, model: QAModel | None = None
    ) -> Answer:
        """The answer to a question in its conversation, or the reply a turn that is not a
        question about the course calls for (a greeting, a question back). ``model``
        replaces the fitted model (cross-validation answers with the fold's)."""
        model = model or self.model
        history = history or []
        question = self.spelling.correct(standard_spelling(question))
        reply = self._converse(question, history)
        if reply is not None:
            return reply
        reading = self.read(question, history, model.fusion)
        return self.decide(reading, reading.scored(model), model)

    def _converse(self, question: str, history: list[Message]) -> Answer | None:
        social = social_reply(question)
        if social is not None:
            text = GREETING_REPLY if social == Reply.GREETING else THANKS_REPLY
            return self._reply(text, social, self.examples, abstained=False)
        # « Pourquoi ? » alone asks about the earlier turn.
        if says_nothing(question, self.reader.analyser) and not (history and asks(question)):
            return self._reply(REPHRASE_REPLY, Reply.REPHRASE, self.examples)
        # After turns that asked nothing (« bonjour »), a follow-up is a first question.
        # After turns that asked nothing (« bonjour »), a follow-up is a first question.
        if not refers_back(question, self.reader.analyser) or any(
            m.role == "user"
            and social_reply(standard_spelling(m.content)) is None
            and not says_nothing(m.content, self.reader.analyser)
            for m in history
        ):
            return None
        analysis = analyse(question, [], self.linker)
        if analysis.own:
            return None
        relation = next(iter(analysis.relations), None)
        kind, entities = self._subjects_of(relation)
        suggestions = questions_about(self, entities, relation)[:3] or self.examples
        return self._reply(clarification(kind), Reply.CLARIFICATION, suggestions)

    def _reply(
        self, text: str, kind: Reply, suggestions: list[str], abstained: bool = True
    ) -> Answer:
        return Answer(
            text, [], [], [], 0.0, abstained, AnswerType.OTHER, Level.UNSURE, suggestions, [], kind
        )

    def _subjects_of(self, relation: str | None) -> tuple[str | None, list[LinkedEntity]]:
        """The kind of thing a relation is said of (« produit » for a licence), and a few of
        the entities the graph says it of."""
        if relation is None:
            return None, []
        subjects = sorted(
            {e for (e, p) in self.linker.stated_in if p == relation and e in self.linker.entities}
        )
        entities = [self.linker.entities[e] for e in subjects]
        kinds = Counter(e.type for e in entities)
        if not kinds:
            return None, []
        kind = kinds.most_common(1)[0][0]
        return self.class_labels.get(kind), [e for e in entities if e.type == kind][:3]

    def read(
        self, question: str, history: list[Message], fusion: FusionWeights | None = None
    ) -> Reading:
        """Retrieve the passages and describe every candidate answer."""
        fusion = fusion or self.model.fusion
        question = self.spelling.correct(standard_spelling(question))
        resolved = resolve_ellipsis(question, history, self.linker)
        # A follow-up resolved into a question of its own is read alone: what the earlier
        # question was about is what it no longer asks about.
        analysis = analyse(resolved, history if resolved == question else [], self.linker)
        texts = [analysis.topic]
        if analysis.search_query != analysis.topic:
            texts.append(analysis.search_query)
        vectors = self.searcher.embedder.encode(texts)
        config = FusionConfig(
            self.searcher.config.method,
            fusion.lexical_weight,
            fusion.entity_boost,
            fusion.fact_boost,
            self.searcher.config.pool,
        )
        found = self.searcher.candidates(analysis.search_query, SearchMode.HYBRID, vectors[-1])
        ranked = self.searcher.fuse(found, SearchMode.HYBRID, config)
        hits = [self.searcher.hit(i, s) for i, s in ranked[:10]]
        ranked_ids = [(self.searcher.passages[i].id, s) for i, s in ranked]
        profile = self.reader.question_profile(analysis, vectors[0])
        candidates = self.reader.candidates(analysis, profile, ranked_ids)
        matrix = np.asarray([c.vector() for c in candidates], dtype=np.float64)
        texts_out = lru_cache(maxsize=None)(
            lambda index: candidate_text(
                candidates[index],
                analysis.answer_type,
                self.linker.entities,
                self.facts,
                self.slides,
            )
        )
        weights = profile.weights
        topic = [k for k in profile.keys if k not in profile.entity_keys]
        rarest = max((weights[k] for k in profile.keys), default=1.0)

        def share(keys: list[str], found: frozenset[str], empty: float) -> float:
            total = sum(weights[k] for k in keys)
            matched = sum(weights[k] for k in keys if profile.matches(k, found))
            return matched / total if total else empty

        @cache
        def coverage(index: int) -> dict[str, float]:
            """The share of the question a candidate covers: itself, its passage, and in
            that passage what the question asks beyond the names it gives."""
            candidate = candidates[index]
            covered = candidate.keys | profile.entity_keys
            covered |= self.reader.title_keys.get(candidate.passage, frozenset())
            in_passage = self.reader.passage_keys.get(candidate.passage, frozenset()) | covered
            missing = [weights[k] for k in profile.keys if not profile.matches(k, in_passage)]
            return {
                "answer_coverage": share(profile.keys, covered, 0.0),
                "passage_coverage": share(profile.keys, in_passage, 0.0),
                "topic_coverage": share(topic, in_passage, 1.0),
                "uncovered_rare": max(missing, default=0.0) / rarest,
            }

        asked = [*profile.keys, *profile.context_keys]
        known = sum(weights[k] for k in asked if profile.matches(k, self.vocabulary)) / (
            sum(weights[k] for k in asked) or 1.0
        )
        signals = {
            "question_known": known if profile.keys else 0.0,
            "topic_known": share(topic, self.vocabulary, 1.0),
            "unknown_names": float(min(self._unknown_names(analysis.question), _MAX_UNKNOWN_NAMES)),
            "entity": float(bool(analysis.specific)),
            "dense_top": max((s for _, s in found.dense), default=0.0),
            "about_now": float(self._about_now(analysis.question)),
            "asks_how_to": float(
                analysis.answer_type != AnswerType.DEFINITION and _asks_how_to(analysis.question)
            ),
            "asks_price": float(asks_price(analysis.question)),
        }
        understood_as = resolved if resolved != question else ""
        return Reading(
            analysis, ranked, hits, candidates, matrix, texts_out, signals, coverage, understood_as
        )

    def decide(self, reading: Reading, scored: Scored, model: QAModel | None = None) -> Answer:
        """Answer with the best candidate and its citations, or decline."""
        model = model or self.model
        analysis = reading.analysis
        confidence = scored.confidence
        best = self._chosen(reading, scored)  # the confidence stays the reader's best's
        # A comparison the graph can make is answered, whatever the reader thinks of its
        # own best candidate; so is the course's own comparison of the two things asked.
        comparison = self._comparison(reading, best) if best is not None else []
        pair = _compared_pair(analysis)
        compared = bool(comparison) or (
            best is not None
            and pair is not None
            and self._compares_itself(reading.text(best), pair)
        )
        # The course cannot set apart a thing it never names (« Docker ou OpenVZ ? »), nor
        # tell which of the answers offered such a thing is (« Proxmox, basé sur KVM ou
        # Xen ? »): what the reader found is about the others.
        offered, asked_of = self._offered(analysis)
        unknown = reading.question_signals["unknown_names"] > 0
        if asks_difference(analysis.question):  # of fewer than two things the course names
            about_unknown = unknown and len(analysis.own) < 2
        else:
            about_unknown = unknown and bool(offered) and not asked_of
        # Nor give what it states nowhere (a price, a percentage, a command to type).
        cannot = about_unknown or bool(self.stated_kinds.unstated_asked(analysis.question))
        if best is None or cannot or (confidence < model.decline_below and not compared):
            closest = reading.hits[:3]
            return Answer(
                self._declined(closest),
                [],
                [],
                analysis.specific,
                round(confidence, 3),
                True,
                analysis.answer_type,
                suggestions=self._rephrasings(closest),
                closest=closest,
                reply=Reply.DECLINED,
                understood_as=reading.understood_as,
            )
        book = CitationBook()
        if comparison:
            score = float(scored.scores[best])
            lines = [self._compared(line, score, book) for line in comparison]
            stated = (f for line in comparison for f in line.facts)
            facts = list(dict.fromkeys(_fact(f, self.facts.label(f.predicate)) for f in stated))
        else:
            best = self._whole_definition(reading, best)
            lines = [self._line(reading, best, scored, book, name_subject=True)]
            group = reading.candidates[best].group
            said = verdict(analysis, group, self.linker.entities) if group is not None else ""
            if said:
                lines[0] = f"{said} : {lines[0]}"
            support = self._support(reading, scored, best)
            if support is not None:
                lines.append(self._line(reading, support, scored, book))
            facts = self._facts(reading, scored, best)
        level = Level.SURE if confidence >= model.sure_from else Level.PROBABLE
        return Answer(
            answer="\n".join(lines),
            citations=book.citations,
            facts=facts,
            entities=analysis.specific,
            confidence=round(confidence, 3),
            abstained=False,
            intent=analysis.answer_type,
            level=level,
            suggestions=suggest(self, analysis),
            closest=reading.hits[:3] if level != Level.SURE else [],
            understood_as=reading.understood_as,
        )

    def _chosen(self, reading: Reading, scored: Scored) -> int | None:
        """The candidate the answer gives: the reader's likeliest, unless the course's own
        comparison or a choice the graph settles speaks for the question."""
        if scored.best is None:
            return None
        return self._graph_choice(
            reading, scored, self._own_comparison(reading, scored, scored.best)
        )

    def _comparison(self, reading: Reading, best: int) -> list[Line]:
        """How two entities of one kind differ by their facts, when the question asks it and
        the chosen answer does not compare them itself: on the scales they share, or else
        side by side."""
        analysis = reading.analysis
        pair = _compared_pair(analysis)
        if pair is None or self._compares_itself(reading.text(best), pair):
            return []
        properties = _properties_asked(analysis)
        asked = [r for r in properties if r in self.facts.scales]
        if properties and not asked:  # asked about a property nothing else shares
            return []
        compared = compare(pair, self.facts, self.linker.entities, asked)
        if (
            compared
            or properties
            or self._about_one_of(reading, best, pair)
            or self._asks_more_than_a_difference(analysis, pair)
        ):
            return compared
        return side_by_side(pair, self.facts)

    def _about_one_of(
        self, reading: Reading, best: int, pair: tuple[LinkedEntity, LinkedEntity]
    ) -> bool:
        """Whether the reader's answer (a fact's subject included) names one of two things
        and not the other: it answers something asked of that one (« Par rapport à A,
        comment B isole-t-il ses processus ? »), which setting both side by side would not."""
        named = {e.id for e in self.linker.link_exact(reading.text(best))}
        group = reading.candidates[best].group
        if group is not None:
            named.add(group.entity)
        return len(named & {e.id for e in pair}) == 1

    def _asks_more_than_a_difference(
        self, analysis: Analysis, pair: tuple[LinkedEntity, LinkedEntity]
    ) -> bool:
        """Whether a question asks a number, a date, a reason… of the two things, or a yes or
        a no about words of its own (« Par rapport à A, B est-il plus dense ? »)."""
        if analysis.answer_type in _TYPED_ANSWERS:
            return True
        if not asks_yes_or_no(analysis):
            return False
        named = frozenset().union(*(self.reader.label_keys.get(e.id, frozenset()) for e in pair))
        return any(
            lookup_key(lemma) not in named and not asks_difference(word)
            for lemma, word in self.reader.analyser.words(analysis.topic)
        )

    def _own_comparison(self, reading: Reading, scored: Scored, best: int) -> int:
        """The best read sentence that says how the two things a question compares differ
        (« A diffère de B… », « … à la seule différence que … »): the course's own
        comparison, quoted rather than rebuilt. Not for a question asking a property of them
        (« les avantages de A par rapport à B »)."""
        pair = _compared_pair(reading.analysis)
        if pair is None or _properties_asked(reading.analysis):
            return best
        stating = [
            index
            for index, candidate in enumerate(reading.candidates)
            if candidate.unit is not None
            and self._compares_itself(reading.text(index), pair, stating=True)
        ]
        if not stating or best in stating:
            return best
        return max(stating, key=lambda index: scored.scores[index])

    def _graph_choice(self, reading: Reading, scored: Scored, best: int) -> int:
        """The likeliest graph fact giving one of the answers a question offers, about what it
        asks of (« Xen, hébergé ou bare metal ? »: « Xen s'installe en mode Bare Metal »):
        the graph settles the choice, whatever sentence names every answer offered."""
        analysis = reading.analysis
        if asks_difference(analysis.question):  # « A diffère de B ou de C » offers no choice
            return best
        offered, asked_of = self._offered(analysis)
        settling = [
            index
            for index, candidate in enumerate(reading.candidates)
            if (group := candidate.group) is not None
            and group.forward
            and group.entity in asked_of
            and offered & set(group.value_ids)
        ]
        if not settling or best in settling:
            return best
        return max(settling, key=lambda index: scored.scores[index])

    def _offered(self, analysis: Analysis) -> tuple[set[str], set[str]]:
        """The course's things among the answers a question offers, and the others it names:
        what it asks of."""
        options = self.reader.options(analysis.alternatives)
        offered = {e for option in options for e in option.entities}
        return offered, {e.id for e in analysis.specific} - offered

    def _compares_itself(
        self, text: str, named: tuple[LinkedEntity, LinkedEntity], stating: bool = False
    ) -> bool:
        """Whether one sentence of the text names both entities and no third of their kind
        (and, ``stating``, says how they differ): the course's own comparison."""
        ids = {e.id for e in named}
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            found = self.linker.link_exact(sentence)
            kind = {e.id for e in found if e.type == named[0].type}
            if kind == ids and (not stating or states_difference(sentence)):
                return True
        return False

    def _compared(self, line: Line, score: float, book: CitationBook) -> str:
        spans = self._source_spans(list(dict.fromkeys(f.source for f in line.facts)))
        numbers = [book.cite(self.passages[pid], span, score) for pid, span in spans]
        return line.text + "".join(f" [{n}]" for n in dict.fromkeys(numbers))

    def _declined(self, closest: list[Hit]) -> str:
        """The refusal, and what the course covers nearest to the question."""
        titles = list(dict.fromkeys(self._topic(h.title) for h in closest))[:2]
        if not titles:
            return DECLINED
        near = " et ".join(f"« {t} »" for t in titles)
        return f"{DECLINED} Le cours traite de sujets proches : {near}."

    def _topic(self, title: str) -> str:
        """A slide's title as a topic: the name of what it is about, or its words."""
        named = self.linker.link_exact(title)
        return named[0].label if named else capitalise(title.lower())

    def _rephrasings(self, closest: list[Hit]) -> list[str]:
        """Two questions the course answers, about what the closest slides speak of."""
        entities: list[LinkedEntity] = []
        for hit in closest:
            named = sorted(
                (
                    self.linker.entities[e]
                    for e, where in self.linker.mentions.items()
                    if hit.id in where and e in self.linker.entities and e not in GENERIC_ENTITIES
                ),
                key=lambda e: (len(self.linker.mentions[e.id]), e.label),
            )
            entities += [e for e in named[:1] if e not in entities]
        found = questions_about(self, entities)
        return list(dict.fromkeys([*found, *self.examples]))[:2]

    def _line(
        self,
        reading: Reading,
        index: int,
        scored: Scored,
        book: CitationBook,
        name_subject: bool = False,
    ) -> str:
        """One candidate's text, closed by a full stop and its citation marks; the answer's
        first line also names what it speaks of when neither it nor the question does."""
        numbers = [
            book.cite(self.passages[pid], span, float(scored.scores[index]))
            for pid, span in self.citation_spans(reading.candidates[index])
        ]
        text = reading.text(index).strip()
        if text and text[-1] not in ".!?:":
            text += "."
        if name_subject:
            subject = self._unnamed_subject(reading, reading.candidates[index], text)
            if subject is not None:
                text = f"{subject.label} : {text}"
        return text + "".join(f" [{n}]" for n in dict.fromkeys(numbers))

    def _unnamed_subject(
        self, reading: Reading, candidate: Candidate, text: str
    ) -> LinkedEntity | None:
        """The thing a sentence's slide is about, when the sentence does not name it and the
        question names nothing of its kind (« Ce logiciel permet… » on the slide « Wine »,
        asked « un outil pour lancer un programme Windows sous Linux ? »): an answer says
        what it speaks of."""
        if candidate.unit is None:
            return None
        about = self.linker.link_exact(self.passages[candidate.passage].title)
        if len(about) != 1 or about[0].id in GENERIC_ENTITIES:
            return None
        if about[0].type in {e.type for e in reading.analysis.specific}:
            return None
        named = {e.id for e in self.linker.link_exact(text)}
        return None if about[0].id in named else about[0]

    def _support(self, reading: Reading, scored: Scored, best: int) -> int | None:
        """The second line: the sentence a fact answer was read from when it holds more of
        the question; else the likeliest candidate after the answer that says something
        else, when it is nearly as likely as the answer (``best``: the answer, which may
        hold more than the likeliest candidate); else the graph's values of the property
        asked, when the answer is a sentence that does not give them."""
        if scored.best is None:
            return None
        lead = normalise(reading.text(best))
        if reading.candidates[best].group is not None:
            source = self._fuller_source(reading, scored, best, lead)
            if source is not None:
                return source
        top = scored.scores[scored.best]
        for runner in map(int, np.argsort(-scored.scores, kind="stable")):
            if top - scored.scores[runner] > _SUPPORT_GAP:
                break
            if runner != best and not says_again(lead, normalise(reading.text(runner))):
                return runner
        return _asked_fact(reading, scored, best, lead)

    def _fuller_source(self, reading: Reading, scored: Scored, best: int, lead: str) -> int | None:
        """The likeliest sentence a fact answer was read from that holds a word of the
        question neither the fact nor its property's names hold: what the fact leaves out
        and the question asks (a condition, a restriction)."""
        answer = reading.candidates[best]
        assert answer.group is not None
        wording = self.facts.wording.get(answer.group.predicate)
        said = answer.keys | (wording.keys if wording is not None else frozenset())
        beyond = self.reader.analyser.lemma_set(reading.analysis.question) - said
        sources = [
            i
            for i, candidate in enumerate(reading.candidates)
            if candidate.kind == CandidateKind.UNIT
            and set(candidate.vector_units) & set(answer.vector_units)
            and candidate.keys & beyond
            and not says_again(lead, normalise(reading.text(i)))
        ]
        return max(sources, key=lambda i: scored.scores[i], default=None)

    # ------------------------------------------------------------------ search

    def ranked_passages(self, query: str, model: QAModel | None = None) -> list[tuple[int, float]]:
        """The passages that hold the reader's candidate answers to a query, likeliest answer
        first, each scored by that answer's probability (a graph fact brings the passages it
        was read from, found by the search or not); the answer given first when it is not the
        reader's likeliest (a choice the graph settles), as likely as that one; then the
        hybrid search's other passages in its order, scored 0."""
        model = model or self.model
        reading = self.read(query, [], model.fusion)
        likeliest: dict[int, float] = {}
        given: set[int] = set()
        if reading.candidates:
            scored = reading.scored(model)
            probabilities = _softmax(scored.scores)
            chosen = self._chosen(reading, scored)
            if chosen is not None and chosen != scored.best:
                probabilities[chosen] = probabilities[scored.best]
                given = set(self._passage_indices(reading.candidates[chosen]))
            for candidate, probability in zip(reading.candidates, probabilities, strict=True):
                for index in self._passage_indices(candidate):
                    likeliest[index] = max(likeliest.get(index, 0.0), float(probability))
        order = {index: position for position, (index, _) in enumerate(reading.ranked)}
        read = sorted(
            likeliest, key=lambda i: (i not in given, -likeliest[i], order.get(i, len(order)))
        )
        return [(i, likeliest[i]) for i in read] + [
            (i, 0.0) for i, _ in reading.ranked if i not in likeliest
        ]

    def _passage_indices(self, candidate: Candidate) -> list[int]:
        found = (self.searcher.index_of(passage_id) for passage_id in candidate.cited)
        return [index for index in found if index is not None]

    def search(self, query: str, k: int = 5, model: QAModel | None = None) -> list[Hit]:
        """The ``k`` passages that best answer a query (see :meth:`ranked_passages`)."""
        if not query.strip():
            return []
        ranked = self.ranked_passages(query, model)[:k]
        return [self.searcher.hit(index, score) for index, score in ranked]

    # ------------------------------------------------------------------ decide

    def _about_now(self, question: str) -> bool:
        """Whether the question asks about the present: what is current or latest, or a year
        after the course's last."""
        folded = normalise(question)
        later = any(int(y) > self.course_year for y in _YEAR.findall(folded))
        return later or bool(_ABOUT_NOW.search(folded))

    def _unknown_names(self, question: str) -> int:
        """Words of the question the course never uses that are not ordinary words either:
        names of things the course does not cover ("Kubernetes", "virsh", "vSphere")."""
        count = 0
        # The first word of each sentence is capitalised as any sentence's; the parts after
        # it are not (« Hyper-V est-il… »: its « V » is a name's).
        for sentence in _SENTENCE_BREAK.split(question):
            for index, (whole, word) in enumerate(_words(sentence)):
                # A letter written alone is spoken of as a letter (« le K de KVM »).
                if self._known_word(whole, word) or len(whole) == 1:
                    continue
                # A course name misspelt (« Virtuozo »).
                if self.linker.link(word):
                    continue
                capitalised = index > 0 and any(c.isupper() for c in word)
                if capitalised or not is_ordinary_word(word.lower()):
                    count += 1
        return count

    def _known_word(self, whole: str, word: str) -> bool:
        """A word of the course, or a grammatical one. An acronym's English plural is the
        acronym's (« VMs », « OSes »)."""
        plural = _ACRONYM_PLURAL.fullmatch(word)
        if plural is not None and lookup_key(plural.group("acronym").lower()) in self.vocabulary:
            return True
        lower = word.lower()
        key = lookup_key(self.reader.analyser.lemma(french_spelling(lower)))
        if {key, lookup_key(lower), lookup_key(whole.lower())} & self.vocabulary:
            return True
        if fold_accents(lower) in FRENCH_STOP_WORDS:
            return True
        if not word.islower():
            return False
        # A form of a verb in -er the lemmatiser does not know, made on a course word
        # (« émulait » of « émuler », « forké » of « fork »).
        if any(k in self.vocabulary for k in map(lookup_key, er_verb_roots(lower))):
            return True
        # Another form of a course word the lemmatiser does not know (« virtualisant »): a
        # lower-case word sharing a stem long enough to have a family (short stems join
        # unrelated words: « montant », « montrer »).
        stems = self.reader.analyser.term_set(lower)
        return bool(family_prefixes(stems) and stems & self.course_stems)

    # ------------------------------------------------------------------ citations

    def citation_spans(self, candidate: Candidate) -> list[tuple[str, tuple[int, int]]]:
        """The passages a candidate cites, each with the span of text that proves it."""
        if candidate.unit is not None:
            return [(candidate.unit.passage, (candidate.unit.start, candidate.unit.end))]
        if candidate.group is not None:
            return self._source_spans(candidate.group.sources)
        passage = self.passages[candidate.passage]
        units = [self.reader.units[i] for i in self.reader.by_passage.get(passage.id, [])]
        rows = [u for u in units if u.kind == "row"]
        if rows:
            return [(passage.id, (rows[0].start, rows[-1].end))]
        return [(passage.id, _first_sentence(passage))]

    def _source_spans(self, sources: list[FactSource]) -> list[tuple[str, tuple[int, int]]]:
        """Each source's passage with the span its fact was read from."""
        spans: list[tuple[str, tuple[int, int]]] = []
        for source in sources:
            passage = self.passages.get(source.passage)
            if passage is None:
                continue
            span = None
            if source.start is not None and source.end is not None:
                try:
                    span = passage.text_span(source.start, source.end)
                except ValueError:
                    span = None
            spans.append((source.passage, span or _first_sentence(passage)))
        return spans

    def _facts(self, reading: Reading, scored: Scored, best: int) -> list[Fact]:
        """The graph facts behind an answer: a fact group's own, or for a sentence or row the
        facts of the question's entities read from it, the likeliest answers first."""
        chosen = reading.candidates[best]
        if chosen.group is not None:
            groups = [chosen.group]
        else:
            units = set(chosen.vector_units)
            related = [
                (float(-scored.scores[i]), i)
                for i, c in enumerate(reading.candidates)
                if c.group is not None and c.group.forward and units & set(c.vector_units)
            ]
            groups = [g for _, i in sorted(related) if (g := reading.candidates[i].group)]
        return [
            _fact(f, self.facts.label(f.predicate))
            for group in groups
            for f in group.facts
            if chosen.group is not None or set(self._source_units(f)) & set(chosen.vector_units)
        ]

    def _whole_definition(self, reading: Reading, best: int) -> int:
        """The graph's whole definition of the thing asked, when the best candidate is one
        of the sentences it was read from: a definition the course gives in two sentences
        is not cut after its first."""
        unit = reading.candidates[best].unit
        if unit is None or DEFINITION not in reading.analysis.relations:
            return best
        asked = {e.id for e in reading.analysis.specific}
        for index, candidate in enumerate(reading.candidates):
            group = candidate.group
            if group is None or group.predicate != DEFINITION or group.entity not in asked:
                continue
            for passage, (start, end) in self._source_spans(group.sources):
                if passage == unit.passage and start <= unit.start < unit.end <= end:
                    return index if (start, end) != (unit.start, unit.end) else best
        return best

    def _source_units(self, fact: GraphFact) -> list[int]:
        return self.reader.units_at(fact.source.passage, fact.source.start, fact.source.end)


def _properties_asked(analysis: Analysis) -> list[str]:
    return [r for r in analysis.relations if r != DEFINITION]


def _compared_pair(analysis: Analysis) -> tuple[LinkedEntity, LinkedEntity] | None:
    """The two things of one kind a question asks the difference of; the second may come
    from the conversation (« Quelle différence avec KVM ? » after a question on Xen)."""
    if not asks_difference(analysis.question):
        return None
    named = list(dict.fromkeys(analysis.own))
    if len(named) == 1:
        same_kind = [e for e in analysis.context_entities if e.type == named[0].type]
        named += [e for e in same_kind if e not in named][:1]
    if len(named) != 2 or named[0].type != named[1].type:
        return None
    return named[0], named[1]


def _asked_fact(reading: Reading, scored: Scored, best: int, lead: str) -> int | None:
    """The graph's values of the property a question asks of the thing it names, when the
    answer is a sentence that neither is where they were read from nor gives them all."""
    answer = reading.candidates[best]
    if answer.kind != CandidateKind.UNIT:
        return None
    named = {e.id for e in reading.analysis.own}
    asked = set(_properties_asked(reading.analysis))
    facts = [
        i
        for i, candidate in enumerate(reading.candidates)
        if candidate.group is not None
        and candidate.group.forward
        and candidate.group.entity in named
        and candidate.group.predicate in asked
        and not set(candidate.vector_units) & set(answer.vector_units)
        and not all(normalise(value) in lead for value in candidate.group.values)
    ]
    return max(facts, key=lambda i: scored.scores[i], default=None)


def says_again(text: str, other: str) -> bool:
    """Whether one answer holds the other whole, word for word: the same fact read twice,
    a definition and its first sentence."""
    short, long = sorted((text, other), key=len)
    start = long.find(short)
    while start >= 0:
        end = start + len(short)
        if not long[start - 1 : start].isalnum() and not long[end : end + 1].isalnum():
            return True
        start = long.find(short, start + 1)
    return False


def _softmax(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The reader's scores as probabilities over one question's candidates."""
    exponentials = np.exp(scores - scores.max())
    probabilities: npt.NDArray[np.float64] = exponentials / exponentials.sum()
    return probabilities


def _asks_how_to(question: str) -> bool:
    """Whether the question asks for steps to follow: « comment » before an infinitive,
    « étape par étape », « quelles commandes pour… »."""
    for found in _HOW_TO.finditer(normalise(question)):
        verb = found.group("verb")
        if verb is None or simplemma.lemmatize(verb, lang="fr") == verb:
            return True
    return False


def _words(text: str) -> list[tuple[str, str]]:
    """The words of a text, each with the whole it was written in: hyphenated words of
    letters give their parts (« présente-moi », « peut-on »), so do elisions
    (« l'hyperviseur ») but not words written with an apostrophe (« aujourd'hui »), and
    so do words joined by a slash (« tester/apprendre »); identifiers stay whole
    (« x86_64 », « z/VM »)."""
    found = []
    for match in _NAME.finditer(text):
        word = whole = match.group()
        if _APOSTROPHE.search(word):
            word = _APOSTROPHE.sub("'", word)
            # An elision is its own word; what remains may be one written with an apostrophe
            # (« d'aujourd'hui »).
            elided, _, rest = word.partition("'") if _ELIDED.match(word) else ("", "", word)
            known = simplemma.is_known(rest, lang="fr")
            pieces = [rest] if known else _APOSTROPHE.split(rest)
            found += [(whole, piece) for part in [elided, *pieces] for piece in _parts(part)]
            continue
        found += [(whole, part) for part in _parts(word)]
    return found


def _parts(word: str) -> list[str]:
    """The words a hyphen or a slash joins (« entend-on », « tester/apprendre »), or the
    word itself."""
    parts = word.split("-")
    if len(parts) > 1 and all(part.isalpha() for part in parts):
        return parts
    if is_word_pair(word):
        return word.split("/")
    return [word] if word else []


def _fact(fact: GraphFact, predicate: str) -> Fact:
    return Fact(fact.subject_label, predicate, fact.object_label, fact.source.passage)


def _first_sentence(passage: Passage) -> tuple[int, int]:
    spans = sentence_spans(passage.text)
    if len(spans) > 1 and passage.text.startswith(passage.title):
        spans = spans[1:]
    return spans[0] if spans else (0, len(passage.text))
