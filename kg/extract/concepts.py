"""Concepts and virtualisation types: terminology, definitions, categories, type slides."""

import re
from itertools import pairwise

from rdflib import Literal
from rdflib.namespace import SKOS

from kg.extract.context import ExtractionContext, Slide, label_key
from kg.extract.patterns import capitalise, parenthesised, sentence_case, strip_parentheses
from kg.namespaces import VKG
from kg.text import normalise

_ALSO_CALLED = re.compile(
    r"(?:encore|aussi|également) appelée?s? (?P<alt>[\w\s'’-]+?)\s*"
    r"(?:\((?P<abbr>[A-Z]{2,})\s*:\s*(?P<english>[^)]+)\))?\s*[.;]"
)
_DEFINES = re.compile(r"^(?:La |Le |L['’])(?P<term>[\w-]+) est (?:– [^–]+ – )?(?P<definition>.+)$")
_NAME_WITH_ALIAS = re.compile(r"^(?P<name>[^()]{2,40}?)\s*\((?P<alias>[^()]{2,60})\)$")
_CATEGORY_INTRO = "categories de virtualisation"
_DEFINITION_MIN_CHARS = 200


def _is_heading(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 4 and not line.endswith((".", ":", ";", ","))


def extract_terminology(ctx: ExtractionContext, slide: Slide) -> None:
    """A terminology slide alternates a term line and its definition."""
    for (term, _, _), (definition, start, end) in pairwise(slide.lines()):
        if not _is_heading(term) or _is_heading(definition):
            continue
        iri = ctx.entity(
            "concept", VKG.Concept, sentence_case(term), slide.passage, scheme=VKG.concepts
        )
        with ctx.reading(slide.passage, start, end):
            ctx.add(slide.passage, iri, SKOS.definition, Literal(definition, lang="fr"))
            for match in _ALSO_CALLED.finditer(definition):
                ctx.alt_label(iri, match["alt"], slide.passage)
                for alt in (match["abbr"], match["english"]):
                    if alt:
                        ctx.alt_label(iri, alt, slide.passage)


def extract_aliases(ctx: ExtractionContext, slide: Slide) -> None:
    """A line that is only a known name and, in parentheses, another name for the same
    thing (a diagram's « Hyperviseur (Moniteur des machines virtuelles) ») gives that name.

    What the parentheses hold must read as a name — several words, or a capitalised
    word or acronym — and name nothing else: « Xen (suite) » or « KVM (2/2) » do not."""
    for line, start, end in slide.lines():
        match = _NAME_WITH_ALIAS.match(line.strip())
        iri = ctx.find(match["name"]) if match else None
        if match and iri and _reads_as_a_name(match["alias"]) and ctx.find(match["alias"]) is None:
            with ctx.reading(slide.passage, start, end):
                ctx.alt_label(iri, match["alias"], slide.passage)


def _reads_as_a_name(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text)
    return bool(words) and (len(words) >= 2 or words[0][0].isupper())


def extract_definitions(ctx: ExtractionContext, slide: Slide) -> None:
    """A definitions slide opens with "La virtualisation est … <definition>"."""
    for sentence, start, end in slide.sentences():
        match = _DEFINES.match(sentence)
        if match:
            term = capitalise(match["term"])
            iri = ctx.entity("concept", VKG.Concept, term, slide.passage, scheme=VKG.concepts)
            with ctx.reading(slide.passage, start, end):
                ctx.add(slide.passage, iri, SKOS.definition, Literal(sentence, lang="fr"))
            return


def extract_categories(ctx: ExtractionContext, slide: Slide) -> None:
    """The bullet list of the categories of virtualisation gives the types and their names.

    "Isolateur ou Cloisonnement (Operating System level virtualization)" gives the
    French label Cloisonnement, with Isolateur and the English name as synonyms.
    """
    for line, start, end in slide.lines():
        if not line.startswith("- "):
            continue
        names = strip_parentheses(line[2:])
        names = re.sub(r"^(?:L['’]|La |Le )", "", names)
        choices = [capitalise(n.strip()) for n in re.split(r"\s+ou\s+", names) if n.strip()]
        label, synonyms = sentence_case(choices[-1]), choices[:-1]
        with ctx.reading(slide.passage, start + 2, end):
            ctx.entity(
                "type",
                VKG.VirtualisationType,
                label,
                slide.passage,
                alt_labels=[*synonyms, *parenthesised(line)],
                scheme=VKG.virtualisationTypes,
            )


def is_category_slide(slide: Slide) -> bool:
    return _CATEGORY_INTRO in normalise(slide.passage.text)


def extract_type_slide(ctx: ExtractionContext, slide: Slide) -> bool:
    """A slide titled with a type's name defines it (the first such slide gives the definition)."""
    iri = ctx.find(slide.passage.title, VKG.VirtualisationType)
    if iri is None:
        return False
    ctx.mention(iri, slide.passage)
    read = slide.sentences()
    if read and not ctx.has(iri, SKOS.definition):
        definition, start, end = "", read[0][1], read[0][2]
        for sentence, _, end in read:  # noqa: B007 (the last sentence read ends the span)
            definition = f"{definition} {sentence}".strip()
            if len(definition) >= _DEFINITION_MIN_CHARS:
                break
        with ctx.reading(slide.passage, start, end):
            ctx.add(slide.passage, iri, SKOS.definition, Literal(definition, lang="fr"))
    return True


def is_terminology_slide(slide: Slide) -> bool:
    return label_key(slide.passage.title).startswith("terminolog")


def is_definitions_slide(slide: Slide) -> bool:
    return label_key(slide.passage.title).startswith("definition")
