"""Measure retrieval on question sets (JSON lines; format in the design document).

For each question with an ``evidence`` phrase, the rank of the first passage
containing it gives hit@1, hit@5 and the mean reciprocal rank. Text is compared
after lower-casing, removing accents, turning ’ into ' and folding white space.
"""

import json
import statistics
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.config import PROJECT_ROOT
from kg.corpus import Passage
from kg.qa.analysis import Message
from kg.qa.answerer import Answer, contains_all
from kg.qa.confidence import ConfidenceModel, fit
from kg.search import Candidates, FusionConfig, Searcher, SearchMode
from kg.text import normalise

if TYPE_CHECKING:
    from kg.kb import KnowledgeBase

DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "questions.dev.jsonl"
EXTRA_SET = PROJECT_ROOT / "tests" / "resources" / "questions.extra.jsonl"
OUT_OF_SCOPE_SET = PROJECT_ROOT / "tests" / "resources" / "questions.oos.jsonl"
WEIGHT_GRID = [round(0.05 * i, 2) for i in range(21)]
BOOST_GRID = [0.0, 0.1, 0.2, 0.3, 0.5]
FACT_GRID = [0.0, 0.25, 0.5, 0.75, 1.0]


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


def contains(passage: Passage, phrase: str) -> bool:
    return normalise(phrase) in normalise(f"{passage.title}\n{passage.text}")


@dataclass(frozen=True)
class RetrievalScores:
    set: str
    mode: str
    questions: int
    hit_at_1: float
    hit_at_5: float
    mrr: float
    median_ms: float
    p95_ms: float


def _rank(ranked: list[int], passages: list[Passage], evidence: str) -> int | None:
    for position, index in enumerate(ranked, start=1):
        if contains(passages[index], evidence):
            return position
    return None


def _scores(
    name: str, mode: str, ranks: list[int | None], latencies: list[float]
) -> RetrievalScores:
    count = len(ranks)
    latencies_ms = sorted(1000 * t for t in latencies) or [0.0]
    return RetrievalScores(
        set=name,
        mode=mode,
        questions=count,
        hit_at_1=round(sum(r == 1 for r in ranks) / count, 3) if count else 0.0,
        hit_at_5=round(sum(r is not None and r <= 5 for r in ranks) / count, 3) if count else 0.0,
        mrr=round(sum(1 / r for r in ranks if r) / count, 3) if count else 0.0,
        median_ms=round(statistics.median(latencies_ms), 2),
        p95_ms=round(latencies_ms[min(len(latencies_ms) - 1, int(0.95 * len(latencies_ms)))], 2),
    )


def retrieval_questions(questions: Iterable[Question]) -> list[Question]:
    return [q for q in questions if q.evidence]


def evaluate_retrieval(
    searcher: Searcher, name: str, questions: list[Question]
) -> list[RetrievalScores]:
    """hit@1, hit@5, MRR and warm latency per mode on one question set."""
    usable = retrieval_questions(questions)
    for question in usable[:3]:  # warm-up: first calls pay for lazy initialisation
        searcher.search(question.retrieval_query, 5)
    results = []
    for mode in SearchMode:
        ranks: list[int | None] = []
        latencies: list[float] = []
        for question in usable:
            started = time.perf_counter()
            ranked = searcher.fuse(searcher.candidates(question.retrieval_query, mode), mode)
            latencies.append(time.perf_counter() - started)
            assert question.evidence is not None
            ranks.append(_rank([i for i, _ in ranked], searcher.passages, question.evidence))
        results.append(_scores(name, mode.value, ranks, latencies))
    return results


