"""Combining lexical and dense rankings into one."""

from kg.search.lexical import ScoredIndices

RRF_K = 60


def min_max(results: ScoredIndices) -> dict[int, float]:
    """Scores rescaled to [0, 1] within one result list (all 1.0 when they are equal)."""
    if not results:
        return {}
    scores = [score for _, score in results]
    low, high = min(scores), max(scores)
    span = high - low
    return {index: (score - low) / span if span else 1.0 for index, score in results}


def convex(lexical: ScoredIndices, dense: ScoredIndices, weight: float) -> dict[int, float]:
    """``weight`` × normalised lexical score + (1 − ``weight``) × normalised dense score.

    A passage missing from one list gets 0 for that part.
    """
    lex, den = min_max(lexical), min_max(dense)
    return {i: weight * lex.get(i, 0.0) + (1 - weight) * den.get(i, 0.0) for i in {*lex, *den}}


def reciprocal_rank(*rankings: ScoredIndices, k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: Σ 1 / (k + rank) over the rankings a passage appears in."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (index, _) in enumerate(ranking, start=1):
            fused[index] = fused.get(index, 0.0) + 1.0 / (k + rank)
    return fused
