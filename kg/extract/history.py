"""Historical events: the dated sentences of the history slides and of product slides.

A sentence of a history slide with no date of its own belongs to the period of
the last dated sentence before it on the same slide.
"""

import re
from dataclasses import dataclass, replace

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from kg.extract.context import ExtractionContext, Slide, label_key
from kg.extract.patterns import NAME, enumeration
from kg.namespaces import VKG

_MONTHS = [
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
]
_DECADE = re.compile(
    r"(?:(?P<part>(?:première|deuxième|seconde) moitié|fin|débuts?)\s+(?:des|de l['’]))?\s*"
    r"(?P<kind>années|an)\s+(?P<number>\d{2,4})\b"
)
_DAY = re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{'|'.join(_MONTHS)}) (?P<year>\d{{4}})\b")
_YEAR = re.compile(r"\ben (?P<year>(?:19|20)\d{2})\b")

_PRODUCT_LIST = rf"{NAME}(?:\s*(?:,|\bet\b)\s*{NAME})*"
_CUES: tuple[tuple[re.Pattern[str], str, URIRef], ...] = (
    (re.compile(rf"[Ll]a société (?P<list>{NAME})"), "org", VKG.Organisation),
    (
        re.compile(rf"fabricants de processeurs(?: [\w-]+)? (?P<list>{NAME} et {NAME})"),
        "org",
        VKG.Organisation,
    ),
    (re.compile(rf"(?P<list>{NAME}) a publié"), "org", VKG.Organisation),
    (re.compile(r"mainframes (?P<list>[A-Z]{2,})\b"), "org", VKG.Organisation),
    (re.compile(r"\b(?P<list>[A-Z]{2,} [Ss]ystem/\d+)"), "platform", VKG.HardwarePlatform),
    (re.compile(rf"l['’]ordinateur (?P<list>{NAME})"), "platform", VKG.HardwarePlatform),
    (
        re.compile(rf"(?:ordinateurs|consoles) (?P<list>{_PRODUCT_LIST})"),
        "platform",
        VKG.HardwarePlatform,
    ),
    (
        re.compile(
            rf"logiciels (?:libres|propriétaires(?: mais gratuits)?) (?P<list>{_PRODUCT_LIST})"
        ),
        "product",
        VKG.Product,
    ),
    (re.compile(rf"hyperviseur (?:phare )?(?P<list>{NAME})"), "product", VKG.Product),
    (re.compile(rf"système d'exploitation (?P<list>{NAME})"), "os", VKG.OperatingSystem),
)
_REPLACED = re.compile(
    r"(?P<old>[A-Za-z][\w/]*) a été remplacée? par (?:le |la |l['’])?(?P<new>[a-zA-Z][\w/]*)"
)
_LABEL_CHARS = 80
_JOINED_PERIOD_GAP = 30
_ACTOR_CLASSES = (VKG.Organisation, VKG.Person)
_INVOLVED_CLASSES = (VKG.Product, VKG.OperatingSystem, VKG.HardwarePlatform)


@dataclass(frozen=True)
class Period:
    text: str
    start: int
    end: int
    day: str | None = None
    offset: int = 0  # where the period's text starts in its sentence
    source: tuple[int, int] | None = None  # its characters in the source file, once read


def _year(number: str) -> int:
    value = int(number)
    return value + 1900 if value < 100 else value


def find_period(sentence: str) -> Period | None:
    """The period a sentence speaks of ("la seconde moitié des années 1990" → 1995–1999)."""
    day = _DAY.search(sentence)
    if day:
        month = _MONTHS.index(day["month"]) + 1
        year = int(day["year"])
        iso = f"{year:04d}-{month:02d}-{int(day['day']):02d}"
        return Period(day.group(), year, year, iso, day.start())
    bounds: list[tuple[int, int, int, int]] = []
    for match in _DECADE.finditer(sentence):
        base = _year(match["number"])
        if match["kind"] == "an":
            start, end = base, base
        else:
            part = match["part"] or ""
            start = base + (
                5 if "moitié" in part and "première" not in part else 7 if part == "fin" else 0
            )
            end = base + (4 if "première" in part or "début" in part else 9)
        bounds.append((start, end, match.start(), match.end()))
    for match in _YEAR.finditer(sentence):
        year = int(match["year"])
        bounds.append((year, year, match.start("year"), match.end()))
    if not bounds:
        return None
    bounds.sort(key=lambda bound: bound[2])
    kept = bounds[:1]
    for bound in bounds[1:]:
        # "la fin des années 1990 et au début des années 2000" is one period.
        gap = sentence[kept[-1][3] : bound[2]]
        if len(gap) > _JOINED_PERIOD_GAP or " et " not in f" {gap} ":
            break
        kept.append(bound)
    text = sentence[kept[0][2] : kept[-1][3]].strip()
    return Period(
        text, min(b[0] for b in kept), max(b[1] for b in kept), offset=sentence.find(text)
    )


