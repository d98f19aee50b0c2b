"""Fit what question answering learns from questions, and measure it by cross-validation.

Three things are fitted, in order, each on training questions only:

1. the search fusion weights, by grid search on the rank of the passage that
   holds each question's evidence (mean reciprocal rank);
2. the reader's weights, a conditional logit over each question's candidates:
   it maximises the probability of the candidates whose answer holds the
   expected phrases;
3. the confidence model, a logistic regression telling questions the course
   answers from the others, over signals computed with readers fitted on other
   training questions (cross-fitting), so it learns how sure the reader is on
   questions it was not fitted on. Off-course questions made up from the training
   questions (:mod:`kg.made_up`) join the real ones. Then, on the real questions,
   the threshold with the best F1 of declining the off-course ones that declines
   at most 5 % of the answers the reader gets right (the median of those fitted on
   bootstrap resamples), and the confidence from which answers are right 90 % of
   the time.

:func:`cross_validate` repeats this K times, each time measuring on the fold
left out.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import logsumexp

from kg.evaluation import (
    AnswerRecord,
    Question,
    answer_question,
    contains,
    contains_all,
    evidence_ranks,
    folds,
    rank_of_evidence,
    search_candidates,
)
from kg.made_up import made_up_off_course
from kg.qa import Message
from kg.qa.answerer import Reading, Scored
from kg.qa.candidates import FEATURES, Candidate
from kg.qa.model import CONFIDENCE_FEATURES, FusionWeights, LinearModel, Matrix, QAModel
from kg.search import Candidates, FusionConfig, SearchMode

if TYPE_CHECKING:
    from kg.kb import KnowledgeBase

log = logging.getLogger(__name__)

LEXICAL_WEIGHTS = [round(0.1 * i, 1) for i in range(11)]
ENTITY_BOOSTS = [0.0, 0.1, 0.2, 0.4]
FACT_BOOSTS = [0.0, 0.25, 0.5, 1.0]
READER_L2 = (0.01, 0.03, 0.1, 0.3, 1.0)  # chosen by inner cross-validation
CONFIDENCE_L2 = 0.05
INNER_FOLDS = 4
MAX_WRONGLY_DECLINED = 0.05
# Made-up off-course questions weigh together half as much as the real ones: they teach
# one kind of off-course question, a name the course ignores, among others.
MADE_UP_WEIGHT = 0.5
MADE_UP_SEED = 5
THRESHOLD_RESAMPLES = 50  # bootstrap resamples the thresholds are the median of
THRESHOLD_SEED = 0
SURE_ACCURACY = 0.9
Labels = npt.NDArray[np.bool_]


@dataclass
class Example:
    """One training question as the reader saw it, and which candidates answer it."""

    question: Question
    reading: Reading
    positive: Labels


# --------------------------------------------------------------------------- fusion


def fit_fusion(
    kb: "KnowledgeBase", questions: list[Question], found: list[Candidates]
) -> FusionWeights:
    """The fusion weights that rank the evidence's passage best (MRR, then hit@1)."""
    searcher = kb.searcher
    usable = [(q, c) for q, c in zip(questions, found, strict=True) if q.evidence]
    best: tuple[float, float, float] | None = None
    chosen = FusionWeights()
    for weight, entity, fact in product(LEXICAL_WEIGHTS, ENTITY_BOOSTS, FACT_BOOSTS):
        config = FusionConfig(searcher.config.method, weight, entity, fact, searcher.config.pool)
        ranks = evidence_ranks(
            searcher, [q for q, _ in usable], [c for _, c in usable], SearchMode.HYBRID, config
        )
        mrr = sum(1 / r for r in ranks if r) / max(len(ranks), 1)
        hit = sum(r == 1 for r in ranks) / max(len(ranks), 1)
        key = (round(mrr, 6), round(hit, 6), -abs(weight - 0.5))
        if best is None or key > best:
            best, chosen = key, FusionWeights(weight, entity, fact)
    return chosen


# --------------------------------------------------------------------------- reader


def _history(kb: "KnowledgeBase", question: Question, model: QAModel | None) -> list[Message]:
    """The conversation before a question's last turn: the user's turns, each followed by
    what ``model`` answers to it (with no model, the user's turns only)."""
    history: list[Message] = []
    for turn in question.turns[:-1]:
        if model is not None:
            answer = kb.answerer.ask(turn, list(history), model)
            history += [Message("user", turn), Message("assistant", answer.answer)]
        else:
            history.append(Message("user", turn))
    return history


