"""The licences slide: acronyms, full names, nature (permissive…) and authors."""

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.corpus import Passage
from kg.extract.context import ExtractionContext, Slide, label_key
from kg.extract.patterns import capitalise, enumeration
from kg.namespaces import VKG

_ACRONYM_LINE = re.compile(r"^(?P<acronym>[A-Z][A-Za-z0-9+]{1,10})\s*\((?P<full>[^)]+)\)\.?$")
_NATURE = re.compile(
    r"[Ll]es licences (?P<names>.+?) sont des licences (?P<nature>permissives?|copyleft)"
    r"(?:.*?respectivement par (?P<authors>[^.]+))?"
)
_NATURES: dict[str, URIRef] = {"permissive": VKG.Permissive, "copyleft": VKG.Copyleft}
_ARTICLE = re.compile(r"^(?:les |la |le |l['’])", re.IGNORECASE)


def is_licences_slide(slide: Slide) -> bool:
    return label_key(slide.passage.title).startswith("licence")


def extract_licences(ctx: ExtractionContext, slide: Slide) -> None:
    passage = slide.passage
    for line in (line for block in slide.raw_blocks() for line in block):
        match = _ACRONYM_LINE.match(line.text)
        if match:
            full_name = " ".join(match["full"].split())
            with ctx.reading_source(line.start, line.end):
                iri = ctx.entity("licence", VKG.Licence, match["acronym"], passage, [full_name])
                ctx.add(passage, iri, VKG.fullName, Literal(full_name))
    for sentence, start, end in slide.sentences():
        with ctx.reading(passage, start, end):
            _read_nature(ctx, passage, sentence)


def _read_nature(ctx: ExtractionContext, passage: Passage, sentence: str) -> None:
    """ "Les licences A et B sont des licences permissives écrites respectivement par …"."""
    match = _NATURE.search(sentence)
    if not match:
        return
    names = enumeration(match["names"])
    nature = _NATURES[match["nature"].rstrip("s")]
    licences = [ctx.entity("licence", VKG.Licence, name, passage) for name in names]
    for licence in licences:
        ctx.add(passage, licence, VKG.nature, nature)
    if match["authors"]:
        # "écrites respectivement par A et B": the last "et" separates the authors.
        authors = [a.strip() for a in match["authors"].rsplit(" et ", len(licences) - 1)]
        if len(authors) == len(licences):
            for licence, author in zip(licences, authors, strict=True):
                name = capitalise(_ARTICLE.sub("", author))
                org = ctx.entity("org", VKG.Organisation, name, passage)
                ctx.add(passage, licence, DCTERMS.creator, org)
