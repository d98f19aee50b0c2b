"""French wording of entity names inside answers and questions."""

from kg.link import LinkedEntity

_VOWELS = tuple("aeiouyhàâéèêëîïôûAEIOUYHÀÂÉÈÊËÎÏÔÛ")
# Common nouns take an article ("la paravirtualisation"); names do not ("Xen").
_COMMON_NOUN_TYPES = {"VirtualisationType", "Concept"}
_MASCULINE = {"système", "hyperviseur"}


def noun(entity: LinkedEntity) -> str:
    """ "l'émulation", "la paravirtualisation", "le système hôte", or the name itself."""
    if entity.type not in _COMMON_NOUN_TYPES:
        return entity.label
    label = entity.label[:1].lower() + entity.label[1:]
    if label.startswith(_VOWELS):
        return f"l'{label}"
    head = label.split()[0]
    article = "le" if head in _MASCULINE or head.endswith("ment") else "la"
    return f"{article} {label}"


def of(entity: LinkedEntity) -> str:
    """ "de l'émulation", "de la paravirtualisation", "d'OpenVZ", "de Xen"."""
    wording = noun(entity)
    if wording.startswith("le "):
        return f"du {wording[3:]}"
    if wording.startswith(_VOWELS) and not wording.startswith("l'"):
        return f"d'{wording}"
    return f"de {wording}"
