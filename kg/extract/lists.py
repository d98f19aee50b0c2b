"""Bullet lists about virtualisation itself: advantages, drawbacks, security, goals, practices."""

from rdflib import URIRef

from kg.extract.context import ExtractionContext, Slide, label_key
from kg.namespaces import VKG

# Title word of the slide → (entity kind, class, relation from "virtualisation").
LIST_KINDS: dict[str, tuple[str, URIRef, URIRef]] = {
    "avantage": ("advantage", VKG.Advantage, VKG.advantage),
    "inconvenient": ("drawback", VKG.Drawback, VKG.drawback),
    "securite": ("security", VKG.SecurityPoint, VKG.securityPoint),
    "pourquoi": ("goal", VKG.BusinessGoal, VKG.businessGoal),
    "conclusion": ("practice", VKG.BestPractice, VKG.bestPractice),
}
SUBJECT_LABEL = "Virtualisation"


def list_kind(slide: Slide) -> tuple[str, URIRef, URIRef] | None:
    words = label_key(slide.passage.title).split()
    for stem, kind in LIST_KINDS.items():
        if any(word.startswith(stem) for word in words):
            return kind
    return None


def extract_list(ctx: ExtractionContext, slide: Slide, kind: tuple[str, URIRef, URIRef]) -> None:
    name, cls, predicate = kind
    items = [(line, start, end) for line, start, end in slide.lines() if line.startswith("- ")]
    if not items:
        return
    subject = ctx.find(SUBJECT_LABEL, VKG.Concept) or ctx.entity(
        "concept", VKG.Concept, SUBJECT_LABEL, slide.passage, scheme=VKG.concepts
    )
    ctx.mention(subject, slide.passage)
    for line, start, end in items:
        with ctx.reading(slide.passage, start + 2, end):
            item = ctx.entity(name, cls, line[2:].strip(), slide.passage)
            ctx.add(slide.passage, subject, predicate, item)
