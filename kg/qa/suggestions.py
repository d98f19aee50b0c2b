"""Follow-up questions drawn from what the graph knows around the answer's entities."""

from typing import TYPE_CHECKING

from kg.namespaces import VKG
from kg.qa.analysis import DEFINITION, Analysis
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
    for entity in analysis.entities:
        for relation, template in TEMPLATES.get(entity.type, []):
            known = (entity.id, relation) in answerer.linker.stated_in
            question = template.format(x=entity.label, the=noun(entity), of=of(entity))
            if known and relation not in asked and question != analysis.question:
                suggestions.append(question)
            if len(suggestions) >= MAX_SUGGESTIONS:
                return suggestions
    return suggestions