def tune_fusion(searcher: Searcher, questions: list[Question]) -> list[dict[str, Any]]:
    """Grid search of the hybrid weight and entity boost, best (MRR, hit@1) first."""
    usable = retrieval_questions(questions)
    found: list[tuple[Question, Candidates]] = [
        (q, searcher.candidates(q.retrieval_query, SearchMode.HYBRID)) for q in usable
    ]
    table = []
    for weight, boost, fact in product(WEIGHT_GRID, BOOST_GRID, FACT_GRID):
        config = FusionConfig(searcher.config.method, weight, boost, fact, searcher.config.pool)
        ranks = []
        for question, candidates in found:
            ranked = searcher.fuse(candidates, SearchMode.HYBRID, config)
            assert question.evidence is not None
            ranks.append(_rank([i for i, _ in ranked], searcher.passages, question.evidence))
        scores = _scores("tuning", "hybrid", ranks, [])
        table.append(
            {"lexical_weight": weight, "entity_boost": boost, "fact_boost": fact, **asdict(scores)}
        )
    table.sort(key=lambda row: (-row["mrr"], -row["hit_at_1"], abs(row["lexical_weight"] - 0.5)))
    return table


def format_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A markdown table of ``rows`` restricted to ``columns``."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- question answering


@dataclass(frozen=True)
class AnswerRecord:
    question: Question
    answer: Answer
    latency: float

    @property
    def correct(self) -> bool:
        if self.question.kind == "out_of_scope":
            return self.answer.abstained
        return not self.answer.abstained and contains_all(self.answer.answer, self.question.answer)

    @property
    def cites_evidence(self) -> bool:
        evidence = self.question.evidence
        return evidence is None or any(
            normalise(evidence) in normalise(f"{c.title}\n{c.text}") for c in self.answer.citations
        )


def answer_all(kb: "KnowledgeBase", questions: list[Question]) -> list[AnswerRecord]:
    """Ask every question, earlier turns first with their answers as the history."""
    records = []
    for question in questions:
        history: list[Message] = []
        for turn in question.turns[:-1]:
            previous = kb.ask(turn, history)
            history += [Message("user", turn), Message("assistant", previous.answer)]
        started = time.perf_counter()
        answer = kb.ask(question.text, history)
        records.append(AnswerRecord(question, answer, time.perf_counter() - started))
    return records


def _share(values: list[bool]) -> float | str:
    return round(sum(values) / len(values), 3) if values else "–"


def qa_scores(name: str, records: list[AnswerRecord]) -> dict[str, Any]:
    """Answer and citation accuracy, abstention precision/recall/F1, follow-ups, latency."""
    in_scope = [r for r in records if r.question.kind != "out_of_scope"]
    out_of_scope = [r for r in records if r.question.kind == "out_of_scope"]
    declined = [r for r in records if r.answer.abstained]
    true_declines = sum(r.question.kind == "out_of_scope" for r in declined)
    precision = true_declines / len(declined) if declined else 1.0
    recall = true_declines / len(out_of_scope) if out_of_scope else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    answered = [r for r in in_scope if not r.answer.abstained]
    latencies = sorted(1000 * r.latency for r in records) or [0.0]
    return {
        "set": name,
        "questions": len(records),
        "answer_accuracy": _share([r.correct for r in in_scope]),
        "citation_accuracy": _share([r.cites_evidence for r in answered]),
        "graph_accuracy": _share([r.correct for r in in_scope if r.question.kind == "graph"]),
        "follow_up_accuracy": _share([r.correct for r in in_scope if len(r.question.turns) > 1]),
        "abstention_precision": round(precision, 3),
        "abstention_recall": round(recall, 3),
        "abstention_f1": round(f1, 3),
        "wrongly_declined": _share([r.answer.abstained for r in in_scope]),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 2),
    }


def fit_confidence(kb: "KnowledgeBase", questions: list[Question]) -> ConfidenceModel:
    """Fit the abstention model on in-scope and out-of-scope questions."""
    records = answer_all(kb, questions)
    signals = [r.answer.signals for r in records if r.answer.signals is not None]
    labels = [r.question.kind != "out_of_scope" for r in records if r.answer.signals is not None]
    return fit(signals, labels)
