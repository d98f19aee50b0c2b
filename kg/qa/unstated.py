"""What a question can ask for that a course may state nowhere: an amount of some kind (a
price, a percentage, a quantity of memory, a ratio), a command to type, a company's
business (its acquisition, its share price). A course that never gives a price cannot tell
what a licence costs, whatever passage names the licence."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.text import normalise


@dataclass(frozen=True)
class Kind:
    name: str
    asked: re.Pattern[str]  # a question asking for one (normalised text)
    stated: re.Pattern[str]  # one, stated (normalised text)


PRICE = Kind(
    "price",
    re.compile(
        r"\bquel\w* (?:est |sont )?(?:le |la |les )?(?:prix|tarifs?)\b|\ba quel prix\b"
        r"|\bcombien (?:\w+ )?cout\w*|\bcout\w* combien\b|\btarifs?\b|[€$]"
    ),
    re.compile(r"\d ?(?:[€$]|euros?\b|dollars?\b)|[€$] ?\d"),
)
KINDS = (
    PRICE,
    Kind(
        "percentage",
        # Not « 100 % » nor « cent pour cent »: entirely.
        re.compile(r"(?<!100)(?<!100 )%|\bpourcentages?\b|(?<!\bcent )\bpour ?cent\b"),
        re.compile(r"\d ?(?:%|pour ?cent)"),
    ),
    Kind(
        "memory",
        re.compile(
            r"\bcombien (?:faut-il |il faut )?(?:de |d')?"
            r"(?:ram|memoire|go|mo|gb|mb|giga\w*|mega\w*)\b"
            r"|\b(?:ram|memoire) minimum\b|\b(?:minimum|quantite) de (?:ram|memoire)\b"
        ),
        re.compile(r"\d ?(?:[kmgt]o|[kmgt]i?b|octets?)\b"),
    ),
    Kind("ratio", re.compile(r"\bcombien de fois\b"), re.compile(r"\d+ fois\b")),
    Kind(
        "business",
        re.compile(
            r"\b(?:rachet\w*|rachat|acquisitions?|acquise? par|en bourse"
            r"|cours de (?:l'|son )?action|capitalisation|chiffre d'affaires)\b"
        ),
        re.compile(
            r"\b(?:rachet\w*|rachat|acquisitions?|acquise? par|en bourse|capitalisation"
            r"|chiffre d'affaires)\b"
        ),
    ),
    # The command to type for a task (« quelle commande pour créer… », « la commande virsh à
    # taper »), not a command the course names (« les jails rappellent quelle commande ? »,
    # « quelles commandes pour les utilisateurs ? »).
    Kind(
        "command",
        re.compile(
            r"\bcommandes?(?: [\w'-]+){0,2} (?:pour [a-z]+(?:er|ir|re)\b|a taper|taper|tape"
            r"|a executer|a lancer|exactes?)\b|\bligne de commande\b"
        ),
        re.compile(r"\b(?:sudo|apt-get|apt|yum|dnf) [a-z]|\s--[a-z]|(?:^|\s)\$ [a-z]"),
    ),
)


class StatedKinds:
    """The kinds of answer a course states somewhere."""

    def __init__(self, texts: Iterable[str]) -> None:
        folded = [normalise(text) for text in texts]
        self.stated = frozenset(k.name for k in KINDS if any(k.stated.search(t) for t in folded))

    def unstated_asked(self, question: str) -> list[str]:
        """The kinds of answer the question asks for that the course states nowhere."""
        folded = normalise(question)
        return [k.name for k in KINDS if k.name not in self.stated and k.asked.search(folded)]


def asks_price(question: str) -> bool:
    return bool(PRICE.asked.search(normalise(question)))
