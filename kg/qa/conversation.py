"""The turns of a conversation that are not questions about the course.

A greeting or a thank-you gets a short polite reply; an input that says nothing
(« x », « ??? ») is asked to be rephrased; a question that refers back to
something never named (« Et sa licence ? » first, or after a greeting) gets a
question back. These are read
from the form of the message (French social phrases, possessives, « et »
opening a follow-up), never from the course.
"""

import re
from enum import StrEnum

import simplemma

from kg.text import FRENCH_STOP_WORDS, FrenchAnalyser, normalise


class Reply(StrEnum):
    ANSWER = "answer"
    DECLINED = "declined"
    CLARIFICATION = "clarification"
    GREETING = "greeting"
    THANKS = "thanks"
    REPHRASE = "rephrase"


_GREETING = re.compile(
    r"^(?:bonjour|bonsoir|salut|coucou|hello|hi|hey|bonne (?:journee|soiree)|re)"
    r"(?: (?:a tous|tout le monde|l'assistant|virtukg))?[ !.,]*$"
)
_THANKS = re.compile(
    r"^(?:(?:ok|d'accord|super|parfait|top|genial),? )?(?:merci|thanks|thank you)"
    r"(?: (?:beaucoup|bien|infiniment|pour (?:tout|la reponse|ta reponse|votre reponse)))?"
    r"[ !.,]*(?:(?:au revoir|bonne (?:journee|soiree)|a bientot)[ !.]*)?$"
    r"|^(?:au revoir|a bientot|bye)[ !.]*$"
)
# A follow-up's marks: opening with « et », a possessive (« sa licence »), a demonstrative
# before a word that is not a function word (« ce sigle », not « ce sont » nor « ce que »).
_REFERS_BACK = re.compile(r"^et\b|\b(?:sa|son|ses|leur|leurs)\b")
_DEMONSTRATIVE = re.compile(r"\b(ce|cet|cette|ces) (\w+)")
_VERBS_AFTER_CE = frozenset({"pouvoir", "devoir", "sembler", "paraître"})
_MIN_WORD = 3
_SHORT = 3  # words that carry meaning, at most, in a follow-up that names nothing

GREETING_REPLY = (
    "Bonjour ! Je réponds à vos questions sur le cours de virtualisation, en citant les "
    "diapositives. Par exemple :"
)
THANKS_REPLY = "Avec plaisir ! Une autre question sur le cours ?"
REPHRASE_REPLY = (
    "Je n'ai pas compris la question. Pouvez-vous la reformuler en quelques mots ? Par exemple :"
)


def social_reply(message: str) -> Reply | None:
    """A greeting or a thank-you, if that is all the message is."""
    folded = normalise(message).replace("’", "'")
    if _GREETING.match(folded):
        return Reply.GREETING
    if _THANKS.match(folded):
        return Reply.THANKS
    return None


def says_nothing(message: str, analyser: FrenchAnalyser) -> bool:
    """Whether a message holds no word to search for (« x », « ??? », « et alors »)."""
    return not any(len(lemma) >= _MIN_WORD for lemma in analyser.lemmas(message))


def refers_back(message: str, analyser: FrenchAnalyser) -> bool:
    """Whether a short message speaks of something named earlier (« Et sa licence ? »): a
    longer one says what it is about even when a possessive appears in it."""
    if len(analyser.lemmas(message)) > _SHORT:
        return False
    folded = normalise(message).replace("’", "'")
    return bool(_REFERS_BACK.search(folded)) or any(
        word not in FRENCH_STOP_WORDS and not _is_verb_of_ce(determiner, word)
        for determiner, word in _DEMONSTRATIVE.findall(folded)
    )


def _is_verb_of_ce(determiner: str, word: str) -> bool:
    """« ce » as the subject of a verb (« ce pourrait être », « ce doit être »)."""
    return determiner == "ce" and simplemma.lemmatize(word, lang="fr") in _VERBS_AFTER_CE


def clarification(subject_kind: str | None) -> str:
    """The question back when a follow-up has nothing to follow: what it is about."""
    if subject_kind:
        head = subject_kind.split()[0]
        feminine = head.endswith(("ion", "ence", "ance", "ure", "té", "nne", "ité"))
        return f"De {'quelle' if feminine else 'quel'} {subject_kind} parlez-vous ? Par exemple :"
    return "De quoi parlez-vous ? Par exemple :"
