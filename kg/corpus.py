"""Split course documents (text exports of slide decks) into passages.

A deck export separates slides by three or more blank lines (or a form feed).
Each slide with content becomes one passage; a slide holding a single short
line ("Historique") is a section divider: it names the section of the slides
that follow and is not a passage itself.

Cleaning re-joins the lines broken by the export, keeps bullets as list items
and folds white space. Every piece of the cleaned text remembers where it was
read in the source file, so any span of a passage maps back to exact
character offsets in the source.
"""

import bisect
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.text import is_upper_title, slugify

log = logging.getLogger(__name__)

_SLIDE_BREAK = re.compile(r"\f|\n(?:[ \t]*\n){3,}")
_BULLET = re.compile(r"^[●•▪◦■►\*]\s*")
_WORD = re.compile(r"\S+")
_DIVIDER_MAX_CHARS = 60
_BULLET_PREFIX = "- "
_HEADING_MAX_WORDS = 4


class CorpusError(ValueError):
    """A source document cannot be read or holds no passage."""


@dataclass(frozen=True)
class Passage:
    """One slide of content: the unit that is indexed, cited and used as provenance.

    ``pieces`` maps the cleaned ``text`` back to the source file: each entry is
    ``(text_offset, source_offset, length)`` for a run of characters copied verbatim.
    """

    id: str
    document: str
    slide: int
    title: str
    section: str
    text: str
    start: int
    end: int
    pieces: tuple[tuple[int, int, int], ...] = field(repr=False, compare=False)

    def source_span(self, text_start: int, text_end: int) -> tuple[int, int]:
        """Source-file offsets of ``text[text_start:text_end]``.

        Separators added by cleaning (joining spaces, bullet marks) have no
        source position; the span is widened to the nearest copied characters.
        """
        if not 0 <= text_start < text_end <= len(self.text):
            raise ValueError(f"span {text_start}:{text_end} is outside the passage text")
        starts = [piece[0] for piece in self.pieces]
        first = max(bisect.bisect_right(starts, text_start) - 1, 0)
        t0, s0, n0 = self.pieces[first]
        source_start = s0 + min(max(text_start - t0, 0), n0)
        if text_start >= t0 + n0 and first + 1 < len(self.pieces):
            source_start = self.pieces[first + 1][1]
        last = max(bisect.bisect_right(starts, text_end - 1) - 1, 0)
        t1, s1, n1 = self.pieces[last]
        source_end = s1 + min(text_end - t1, n1)
        return source_start, max(source_end, source_start)

    def text_span(self, source_start: int, source_end: int) -> tuple[int, int]:
        """Offsets in ``text`` of the source characters ``source_start:source_end``.

        The inverse of :meth:`source_span`: characters the cleaning dropped (line
        breaks, bullet marks) are skipped, so the span covers the copied ones.
        """
        inside = [(t, s, n) for t, s, n in self.pieces if s + n > source_start and s < source_end]
        if not inside:
            raise ValueError(f"source span {source_start}:{source_end} is outside the passage")
        t0, s0, _ = inside[0]
        t1, s1, n1 = inside[-1]
        return t0 + max(source_start - s0, 0), t1 + min(source_end - s1, n1)


@dataclass(frozen=True)
class Document:
    """A source file and the passages read from it."""

    slug: str
    path: Path
    title: str
    sha256: str
    passages: tuple[Passage, ...]


@dataclass
class Corpus:
    """Every readable document of a corpus folder, and the files that could not be read."""

    documents: list[Document]
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def passages(self) -> list[Passage]:
        return [p for doc in self.documents for p in doc.passages]


@dataclass
class _Line:
    text: str
    start: int  # source offset of the first non-blank character


class _TextBuilder:
    """Accumulates cleaned text while recording where each word came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pieces: list[tuple[int, int, int]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def add_source(self, line: _Line) -> None:
        """Append a line's words, single-spaced, each mapped to its source offset."""
        for index, word in enumerate(_WORD.finditer(line.text)):
            if index:
                self.add(" ")
            self.pieces.append((self.length, line.start + word.start(), len(word.group())))
            self.add(word.group())

    def text(self) -> str:
        return "".join(self.parts)


def _lines(block: str, offset: int) -> list[_Line | None]:
    """Lines of a slide with their source offsets; ``None`` marks a blank line."""
    lines: list[_Line | None] = []
    position = 0
    for raw in block.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append(_Line(stripped, offset + position + raw.index(stripped[0])))
        else:
            lines.append(None)
        position += len(raw) + 1
    return lines


def is_heading(text: str) -> bool:
    """A short line of capitalised words with no closing punctuation ("Système Hôte")."""
    words = text.split()
    return (
        0 < len(words) <= _HEADING_MAX_WORDS
        and not text.endswith((".", ",", ";", ":", "-", "–", "/"))
        and all(word[0].isupper() or word[0].isdigit() for word in words)
    )


