"""Small text patterns shared by the extractors (names, enumerations, casing)."""

import re

# A proper name as the deck writes them: capitalised words, with an optional
# organisation head noun in lower case ("université de Cambridge") and an
# optional company suffix ("SWsoft, Inc.").
NAME = (
    r"(?:(?:[Uu]niversités?|[Ii]nstitut|[Ss]ociété)\s+(?:de\s+|d')?)?"
    r"[A-ZÀ-Þ][\w\-/]*(?:\s+(?:de\s+)?[A-ZÀ-Þ0-9][\w\-/]*)*(?:,\s*Inc\.?)?"
)
_ORGANISATION_WORDS = re.compile(
    r"\b(?:universit\w*|institut\w*|soci[ée]t[ée]|inc|corp\w*|microsystems|foundation|ltd|labs?)\b",
    re.IGNORECASE,
)
_CONNECTOR_END = re.compile(
    r"(?:[,–\-/]|\b(?:de|des|du|le|la|les|l'|un|une|et|ou|avec|pour|à|au|aux|en|sur|qui))$",
    re.IGNORECASE,
)
_ENUM_SPLIT = re.compile(r"\s*(?:,|\bet\b|\bou\b)\s*")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def looks_like_organisation(name: str) -> bool:
    return bool(_ORGANISATION_WORDS.search(name))


def capitalise(text: str) -> str:
    """Upper-case the first letter only ("université de Cambridge" → "Université de Cambridge")."""
    return text[:1].upper() + text[1:] if text else text


def sentence_case(label: str) -> str:
    """Lower-case all words but the first ("Système Hôte" → "Système hôte"), acronyms aside."""
    words = label.split()
    kept = [words[0]] if words else []
    kept += [w if w.isupper() and len(w) > 1 else w.lower() for w in words[1:]]
    return " ".join(kept)


def strip_parentheses(text: str) -> str:
    return " ".join(_PARENTHESES.sub(" ", text).split())


def parenthesised(text: str) -> list[str]:
    return [inner.strip() for inner in re.findall(r"\(([^)]*)\)", text) if inner.strip()]


def split_items(lines: list[str]) -> list[str]:
    """Split the lines of a table cell into items.

    A line starting with a capital opens a new item unless the previous line
    ends with a connector ("les", "de", "–", ","), which means the sentence
    goes on.
    """
    items: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if items and (line[0].islower() or _CONNECTOR_END.search(items[-1])):
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
    return [" ".join(item.split()).rstrip(" .") for item in items]


def enumeration(text: str) -> list[str]:
    """Items of an enumeration "A, B et C" / "A ou B" (parenthesised remarks dropped)."""
    text = strip_parentheses(text).replace("...", " ").replace("…", " ")
    return [item.strip(" .:;") for item in _ENUM_SPLIT.split(text) if item.strip(" .:;")]