def is_history_slide(slide: Slide) -> bool:
    return label_key(slide.passage.title).startswith("historique")


def extract_history(ctx: ExtractionContext, slide: Slide, whole_slide: bool) -> None:
    """Events of one slide: every dated sentence, and on history slides the ones after it."""
    passage = slide.passage
    current: Period | None = None
    for sentence, start, end in slide.sentences():
        with ctx.reading(passage, start, end):
            current = _read_sentence(ctx, slide, sentence, start, current, whole_slide)


def _read_sentence(
    ctx: ExtractionContext,
    slide: Slide,
    sentence: str,
    start: int,
    current: "Period | None",
    whole_slide: bool,
) -> "Period | None":
    """The event a sentence tells, if dated; returns the period in force after it."""
    passage = slide.passage
    _successions(ctx, slide, sentence)
    period = find_period(sentence)
    if period is None and not whole_slide:
        return current
    if period is not None:
        at = start + period.offset
        period = replace(period, source=passage.source_span(at, at + len(period.text)))
    current = period or current
    created = _cue_entities(ctx, slide, sentence) if whole_slide else []
    if current is None:
        return current
    summary = sentence if len(sentence) <= _LABEL_CHARS else sentence[:_LABEL_CHARS] + "…"
    event = ctx.entity(
        "event",
        VKG.HistoricalEvent,
        f"{current.text} : {summary}",
        passage,
        key=f"{passage.id}-{start - (len(passage.text) - len(slide.body))}",
    )
    ctx.add(passage, event, DCTERMS.description, Literal(sentence, lang="fr"))
    # The period, and the years and date read from it, come from the period's own words
    # (which may be in an earlier sentence of the slide).
    assert current.source is not None
    with ctx.reading_source(*current.source):
        ctx.add(passage, event, VKG.period, Literal(current.text, lang="fr"))
        ctx.add(passage, event, VKG.startYear, Literal(str(current.start), datatype=XSD.gYear))
        ctx.add(passage, event, VKG.endYear, Literal(str(current.end), datatype=XSD.gYear))
        if current.day:
            ctx.add(passage, event, DCTERMS.date, Literal(current.day, datatype=XSD.date))
    for iri in {*created, *_known_entities(ctx, sentence)}:
        cls = ctx.entities[iri].cls
        if cls in _ACTOR_CLASSES:
            ctx.add(passage, event, VKG.actor, iri)
        elif cls in _INVOLVED_CLASSES:
            ctx.add(passage, event, VKG.involves, iri)
    return current


def _cue_entities(ctx: ExtractionContext, slide: Slide, sentence: str) -> list[URIRef]:
    created: list[URIRef] = []
    for pattern, kind, cls in _CUES:
        for match in pattern.finditer(sentence):
            for name in enumeration(match["list"]):
                existing = ctx.find(name)
                if existing is not None:
                    ctx.mention(existing, slide.passage)
                    created.append(existing)
                else:
                    created.append(ctx.entity(kind, cls, name, slide.passage))
    return created


def _successions(ctx: ExtractionContext, slide: Slide, sentence: str) -> None:
    """Successions ("CP/CMS a été remplacé par le z/VM"): both systems, and which came first."""
    for match in _REPLACED.finditer(sentence):
        old = ctx.find(match["old"]) or ctx.entity(
            "os", VKG.OperatingSystem, match["old"], slide.passage
        )
        cls = ctx.entities[old].cls
        new = ctx.find(match["new"]) or ctx.entity(
            ctx.entities[old].kind, cls, match["new"], slide.passage
        )
        ctx.add(slide.passage, old, DCTERMS.isReplacedBy, new)
        ctx.add(slide.passage, new, DCTERMS.replaces, old)


def _known_entities(ctx: ExtractionContext, sentence: str) -> list[URIRef]:
    """Entities named in the sentence, longest label first ("VMware Server" is not "VMware")."""
    labels = sorted(
        (
            (f" {label_key(label)} ", entity.iri)
            for entity in ctx.entities.values()
            if entity.cls in (*_ACTOR_CLASSES, *_INVOLVED_CLASSES)
            for label in {entity.label, *entity.labels}
            if len(label_key(label)) > 1
        ),
        key=lambda item: -len(item[0]),
    )
    text = f" {label_key(sentence)} "
    found: list[URIRef] = []
    for key, iri in labels:
        if key in text:
            found.append(iri)
            text = text.replace(key, " | ")
    return found
