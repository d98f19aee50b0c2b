import re
from pathlib import Path

import pytest

from kg.corpus import CorpusError, load_corpus, parse_document
from kg.text import sentence_spans


def _source_chars(source: str) -> str:
    """The characters of a source slice that cleaning keeps: no white space, no bullet marks."""
    return re.sub(r"[\s●]", "", source)


def _text_chars(text: str) -> str:
    """The same for cleaned text, whose list items start with "- "."""
    return re.sub(r"\s", "", re.sub(r"(?m)^- ", "", text))


@pytest.fixture(scope="module")
def passages(deck_text):
    return parse_document(deck_text, "virtualisation")


def test_one_passage_per_content_slide(passages):
    assert len(passages) == 40
    assert passages[0].id == "virtualisation-s01"
    assert passages[-1].id == "virtualisation-s49"
    ids = [p.id for p in passages]
    assert len(set(ids)) == len(ids)
    assert [p.slide for p in passages] == sorted(p.slide for p in passages)


def test_section_dividers_are_titles_not_passages(passages):
    titles = {p.title for p in passages}
    assert "Historique" not in titles
    assert not any(
        p.text.strip() in {"Historique", "Conclusion", "Questions ? / Réponses"} for p in passages
    )
    history = [p for p in passages if p.title == "HISTORIQUE"]
    assert len(history) == 4
    assert {p.section for p in history} == {"Historique"}


def test_titles_span_wrapped_lines(passages):
    summary = [p for p in passages if p.title.startswith("RECAPITULATIF")]
    assert [p.title for p in summary] == ["RECAPITULATIF DES TYPES DE VIRTUALISATION"] * 2


def test_untitled_slide_takes_its_section_name(passages):
    categories = next(p for p in passages if "plusieurs catégories" in p.text)
    assert categories.title == "Défnitions & Concepts"


def test_lines_are_rejoined_and_bullets_kept(passages):
    first = passages[0]
    assert "la machine physique qui héberge les machines virtuelles." in first.text
    advantages = next(p for p in passages if p.title == "AVANTAGES DE LA VIRTUALISATION")
    items = [line for line in advantages.text.split("\n") if line.startswith("- ")]
    assert len(items) == 12
    assert "- Haute disponibilité grâce à la Live Migration et aux clichés instantannés" in items
    assert "  " not in advantages.text


def test_offsets_slice_the_source_back_to_the_passage(passages, deck_text):
    for passage in passages:
        source = deck_text[passage.start : passage.end]
        assert _source_chars(source) == _text_chars(passage.text), passage.id


def test_sentence_offsets_map_to_the_source(passages, deck_text):
    for passage in passages:
        for start, end in sentence_spans(passage.text):
            source_start, source_end = passage.source_span(start, end)
            sentence = passage.text[start:end]
            assert _source_chars(deck_text[source_start:source_end]) == _text_chars(sentence)


def test_source_span_of_a_phrase(passages, deck_text):
    kvm = next(p for p in passages if p.title == "KVM")
    phrase = "KVM est un fork de QEMU."
    start = kvm.text.index(phrase)
    source_start, source_end = kvm.source_span(start, start + len(phrase))
    assert deck_text[source_start:source_end] == phrase


def test_several_documents_load(tmp_path: Path, deck_text):
    (tmp_path / "a.txt").write_text(deck_text, encoding="utf-8")
    (tmp_path / "b-cours.txt").write_text(
        "INTRODUCTION\n\nLe cours commence ici.\n", encoding="utf-8"
    )
    corpus = load_corpus(tmp_path)
    assert [d.slug for d in corpus.documents] == ["a", "b-cours"]
    assert corpus.documents[1].passages[0].id == "b-cours-s01"
    assert len(corpus.passages) == 41


def test_unreadable_documents_are_reported_and_skipped(tmp_path: Path, deck_text):
    (tmp_path / "good.txt").write_text(deck_text, encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Système hôte\n\nUn texte accentué.".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.slug for d in corpus.documents] == ["good"]
    assert "latin1.txt: not UTF-8" in corpus.problems["latin1.txt"]
    assert "empty.txt: holds no passage" in corpus.problems["empty.txt"]


def test_a_folder_without_documents_is_an_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="no readable document"):
        load_corpus(tmp_path)
