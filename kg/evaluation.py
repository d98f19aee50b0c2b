"""Measure search and question answering on question sets, honestly.

Question sets are JSON lines (format in the design document): a ``question``
(or the ``turns`` of a conversation), its ``kind``, an ``evidence`` phrase a
cited passage must hold and the ``answer`` phrases the answer must hold
(``a|b``: either). Text is compared after lower-casing, removing accents,
turning ’ into ' and folding white space.

Everything the system fits (fusion weights, reader weights, confidence model,
thresholds) is measured by K-fold cross-validation: fitted on K−1 folds, the
figures come from the held-out fold only (:func:`cross_validate`).
"""

import json
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.config import PROJECT_ROOT
from kg.corpus import Passage
from kg.qa import Answer, Message
from kg.qa.model import QAModel
from kg.search import RETRIEVAL_MODES, Candidates, FusionConfig, Searcher, SearchMode
from kg.text import normalise

if TYPE_CHECKING:
    from kg.kb import KnowledgeBase

SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"
DEV_SET = SHARED_EVAL / "questions.dev.jsonl"
MORE_SET = SHARED_EVAL / "questions.more.jsonl"
EXTRA_SET = PROJECT_ROOT / "tests" / "resources" / "questions.extra.jsonl"
OUT_OF_SCOPE_SET = PROJECT_ROOT / "tests" / "resources" / "questions.oos.jsonl"
OUT_OF_SCOPE = "out_of_scope"
TOP_CITATIONS = 3
_MARK = "["


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    turns: list[str]
    evidence: str | None
    answer: list[str]

    @property
    def text(self) -> str:
        return self.turns[-1]

    @property
    def in_scope(self) -> bool:
        return self.kind != OUT_OF_SCOPE

    @property
    def retrieval_query(self) -> str:
        """The question with the user's earlier turns (a follow-up needs them)."""
        return " ".join(self.turns)


def load_questions(path: Path) -> list[Question]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        turns = data.get("turns") or [data["question"]]
        questions.append(
            Question(
                id=str(data.get("id", f"{path.stem}-{number}")),
                kind=str(data.get("kind", "")),
                turns=[str(turn) for turn in turns],
                evidence=data.get("evidence"),
                answer=[str(a) for a in data.get("answer", [])],
            )
        )
    return questions


def default_questions() -> list[Question]:
    """The question sets everything is fitted and cross-validated on: dev and more."""
    return [q for path in (DEV_SET, MORE_SET) if path.exists() for q in load_questions(path)]


def contains_all(text: str, expected: list[str]) -> bool:
    """Whether a text holds every expected phrase ("a|b" accepts either)."""
    folded = normalise(text)
    return all(
        any(normalise(option) in folded for option in phrase.split("|")) for phrase in expected
    )


def contains(passage: Passage, phrase: str) -> bool:
    return normalise(phrase) in normalise(f"{passage.title}\n{passage.text}")


def folds(questions: list[Question], count: int, seed: int = 7) -> list[int]:
    """A fold number for each question, each kind spread evenly over the folds."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for index, question in enumerate(questions):
        by_kind[question.kind].append(index)
    assigned = [0] * len(questions)
    rng = random.Random(seed)
    offset = 0
    for kind in sorted(by_kind):
        indices = by_kind[kind]
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            assigned[index] = (position + offset) % count
        offset += len(indices)
    return assigned


# --------------------------------------------------------------------------- retrieval


def rank_of_evidence(ranked: Iterable[int], passages: list[Passage], evidence: str) -> int | None:
    for position, index in enumerate(ranked, start=1):
        if contains(passages[index], evidence):
            return position
    return None


def retrieval_scores(name: str, mode: str, ranks: list[int | None]) -> dict[str, Any]:
    count = len(ranks)
    return {
        "set": name,
        "mode": mode,
        "questions": count,
        "hit_at_1": round(sum(r == 1 for r in ranks) / count, 3) if count else 0.0,
        "hit_at_5": round(sum(r is not None and r <= 5 for r in ranks) / count, 3)
        if count
        else 0.0,
        "mrr": round(sum(1 / r for r in ranks if r) / count, 3) if count else 0.0,
    }


def search_candidates(searcher: Searcher, questions: list[Question]) -> list[Candidates]:
    """What each retriever finds for each question (independent of the fusion weights)."""
    return [searcher.candidates(q.retrieval_query, SearchMode.HYBRID) for q in questions]


def evidence_ranks(
    searcher: Searcher,
    questions: list[Question],
    found: list[Candidates],
    mode: SearchMode,
    config: FusionConfig | None = None,
) -> list[int | None]:
    ranks = []
    for question, candidates in zip(questions, found, strict=True):
        assert question.evidence is not None
        ranked = searcher.fuse(candidates, mode, config)
        ranks.append(rank_of_evidence([i for i, _ in ranked], searcher.passages, question.evidence))
    return ranks


def evaluate_retrieval(
    searcher: Searcher, name: str, questions: list[Question]
) -> list[dict[str, Any]]:
    """hit@1, hit@5 and MRR of each search mode with the searcher's own fusion weights
    (measured on the questions they were fitted on when these are the fitting questions)."""
    usable = [q for q in questions if q.evidence]
    found = search_candidates(searcher, usable)
    return [
        retrieval_scores(name, mode.value, evidence_ranks(searcher, usable, found, mode))
        for mode in RETRIEVAL_MODES
    ]


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class AnswerRecord:
    question: Question
    answer: Answer
    latency: float

    @property
    def correct(self) -> bool:
        if not self.question.in_scope:
            return self.answer.abstained
        return not self.answer.abstained and contains_all(self.answer.answer, self.question.answer)

    @property
    def lead_correct(self) -> bool:
        """The expected phrases are in the answer's first sentence, before its first [n]."""
        lead = self.answer.answer.split(_MARK, 1)[0]
        return self.correct and contains_all(lead, self.question.answer)

    @property
    def cites_evidence(self) -> bool:
        evidence = self.question.evidence
        return evidence is not None and any(
            normalise(evidence) in normalise(f"{c.title}\n{c.text}")
            for c in self.answer.citations[:TOP_CITATIONS]
        )

    @property
    def highlights_evidence(self) -> bool:
        """A top citation's highlighted sentence holds the evidence or the expected phrases."""
        evidence = normalise(self.question.evidence or "\0")
        return any(
            evidence in normalise(c.sentence) or contains_all(c.sentence, self.question.answer)
            for c in self.answer.citations[:TOP_CITATIONS]
        )


