"""A product's own slide: who makes it, what it derives from, where and what it runs.

Each rule is a French phrasing the deck uses, tied to the relation it states.
The rules read every sentence of every slide titled with a product's name.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS, XSD

from kg.extract.context import ExtractionContext, Slide, label_key
from kg.extract.patterns import (
    NAME,
    capitalise,
    enumeration,
    looks_like_organisation,
    parenthesised,
    strip_parentheses,
)
from kg.namespaces import VKG
from kg.text import initials_spell


@dataclass(frozen=True)
class AgentRule:
    """A "<verbe> par <Nom>" phrasing: the product's relation to a person or an organisation."""

    pattern: re.Pattern[str]
    predicate: URIRef
    person_by_default: bool


AGENT_RULES = (
    AgentRule(
        re.compile(rf"développée? par (?:l['’]|la |le )?(?P<who>{NAME})"), VKG.developer, False
    ),
    AgentRule(re.compile(rf"maintenue? par (?P<who>{NAME})"), VKG.maintainer, True),
    AgentRule(re.compile(rf"lancée? (?:à l['’]origine )?par (?P<who>{NAME})"), VKG.founder, True),
    AgentRule(re.compile(rf"élaboration par (?P<who>{NAME})"), VKG.contributor, False),
)
_ABBREVIATED = re.compile(r"\(abrégée? (?P<short>[A-Z][A-Za-z0-9]+)")
# A product's expansion: « KVM (Kernel-based Virtual Machine) est… », « Wine est l'acronyme
# récursif de « Wine Is Not an Emulator » ».
_EXPANSION = re.compile(
    rf"^(?P<name>{NAME}) (?:\((?P<inside>[^)]+)\)"
    r"|est l['’]acronyme (?:[\w\-]+ )*?de «\s*(?P<quoted>[^»]+?)\s*»)"
)
_FORK = re.compile(rf"(?P<a>{NAME}) est un fork de (?P<b>{NAME})")
_BASE_OF = re.compile(
    rf"est la base de (?P<derived>{NAME})(?:, un produit [\w ]+? fourni par (?P<who>{NAME}))?"
)
_KERNEL = re.compile(
    r"(?:intégré|fusionné)\w* (?:dans|au) (?:le )?noyau.*?version (?P<v>\d+(?:\.\d+)+)"
)
_RELEASE = re.compile(
    rf"mise? à disposition en (?P<year>\d{{4}})(?: dans le cadre de (?P<system>{NAME}))?"
)
_LICENCE = re.compile(
    r"sous (?:la )?licence (?P<current>[\w ]+?)"
    r"(?:, après avoir été sous licence (?P<former>[^.]+))?[.,]"
)
_ARCHITECTURE_CUE = re.compile(r"\b(?:architectures?|plate-?formes?)\b", re.IGNORECASE)
_ARCHITECTURE = re.compile(r"^(?:[a-z]+\d[\w\-]*|[A-Z]{2,}[\w\-]*|[A-Z][a-z]+[A-Z][\w\-]*|IA-\d+)$")
# Processor extensions a product needs: « processeurs supportant les technologies VT d'Intel
# ou AMD-V (nom de projet: Pacifica) de AMD », « disposant des technologies Intel VT ou AMD
# SVM (AMD-V) ».
_EXTENSIONS = re.compile(r"\b(?:supportant les|disposant des) technologies (?P<list>[^.;]+)")
_MAKER_AFTER = re.compile(rf"^(?P<name>[\w\-]+) (?:d'|de )(?P<maker>{NAME})$")
_PROJECT_NAME = re.compile(r"^nom de (?:projet|code)\s*:\s*")
_SEPARATORS = {",", "et", "ou", "le", "la", "les", "(", ")", "...", "…"}
_ARCHITECTURE_WINDOW = 6

