"""Regression guard on the dev questions; the full figures come from `kg eval`."""

import pytest

from kg import evaluation
from kg.text import normalise


@pytest.fixture(scope="module")
def dev_questions():
    if not evaluation.DEV_SET.exists():
        pytest.skip(f"{evaluation.DEV_SET} is not beside the project")
    return evaluation.load_questions(evaluation.DEV_SET)


def test_hybrid_hit_at_5_on_the_dev_set_stays_above_0_90(kb, dev_questions):
    scores = {s.mode: s for s in evaluation.evaluate_retrieval(kb.searcher, "dev", dev_questions)}
    assert scores["hybrid"].hit_at_5 >= 0.90
    assert scores["hybrid"].mrr >= scores["lexical"].mrr
    assert scores["hybrid"].mrr >= scores["dense"].mrr


def test_extra_questions_have_evidence_in_the_deck(kb):
    questions = evaluation.load_questions(evaluation.EXTRA_SET)
    assert len(questions) >= 30
    for question in evaluation.retrieval_questions(questions):
        assert any(evaluation.contains(p, question.evidence) for p in kb.passages.values()), (
            question.id
        )


def test_follow_up_questions_search_with_their_earlier_turns():
    question = evaluation.Question(
        "q", "follow_up", ["Qu'est-ce que Xen ?", "Et sa licence ?"], "x", []
    )
    assert question.text == "Et sa licence ?"
    assert normalise(question.retrieval_query).startswith("qu'est-ce que xen")


def test_tuning_reports_the_best_weights_first(kb):
    questions = evaluation.load_questions(evaluation.EXTRA_SET)
    table = evaluation.tune_fusion(kb.searcher, questions)
    assert table[0]["mrr"] == max(row["mrr"] for row in table)
    assert {"lexical_weight", "entity_boost", "fact_boost"} <= set(table[0])


def test_question_answering_on_the_dev_set_stays_near_its_targets(kb, dev_questions):
    scores = evaluation.qa_scores("dev", evaluation.answer_all(kb, dev_questions))
    assert scores["answer_accuracy"] >= 0.85
    assert scores["citation_accuracy"] >= 0.9
    assert scores["graph_accuracy"] == 1.0
    assert scores["abstention_recall"] >= 0.66
    assert scores["wrongly_declined"] <= 0.05


def test_abstention_on_the_out_of_scope_set(kb):
    records = evaluation.answer_all(kb, evaluation.load_questions(evaluation.OUT_OF_SCOPE_SET))
    assert sum(r.answer.abstained for r in records) / len(records) >= 0.85