def answer_question(
    kb: "KnowledgeBase", question: Question, model: QAModel | None = None
) -> AnswerRecord:
    """Ask a question, its earlier turns first with their answers as the history."""
    history: list[Message] = []
    for turn in question.turns[:-1]:
        previous = kb.answerer.ask(turn, list(history), model)
        history += [Message("user", turn), Message("assistant", previous.answer)]
    started = time.perf_counter()
    answer = kb.answerer.ask(question.text, history, model)
    return AnswerRecord(question, answer, time.perf_counter() - started)


def _share(values: list[bool]) -> float | str:
    return round(sum(values) / len(values), 3) if values else "–"


def qa_scores(name: str, records: list[AnswerRecord]) -> dict[str, Any]:
    """Answer, lead, citation and span accuracy, abstention, follow-ups, length, latency.

    Answer, lead, citation and span count every in-scope question (a declined one
    is a miss); abstention F1 is that of declining the out-of-scope questions.
    """
    in_scope = [r for r in records if r.question.in_scope]
    out_of_scope = [r for r in records if not r.question.in_scope]
    declined = [r for r in records if r.answer.abstained]
    true_declines = sum(not r.question.in_scope for r in declined)
    precision = true_declines / len(declined) if declined else 1.0
    recall = true_declines / len(out_of_scope) if out_of_scope else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    follow_ups = [r for r in in_scope if len(r.question.turns) > 1]
    with_evidence = [r for r in in_scope if r.question.evidence]
    answered = [r for r in in_scope if not r.answer.abstained]
    latencies = sorted(1000 * r.latency for r in records) or [0.0]
    return {
        "set": name,
        "questions": len(records),
        "answer": _share([r.correct for r in in_scope]),
        "lead": _share([r.lead_correct for r in in_scope]),
        "citation": _share([r.cites_evidence for r in with_evidence]),
        "span": _share([r.highlights_evidence for r in with_evidence]),
        "abstention_f1": round(f1, 3) if out_of_scope else "–",
        "follow_ups": f"{sum(r.correct for r in follow_ups)}/{len(follow_ups)}",
        "wrongly_declined": _share([r.answer.abstained for r in in_scope]),
        "answer_chars": int(statistics.median([len(r.answer.answer) for r in answered]))
        if answered
        else 0,
        "median_ms": round(statistics.median(latencies), 2),
    }


def per_kind(records: list[AnswerRecord]) -> list[dict[str, Any]]:
    kinds: dict[str, list[AnswerRecord]] = defaultdict(list)
    for record in records:
        kinds[record.question.kind].append(record)
    rows = []
    for kind in sorted(kinds):
        group = kinds[kind]
        scores = qa_scores(kind, group)
        rows.append(
            {
                "kind": kind,
                "questions": len(group),
                "correct": _share([r.correct for r in group]),
                "lead": scores["lead"],
                "citation": scores["citation"],
                "span": scores["span"],
            }
        )
    return rows


def format_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """A markdown table of ``rows`` restricted to ``columns``."""
    if not rows:
        return ""
    columns = columns or list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)