# Guest and host operating systems: a cue, and the enumeration that follows it
# (or, for "… peuvent fonctionner sur <produit>", the one that precedes it).
_SYSTEM_NAME = r"(?:[A-Z][\w\-]*)(?: (?:[A-Z][\w\-]*|\d+|X))*"
_SYSTEM_LIST = rf"{_SYSTEM_NAME}(?: \([^)]*\))?(?:(?:, | et | ou ){_SYSTEM_NAME}(?: \([^)]*\))?)*"
SYSTEM_RULES: tuple[tuple[re.Pattern[str], URIRef], ...] = (
    (
        re.compile(
            rf"systèmes d'exploitation comme des invités ?: ?(?:gamme )?(?P<list>{_SYSTEM_LIST})"
        ),
        VKG.guestSystem,
    ),
    (re.compile(rf"systèmes d'exploitation invités (?P<list>{_SYSTEM_LIST})"), VKG.guestSystem),
    (re.compile(rf"machines virtuelles (?P<list>{_SYSTEM_LIST}) invitées"), VKG.guestSystem),
    (re.compile(rf"systèmes non modifiés comme (?P<list>{_SYSTEM_LIST})"), VKG.guestSystem),
    (re.compile(rf"^(?P<list>{_SYSTEM_LIST}) peuvent [\w\-' ]*fonctionner sur"), VKG.guestSystem),
    (re.compile(rf"sur des plateformes (?P<list>{_SYSTEM_LIST})"), VKG.hostSystem),
    (re.compile(rf"s'installe \w+ sur les systèmes (?P<list>{_SYSTEM_LIST})"), VKG.hostSystem),
    (re.compile(rf"système hôte (?P<list>{_SYSTEM_LIST})"), VKG.hostSystem),
    (re.compile(rf"utiliser sous (?P<list>{_SYSTEM_LIST})"), VKG.hostSystem),
    (re.compile(rf"invité et hôte doivent être de type (?P<list>{_SYSTEM_LIST})"), VKG.guestSystem),
    (re.compile(rf"invité et hôte doivent être de type (?P<list>{_SYSTEM_LIST})"), VKG.hostSystem),
)


def product_of_slide(ctx: ExtractionContext, slide: Slide) -> URIRef | None:
    return ctx.find(slide.passage.title, VKG.Product)


def extract_product_slide(ctx: ExtractionContext, slide: Slide, product: URIRef) -> None:
    ctx.mention(product, slide.passage)
    for sentence, start, end in slide.sentences():
        with ctx.reading(slide.passage, start, end):
            _definition(ctx, slide, product, sentence)
            for extract in _SENTENCE_RULES:
                extract(ctx, slide, product, sentence)