def examples(
    kb: "KnowledgeBase",
    questions: list[Question],
    fusion: FusionWeights,
    answering: QAModel | None = None,
) -> list[Example]:
    """Read every in-course question and label its candidates: a candidate is right when its
    answer holds every expected phrase and a passage it cites the evidence. The earlier
    turns of a conversation are answered by ``answering`` (user turns only without it)."""
    found = []
    for question in questions:
        if not question.in_scope:
            continue
        history = _history(kb, question, answering)
        reading = kb.answerer.read(question.text, history, fusion)
        positive = np.array(
            [
                contains_all(text, question.answer)
                and _cites_evidence(kb, candidate, question.evidence)
                for candidate, text in zip(
                    reading.candidates,
                    map(reading.text, range(len(reading.candidates))),
                    strict=True,
                )
            ],
            dtype=bool,
        )
        found.append(Example(question, reading, positive))
    return found


def _cites_evidence(kb: "KnowledgeBase", candidate: Candidate, evidence: str | None) -> bool:
    """Whether a passage the candidate would cite holds the question's evidence."""
    if not evidence:
        return True
    return any(
        contains(kb.passages[passage], evidence)
        for passage, _ in kb.answerer.citation_spans(candidate)
        if passage in kb.passages
    )


def _standardise(x: Matrix) -> tuple[Matrix, Matrix]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_reader(training: list[Example], l2: float) -> LinearModel:
    """Conditional logit: softmax over one question's candidates, the right ones as target;
    ``l2`` is the weight of the L2 penalty on the (standardised) weights."""
    usable = [e for e in training if e.positive.any() and len(e.positive) > 1]
    if not usable:
        return LinearModel.neutral(FEATURES)
    mean, scale = _standardise(np.vstack([e.reading.matrix for e in usable]))
    groups = [((e.reading.matrix - mean) / scale, e.positive) for e in usable]

    def loss(w: Matrix) -> tuple[float, Matrix]:
        total = l2 * 0.5 * float(w @ w) * len(groups)
        gradient = l2 * w * len(groups)
        for x, positive in groups:
            s = x @ w
            every = logsumexp(s)
            right = logsumexp(s[positive])
            total += every - right
            p_all = np.exp(s - every)
            p_right = np.where(positive, np.exp(s - right), 0.0)
            gradient += x.T @ (p_all - p_right)
        return total / len(groups), gradient / len(groups)

    result = minimize(loss, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B")
    return LinearModel(
        FEATURES,
        tuple(round(float(v), 5) for v in result.x),
        tuple(round(float(v), 5) for v in mean),
        tuple(round(float(v), 5) for v in scale),
    )


# --------------------------------------------------------------------------- confidence


def _logistic(x: Matrix, y: Labels, weights: Matrix) -> LinearModel:
    """A logistic regression, each example counting ``weights`` times."""
    mean, scale = _standardise(x)
    z = (x - mean) / scale
    target = y.astype(np.float64)

    def loss(params: Matrix) -> tuple[float, Matrix]:
        w, b = params[:-1], params[-1]
        logits = z @ w + b
        p = 1 / (1 + np.exp(-np.clip(logits, -50, 50)))
        eps = 1e-12
        value = -np.mean(weights * (target * np.log(p + eps) + (1 - target) * np.log(1 - p + eps)))
        value += CONFIDENCE_L2 * 0.5 * float(w @ w)
        error = weights * (p - target)
        gradient = np.append(z.T @ error / len(y) + CONFIDENCE_L2 * w, np.mean(error))
        return float(value), gradient

    result = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B")
    return LinearModel(
        CONFIDENCE_FEATURES,
        tuple(round(float(v), 5) for v in result.x[:-1]),
        tuple(round(float(v), 5) for v in mean),
        tuple(round(float(v), 5) for v in scale),
        round(float(result.x[-1]), 5),
    )


def _thresholds(probabilities: Matrix, in_scope: Labels, correct: Labels) -> tuple[float, float]:
    """The confidence under which to decline, and the one from which to answer without a
    warning.

    Declining is right for an off-course question and costs nothing on a question the
    reader gets wrong anyway: the first threshold maximises the F1 of declining the
    off-course questions, declining at most ``MAX_WRONGLY_DECLINED`` of the questions the
    reader gets right. The second is the lowest from which answers are right
    ``SURE_ACCURACY`` of the time.
    """
    candidates = sorted({0.0, *probabilities.tolist()})
    scores: list[float] = []
    right = in_scope & correct
    for threshold in candidates:
        declined = probabilities < threshold
        if right.any() and float(declined[right].mean()) > MAX_WRONGLY_DECLINED:
            scores.append(-1.0)
            continue
        true_declines = float(np.sum(declined & ~in_scope))
        precision = true_declines / max(float(declined.sum()), 1.0)
        recall = true_declines / max(float((~in_scope).sum()), 1.0)
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    # The best threshold lies anywhere between the confidence it is set at and the one below:
    # halfway keeps it as far from both as it can be.
    best = int(np.argmax(scores))
    decline_below = (candidates[best] + candidates[best - 1]) / 2 if best else 0.0
    sure_from = 1.0
    for threshold in sorted(candidates, reverse=True):
        kept = probabilities >= max(threshold, decline_below)
        if kept.sum() and float(correct[kept].mean()) >= SURE_ACCURACY:
            sure_from = threshold
    return decline_below, max(sure_from, decline_below)


def _bagged_thresholds(
    probabilities: Matrix, in_scope: Labels, correct: Labels
) -> tuple[float, float]:
    """The mean of the thresholds fitted on resamples of the questions: a threshold fitted
    once follows whichever few questions lie near it, and the resamples' thresholds may fall
    in two groups, between which their median jumps."""
    rng = np.random.default_rng(THRESHOLD_SEED)
    found = []
    for _ in range(THRESHOLD_RESAMPLES):
        picked = rng.integers(0, len(probabilities), len(probabilities))
        found.append(_thresholds(probabilities[picked], in_scope[picked], correct[picked]))
    decline_below, sure_from = np.mean(np.asarray(found), axis=0)
    return float(decline_below), float(max(sure_from, decline_below))


def fit_confidence(
    signals: list[dict[str, float]],
    in_scope: list[bool],
    correct: list[bool],
    made_up: list[dict[str, float]],
) -> tuple[LinearModel, float, float]:
    """The confidence model, fitted on the questions and the ``made_up`` off-course ones
    (together as heavy as ``MADE_UP_WEIGHT`` of the real off-course questions); its
    thresholds, on the real questions alone."""
    x, extra = (
        np.array([[s[name] for name in CONFIDENCE_FEATURES] for s in rows], dtype=np.float64)
        for rows in (signals, made_up)
    )
    y = np.array(in_scope, dtype=bool)
    weight = MADE_UP_WEIGHT * float((~y).sum()) / max(len(made_up), 1)
    model = _logistic(
        np.vstack([x, extra.reshape(-1, len(CONFIDENCE_FEATURES))]),
        np.concatenate([y, np.zeros(len(made_up), dtype=bool)]),
        np.concatenate([np.ones(len(y)), np.full(len(made_up), weight)]),
    )
    probabilities = 1 / (1 + np.exp(-model.scores(x)))
    decline_below, sure_from = _bagged_thresholds(probabilities, y, np.array(correct, dtype=bool))
    # Six decimals: confidences a few 1e-5 apart are still told apart.
    return model, round(decline_below, 6), round(sure_from, 6)


# --------------------------------------------------------------------------- the whole model


def fit_model(
    kb: "KnowledgeBase",
    questions: list[Question],
    found: list[Candidates] | None = None,
    progress: Callable[[str], None] | None = None,
) -> QAModel:
    """Fit fusion, reader and confidence on ``questions`` (see the module's docstring)."""
    say = progress or log.info
    found = found or search_candidates(kb.searcher, questions)
    fusion = fit_fusion(kb, questions, found)
    say(f"fusion weights: {fusion}")
    training = examples(kb, questions, fusion)
    neutral_confidence = LinearModel.neutral(CONFIDENCE_FEATURES)
    # Follow-ups are read after the answers a first reader gives to their earlier turns.
    first = QAModel(fusion, fit_reader(training, READER_L2[2]), neutral_confidence, 0.0, 1.0)
    conversations = [q for q in questions if len(q.turns) > 1]
    followed = {e.question.id: e for e in examples(kb, conversations, fusion, first)}
    training = [followed.get(e.question.id, e) for e in training]
    inner = folds([e.question for e in training], INNER_FOLDS)
    best: tuple[float, float, list[Scored]] | None = None
    for l2 in READER_L2:
        held_out: list[Scored | None] = [None] * len(training)
        for fold in range(INNER_FOLDS):
            reader = fit_reader([e for e, f in zip(training, inner, strict=True) if f != fold], l2)
            model = QAModel(fusion, reader, neutral_confidence, 0.0, 1.0)
            for index, (example, f) in enumerate(zip(training, inner, strict=True)):
                if f == fold:
                    held_out[index] = example.reading.scored(model)
        scored = [s for s in held_out if s is not None]
        right = sum(
            s.best is not None and bool(e.positive[s.best])
            for e, s in zip(training, scored, strict=True)
        ) / max(len(training), 1)
        if best is None or right > best[0]:
            best = (right, l2, scored)
    assert best is not None
    _, l2, inner_scored = best
    say(f"reader: L2 {l2}, inner held-out accuracy {best[0]:.3f}")
    signals = [s.signals for s in inner_scored]
    in_scope = [True] * len(training)
    correct = [
        s.best is not None and bool(e.positive[s.best])
        for e, s in zip(training, inner_scored, strict=True)
    ]
    reader = fit_reader(training, l2)
    off_course = [q for q in questions if not q.in_scope]
    model = QAModel(fusion, reader, neutral_confidence, 0.0, 1.0)
    for question in off_course:
        history = _history(kb, question, model)
        off = kb.answerer.read(question.text, history, fusion).scored(model)
        signals.append(off.signals)
        in_scope.append(False)
        correct.append(False)
    asked = [q.text for q in questions if q.in_scope and len(q.turns) == 1]
    made_up = [
        kb.answerer.read(text, [], fusion).scored(model).signals
        for text in made_up_off_course(kb.answerer.linker, asked, MADE_UP_SEED)
    ]
    confidence, decline_below, sure_from = fit_confidence(signals, in_scope, correct, made_up)
    say(f"confidence: decline below {decline_below}, sure from {sure_from}")
    fitted_on: dict[str, Any] = {
        "questions": len(questions),
        "in_course": sum(q.in_scope for q in questions),
        "reader_examples": sum(bool(e.positive.any()) for e in training),
    }
    return QAModel(fusion, reader, confidence, decline_below, sure_from, fitted_on)


@dataclass
class CrossValidation:
    records: list[AnswerRecord]
    hybrid_ranks: list[int | None]
    reranked_ranks: list[int | None]  # hybrid, then ordered by the reader
    search_questions: list[Question]
    models: list[QAModel]


def cross_validate(
    kb: "KnowledgeBase",
    questions: list[Question],
    count: int = 5,
    progress: Callable[[str], None] | None = None,
    seed: int = 7,
) -> CrossValidation:
    """Fit on K−1 folds, answer the held-out fold; every figure comes from held-out folds.
    ``seed`` draws another split into folds."""
    say = progress or log.info
    assigned = folds(questions, count, seed)
    found = search_candidates(kb.searcher, questions)
    records: list[AnswerRecord] = []
    ranks: list[int | None] = []
    reranked: list[int | None] = []
    searched: list[Question] = []
    models = []
    for fold in range(count):
        train = [i for i, f in enumerate(assigned) if f != fold]
        held = [i for i, f in enumerate(assigned) if f == fold]
        say(f"fold {fold + 1}/{count}: fitting on {len(train)} questions")
        model = fit_model(
            kb, [questions[i] for i in train], [found[i] for i in train], progress=say
        )
        models.append(model)
        for index in held:
            records.append(answer_question(kb, questions[index], model))
        config = FusionConfig(
            kb.searcher.config.method,
            model.fusion.lexical_weight,
            model.fusion.entity_boost,
            model.fusion.fact_boost,
            kb.searcher.config.pool,
        )
        with_evidence = [i for i in held if questions[i].evidence]
        ranks += evidence_ranks(
            kb.searcher,
            [questions[i] for i in with_evidence],
            [found[i] for i in with_evidence],
            SearchMode.HYBRID,
            config,
        )
        for index in with_evidence:
            question = questions[index]
            assert question.evidence is not None
            ranked = kb.answerer.ranked_passages(question.retrieval_query, model)
            reranked.append(
                rank_of_evidence([i for i, _ in ranked], kb.searcher.passages, question.evidence)
            )
        searched += [questions[i] for i in with_evidence]
    return CrossValidation(records, ranks, reranked, searched, models)