def _continues(previous: _Line, line: _Line, after_blank: bool) -> bool:
    """Whether ``line`` carries on the sentence of ``previous`` (a line broken by the export)."""
    if _BULLET.match(line.text):
        return False
    first = line.text[0]
    if is_heading(previous.text) and first.isupper():
        return False
    if after_blank:
        return first.islower() or (first.isdigit() and not previous.text.endswith((".", ":")))
    return True


def _clean(lines: list[_Line | None]) -> tuple[str, list[tuple[int, int, int]]]:
    """Re-join broken lines into paragraphs and list items, one per output line."""
    builder = _TextBuilder()
    previous: _Line | None = None
    after_blank = False
    for line in lines:
        if line is None:
            after_blank = previous is not None
            continue
        bullet = _BULLET.match(line.text)
        if bullet:
            line = _Line(line.text[bullet.end() :], line.start + bullet.end())
        if previous is not None and not bullet and _continues(previous, line, after_blank):
            hyphenated = previous.text.endswith("-") and not previous.text.endswith(" -")
            if not hyphenated:
                builder.add(" ")
        elif previous is not None:
            builder.add("\n")
        if bullet:
            builder.add(_BULLET_PREFIX)
        if line.text:
            builder.add_source(line)
        previous, after_blank = line, False
    return builder.text(), builder.pieces


def _title_lines(lines: list[_Line | None]) -> int:
    """Number of leading lines that form an upper-case slide title (0 when untitled)."""
    count = 0
    for line in lines:
        if line is None:
            break
        if not is_upper_title(line.text):
            return 0
        count += 1
    return count


def parse_document(text: str, slug: str) -> list[Passage]:
    """Split a deck export into passages, numbering slides from 1 in source order."""
    passages: list[Passage] = []
    section = ""
    cursor = 0
    blocks: list[tuple[int, str]] = []
    for match in _SLIDE_BREAK.finditer(text):
        blocks.append((cursor, text[cursor : match.start()]))
        cursor = match.end()
    blocks.append((cursor, text[cursor:]))
    slide = 0
    for offset, block in blocks:
        if not block.strip():
            continue
        slide += 1
        lines = _lines(block, offset)
        content = [line for line in lines if line is not None]
        if len(content) == 1 and len(content[0].text) <= _DIVIDER_MAX_CHARS:
            section = " ".join(content[0].text.split())
            continue
        while lines and lines[0] is None:
            lines.pop(0)
        title_count = _title_lines(lines)
        title_text = " ".join(line.text for line in lines[:title_count] if line)
        title = " ".join(title_text.split()) or section
        cleaned, pieces = _clean(lines[title_count:])
        if title_count:
            heading = _TextBuilder()
            for index, line in enumerate(lines[:title_count]):
                if index:
                    heading.add(" ")
                heading.add_source(line)  # type: ignore[arg-type]
            shift = heading.length + 1
            cleaned = heading.text() + "\n" + cleaned
            pieces = heading.pieces + [(t + shift, s, n) for t, s, n in pieces]
        passages.append(
            Passage(
                id=f"{slug}-s{slide:02d}",
                document=slug,
                slide=slide,
                title=title,
                section=section,
                text=cleaned,
                start=content[0].start,
                end=content[-1].start + len(content[-1].text),
                pieces=tuple(pieces),
            )
        )
    return passages


def read_document(path: Path) -> Document:
    """Read and split one UTF-8 text file; raise :class:`CorpusError` naming the file."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"{error.reason} at byte {error.start}"
        raise CorpusError(f"{path.name}: not UTF-8 text ({reason})") from error
    except OSError as error:
        raise CorpusError(f"{path.name}: cannot be read ({error.strerror})") from error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    slug = slugify(path.stem)
    passages = parse_document(text, slug)
    if not passages:
        raise CorpusError(f"{path.name}: holds no passage (empty or only section titles)")
    title = " ".join(path.stem.replace("_", " ").replace("-", " ").split()).capitalize()
    return Document(
        slug=slug,
        path=path,
        title=title,
        sha256=hashlib.sha256(raw).hexdigest(),
        passages=tuple(passages),
    )


def load_corpus(directory: Path) -> Corpus:
    """Read every ``*.txt`` document of a folder, in name order.

    A file that cannot be read is reported in ``Corpus.problems`` and the others
    are still loaded; a folder with no readable document raises :class:`CorpusError`.
    """
    paths = sorted(directory.glob("*.txt"))
    corpus = Corpus(documents=[])
    for path in paths:
        try:
            corpus.documents.append(read_document(path))
        except CorpusError as error:
            log.warning("skipping %s", error)
            corpus.problems[path.name] = str(error)
    if not corpus.documents:
        detail = "; ".join(corpus.problems.values()) or "no *.txt file"
        raise CorpusError(f"no readable document in {directory}: {detail}")
    slugs = [doc.slug for doc in corpus.documents]
    if len(set(slugs)) != len(slugs):
        raise CorpusError(f"two documents in {directory} have the same name once slugified")
    return corpus