def _definition(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    """The first "<product> est un/une …" sentence defines the product; "(abrégé X" names it."""
    names = _names_of(ctx, product)
    for match in _ABBREVIATED.finditer(sentence):
        ctx.alt_label(product, match["short"], slide.passage)
    subject, verb, _ = sentence.partition(" est ")
    # The subject names the product, maybe by two of its names (« User Mode Linux ou UML »).
    named = all(label_key(name) in names for name in re.split(r"\s+ou\s+", subject))
    if verb and named and not ctx.has(product, SKOS.definition):
        ctx.add(slide.passage, product, SKOS.definition, Literal(sentence, lang="fr"))


def _expansion(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    """What the product's name stands for, said by a sentence whose subject is that name and
    whose words' initials spell it."""
    match = _EXPANSION.match(sentence)
    if match is None:
        return
    name, full = match["name"], " ".join((match["inside"] or match["quoted"]).split())
    if label_key(name) in _names_of(ctx, product) and initials_spell(name, full):
        ctx.add(slide.passage, product, VKG.fullName, Literal(full))


def _names_of(ctx: ExtractionContext, product: URIRef) -> set[str]:
    return {label_key(n) for n in {ctx.entities[product].label, *ctx.entities[product].labels}}


def _agents(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    for rule in AGENT_RULES:
        for match in rule.pattern.finditer(sentence):
            _link_agent(ctx, slide, product, rule.predicate, match["who"], rule.person_by_default)


def _link_agent(
    ctx: ExtractionContext,
    slide: Slide,
    subject: URIRef,
    predicate: URIRef,
    name: str,
    person_by_default: bool,
) -> None:
    name = capitalise(name.strip())
    is_person = person_by_default and not looks_like_organisation(name)
    kind, cls = ("person", VKG.Person) if is_person else ("org", VKG.Organisation)
    ctx.add(slide.passage, subject, predicate, ctx.entity(kind, cls, name, slide.passage))


def _derivations(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    passage = slide.passage
    for match in _FORK.finditer(sentence):
        fork = ctx.find(match["a"], VKG.Product) or product
        origin = ctx.entity("product", VKG.Product, match["b"], passage)
        ctx.add(passage, fork, VKG.forkOf, origin)
        ctx.add(passage, fork, VKG.basedOn, origin)
    for match in _BASE_OF.finditer(sentence):
        derived = ctx.entity("product", VKG.Product, match["derived"], passage)
        ctx.add(passage, derived, VKG.basedOn, product)
        if match["who"]:
            _link_agent(ctx, slide, derived, VKG.provider, match["who"], False)


def _versions(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    passage = slide.passage
    for match in _KERNEL.finditer(sentence):
        ctx.add(passage, product, VKG.kernelVersion, Literal(match["v"]))
    for match in _RELEASE.finditer(sentence):
        ctx.add(passage, product, VKG.releaseYear, Literal(match["year"], datatype=XSD.gYear))
        if match["system"]:
            system = ctx.entity("os", VKG.OperatingSystem, match["system"], passage)
            ctx.add(passage, product, VKG.releasedWith, system)


def _licences(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    passage = slide.passage
    for match in _LICENCE.finditer(sentence):
        current = _licence(ctx, slide, match["current"])
        if current is not None:
            ctx.add(passage, product, VKG.licence, current)
        for name in enumeration((match["former"] or "").replace("puis", ",")):
            former = _licence(ctx, slide, name)
            if former is not None:
                ctx.add(passage, product, VKG.formerLicence, former)


def _licence(ctx: ExtractionContext, slide: Slide, phrase: str) -> URIRef | None:
    """A known licence named in the phrase ("Open Source GPL" → GPL), else a new one."""
    words = phrase.split()
    for word in reversed(words):
        known = ctx.find(word, VKG.Licence)
        if known is not None:
            ctx.mention(known, slide.passage)
            return known
    if len(words) == 1 and words[0][:1].isupper():
        return ctx.entity("licence", VKG.Licence, words[0], slide.passage)
    return None


def _architectures(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    """Enumerations of processor architectures after "architectures" or "plate-forme"."""
    tokens = re.findall(r"\.\.\.|…|[\w\-]+|[(),]", sentence)
    for index, token in enumerate(tokens):
        if not _ARCHITECTURE_CUE.fullmatch(token):
            continue
        found: list[str] = []
        skipped = 0
        previous = ""
        for candidate in tokens[index + 1 :]:
            in_list = bool(found) and previous == "," and candidate[:1].isupper()
            if ctx.find(candidate, VKG.OperatingSystem) is not None:
                break
            if _ARCHITECTURE.match(candidate) or in_list:
                found.append(candidate)
            elif candidate in _SEPARATORS:
                pass
            elif not found and skipped < _ARCHITECTURE_WINDOW:
                skipped += 1
            else:
                break
            previous = candidate
        for name in found:
            arch = ctx.entity("arch", VKG.ProcessorArchitecture, name, slide.passage)
            ctx.add(slide.passage, product, VKG.supportedArchitecture, arch)


def _extensions(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    """The processor extensions after « supportant/disposant des technologies »: each with
    its maker first (« VT d'Intel » is Intel VT) and its other names in brackets."""
    for match in _EXTENSIONS.finditer(sentence):
        for item in re.split(r"\s*(?:,|\bou\b|\bet\b)\s*(?![^(]*\))", match["list"]):
            names = [_PROJECT_NAME.sub("", inner) for inner in parenthesised(item)]
            main = strip_parentheses(item)
            maker = _MAKER_AFTER.match(main)
            if maker is not None:
                name, by = maker["name"], maker["maker"]
                main = name if name.startswith(by) else f"{by} {name}"
            known = next(
                (iri for n in [main, *names] if (iri := ctx.find(n, VKG.HardwareExtension))),
                None,
            )
            label = ctx.entities[known].label if known is not None else main
            extension = ctx.entity(
                "extension", VKG.HardwareExtension, label, slide.passage, [main, *names]
            )
            ctx.add(slide.passage, product, VKG.requiredExtension, extension)


def _systems(ctx: ExtractionContext, slide: Slide, product: URIRef, sentence: str) -> None:
    for pattern, predicate in SYSTEM_RULES:
        for match in pattern.finditer(sentence):
            for name in enumeration(match["list"]):
                system = ctx.entity("os", VKG.OperatingSystem, name, slide.passage)
                ctx.add(slide.passage, product, predicate, system)


_SENTENCE_RULES: tuple[Callable[[ExtractionContext, Slide, URIRef, str], None], ...] = (
    _expansion,
    _agents,
    _derivations,
    _versions,
    _licences,
    _systems,
    _architectures,
    _extensions,
)
