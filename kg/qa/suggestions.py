"""Follow-up questions drawn from what the graph knows around the answer's entities."""

from typing import TYPE_CHECKING

from kg.link import LinkedEntity
from kg.namespaces import RES, VKG
from kg.qa.analysis import Analysis
from kg.qa.facts import DEFINITION
from kg.qa.wording import noun, of

if TYPE_CHECKING:
    from kg.qa.answerer import QuestionAnswerer

MAX_SUGGESTIONS = 3

# (relation the entity must have, question): {x} is the entity's name, {the} the
# name with its article ("l'émulation"), {of} with "de" ("de l'émulation").
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "Product": [
        (str(VKG.virtualisationType), "Quel est le type de virtualisation {of} ?"),
        (str(VKG.licence), "Quelle est la licence {of} ?"),
        (str(VKG.installationMode), "Comment s'installe {x} ?"),
        (str(VKG.developer), "Qui développe {x} ?"),
        (str(VKG.maintainer), "Qui maintient {x} ?"),
        (str(VKG.forkOf), "De quel projet {x} est-il un fork ?"),
        (str(VKG.supportedArchitecture), "Quelles architectures {x} supporte-t-il ?"),
    ],
    "VirtualisationType": [
        (DEFINITION, "Qu'est-ce que {the} ?"),
        (str(VKG.advantage), "Quels sont les avantages {of} ?"),
        (str(VKG.drawback), "Quels sont les inconvénients {of} ?"),
        (str(VKG.virtualisationType), "Quelles solutions relèvent {of} ?"),
    ],
    "Licence": [
        (str(VKG.fullName), "Que signifie {x} ?"),
        (str(VKG.licence), "Quelles solutions sont sous licence {x} ?"),
    ],
    "Concept": [(DEFINITION, "Qu'est-ce que {the} ?")],
}


def suggest(answerer: "QuestionAnswerer", analysis: Analysis) -> list[str]:
    """Two or three questions about the answer's entities that the graph can answer."""
    asked = set(analysis.relations)
    suggestions: list[str] = []
    for entity in analysis.specific:
        for relation, template in TEMPLATES.get(entity.type, []):
            known = (entity.id, relation) in answerer.linker.stated_in
            question = template.format(x=entity.label, the=noun(entity), of=of(entity))
            if known and relation not in asked and question != analysis.question:
                suggestions.append(question)
            if len(suggestions) >= MAX_SUGGESTIONS:
                return suggestions
    return suggestions


def questions_about(
    answerer: "QuestionAnswerer", entities: list[LinkedEntity], relation: str | None = None
) -> list[str]:
    """For each entity, one question the graph answers about it (on ``relation`` when given)."""
    found: list[str] = []
    for entity in entities:
        for wanted, template in TEMPLATES.get(entity.type, []):
            if relation not in (None, wanted):
                continue
            if (entity.id, wanted) in answerer.linker.stated_in:
                found.append(template.format(x=entity.label, the=noun(entity), of=of(entity)))
                break
    return list(dict.fromkeys(found))


def example_questions(answerer: "QuestionAnswerer") -> list[str]:
    """Four questions for the empty chat screen, chosen from the graph: a definition, a
    licence (the product with the most sources for it), a comparison and a history question."""
    entities = sorted(answerer.linker.entities.values(), key=lambda e: e.label)
    stated = answerer.linker.stated_in
    defined = [
        e for e in entities if e.type == "VirtualisationType" and (e.id, DEFINITION) in stated
    ]
    licensed = [e for e in entities if e.type == "Product" and (e.id, str(VKG.licence)) in stated]
    examples: list[str] = []
    if defined:
        examples.append(f"Qu'est-ce que {noun(defined[-1])} ?")
    if licensed:
        # The product whose sources disagree the most shows how answers cite both.
        def disagreement(entity: LinkedEntity) -> int:
            rows = answerer.reader.queries.run(
                "attribute", entity=RES[entity.id], property=VKG.licence
            )
            return len({str(row["value"]) for row in rows})

        best = max(licensed, key=lambda e: (disagreement(e), e.label))
        examples.append(f"Quelle est la licence {of(best)} ?")
    if len(defined) >= 2:
        examples.append(
            f"Quelle est la différence entre {noun(defined[0])} et {noun(defined[-1])} ?"
        )
    actors: dict[str, int] = {}
    for row in answerer.reader.queries.run("events"):
        entity_id = str(row["entity"]).rsplit("/", 1)[-1]
        entity = answerer.linker.entities.get(entity_id)
        if entity is not None and entity.type == "Organisation":
            actors[entity_id] = actors.get(entity_id, 0) + 1
    if actors:
        actor = answerer.linker.entities[max(sorted(actors), key=actors.__getitem__)]
        examples.append(f"Quand {actor.label} a-t-il marqué l'histoire de la virtualisation ?")
    return examples
