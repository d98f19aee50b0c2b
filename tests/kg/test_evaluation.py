"""Evaluation and fitting: the metrics, the folds, and that held-out questions stay held out."""

import numpy as np
import pytest

from kg import evaluation, fitting
from kg.evaluation import AnswerRecord, Question, contains_all, folds, qa_scores
from kg.qa import Answer, Citation, Level
from kg.qa.candidates import FEATURES
from tests.conftest import RESOURCES


def _question(kind: str = "fact", answer: list[str] | None = None, turns: int = 1) -> Question:
    return Question("q", kind, ["Première ?", "Et ensuite ?"][-turns:], "la preuve", answer or [])


def _citation(sentence: str, text: str) -> Citation:
    return Citation(1, "p", "d", "Titre", 1, text, 1.0, sentence, 0, len(sentence))


def _answer(text: str, citations: list[Citation] | None = None, abstained: bool = False):
    return Answer(text, citations or [], [], [], 0.9, abstained, "other", Level.SURE)


def test_expected_phrases_compare_folded_and_accept_alternatives():
    assert contains_all("L'émulation est LENTE.", ["emulation", "lente|rapide"])
    assert contains_all("Il s’exécute", ["s'execute"])
    assert not contains_all("L'émulation", ["emulation", "rapide"])


def test_lead_is_the_text_before_the_first_citation_mark():
    question = _question(answer=["gpl"])
    assert AnswerRecord(question, _answer("Xen : GPL. [1]"), 0.0).lead_correct
    late = AnswerRecord(question, _answer("Xen. [1]\nLicence GPL. [2]"), 0.0)
    assert late.correct and not late.lead_correct


def test_citation_and_span_look_at_the_top_citations():
    question = _question(answer=["gpl"])
    cited = _citation("une autre phrase", "Le texte contient la preuve ici.")
    record = AnswerRecord(question, _answer("GPL [1]", [cited]), 0.0)
    assert record.cites_evidence and not record.highlights_evidence
    exact = _citation("Voici la preuve.", "Voici la preuve.")
    assert AnswerRecord(question, _answer("GPL [1]", [exact]), 0.0).highlights_evidence


def test_scores_count_declines_as_misses_and_measure_abstention():
    in_course = _question(answer=["gpl"])
    off_course = Question("o", evaluation.OUT_OF_SCOPE, ["Hors sujet ?"], None, [])
    records = [
        AnswerRecord(in_course, _answer("GPL [1]"), 0.001),
        AnswerRecord(in_course, _answer("Je ne sais pas", abstained=True), 0.001),
        AnswerRecord(off_course, _answer("Je ne sais pas", abstained=True), 0.001),
        AnswerRecord(off_course, _answer("Une réponse [1]"), 0.001),
    ]
    scores = qa_scores("test", records)
    assert scores["answer"] == 0.5 and scores["wrongly_declined"] == 0.5
    assert scores["abstention_f1"] == 0.5  # precision 1/2, recall 1/2
    follow_up = AnswerRecord(_question(answer=["gpl"], turns=2), _answer("GPL [1]"), 0.0)
    assert qa_scores("f", [follow_up])["follow_ups"] == "1/1"


def test_folds_spread_every_kind_over_every_fold():
    questions = [Question(str(i), kind, ["?"], None, []) for i in range(40) for kind in "ab"]
    assigned = folds(questions, 5)
    for kind in "ab":
        counts = np.bincount(
            [f for q, f in zip(questions, assigned, strict=True) if q.kind == kind]
        )
        assert counts.tolist() == [8] * 5
    assert folds(questions, 5) == assigned  # the same folds every time


def test_the_reader_fit_finds_the_feature_that_tells_right_answers(kb):
    """On synthetic candidates where only one feature tells the right one, the conditional
    logit puts its largest weight on that feature."""
    rng = np.random.default_rng(0)
    telling = FEATURES.index("relation")
    training = []
    for _ in range(60):
        matrix = rng.random((8, len(FEATURES)))
        right = int(rng.integers(8))
        matrix[:, telling] = 0.0
        matrix[right, telling] = 1.0
        positive = np.zeros(8, dtype=bool)
        positive[right] = True
        reading = type("R", (), {"matrix": matrix})()
        training.append(fitting.Example(_question(), reading, positive))  # type: ignore[arg-type]
    model = fitting.fit_reader(training, 0.01)
    weights = np.abs(np.asarray(model.weights))
    assert int(np.argmax(weights)) == telling


def test_thresholds_decline_off_course_questions_and_few_others():
    probabilities = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9, 0.95])
    in_scope = np.array([False, False, False, True, True, True, True, True])
    correct = np.array([False, False, False, True, True, True, True, True])
    decline_below, sure_from = fitting._thresholds(probabilities, in_scope, correct)
    assert 0.3 < decline_below <= 0.6 and sure_from >= decline_below


@pytest.mark.parametrize(
    ("declined", "answered"),
    # Confidences that round alike, or round past each other, are still told apart.
    [(0.3, 0.6), (0.52, 0.54), (0.05, 0.9), (0.7, 0.71), (0.47204, 0.58915), (0.30006, 0.30014)],
)
def test_the_decline_threshold_lies_halfway_between_what_it_separates(declined, answered):
    probabilities = np.array([declined - 0.02, declined, answered, answered + 0.02])
    in_scope = np.array([False, False, True, True])
    decline_below, _ = fitting._thresholds(probabilities, in_scope, in_scope)
    assert decline_below == pytest.approx((declined + answered) / 2)


def test_thresholds_over_resamples_are_reproducible_and_separate_the_two_kinds():
    rng = np.random.default_rng(1)
    off_course, in_course = rng.uniform(0.0, 0.3, 30), rng.uniform(0.6, 1.0, 150)
    probabilities = np.concatenate([off_course, in_course])
    in_scope = np.array([False] * 30 + [True] * 150)
    first = fitting._bagged_thresholds(probabilities, in_scope, in_scope)
    assert first == fitting._bagged_thresholds(probabilities, in_scope, in_scope)
    assert off_course.max() < first[0] < in_course.min() and first[1] >= first[0]


@pytest.fixture(scope="module")
def own_questions():
    """A few questions of our own, in the evaluation format."""
    return evaluation.load_questions(RESOURCES / "questions.own.jsonl")


def test_cross_validation_answers_each_question_with_a_model_fitted_without_it(
    kb, own_questions, monkeypatch
):
    fitted_on: list[set[str]] = []
    fit = fitting.fit_model

    def recording(kb_, questions, found=None, progress=None):
        fitted_on.append({q.id for q in questions})
        return fit(kb_, questions, found, progress)

    monkeypatch.setattr(fitting, "fit_model", recording)
    result = fitting.cross_validate(kb, own_questions, count=2)
    assert sorted(r.question.id for r in result.records) == sorted(q.id for q in own_questions)
    assigned = folds(own_questions, 2)
    for fold, seen in enumerate(fitted_on):
        held_out = {q.id for q, f in zip(own_questions, assigned, strict=True) if f == fold}
        assert held_out and not held_out & seen
    scores = qa_scores("own", result.records)
    assert scores["questions"] == len(own_questions)
