"""Hostile and random text never crashes the parser, the analyser or the assistant."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.corpus import parse_document
from kg.qa.analysis import analyse
from kg.text import FrenchAnalyser, sentence_spans

HOSTILE = st.one_of(
    st.text(max_size=3000),
    st.binary(max_size=500).map(lambda b: b.decode("latin-1")),
    st.sampled_from(
        [
            "<script>alert(1)</script> Qu'est-ce que Xen ?",
            "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
            "مرحبا ما هو KVM ؟ \u202eevil\u202c",
            "🐧🐧🐧 Linux ? 🚀",
            "\x00\x01\x02 licence",
            "x" * 20_000,
            "\n\n\n\n\n\n",
            "● ● ●\n\n\n\n●",
        ]
    ),
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@FAST
@given(HOSTILE)
def test_the_corpus_parser_survives_any_text(text):
    for passage in parse_document(text, "doc"):
        assert 0 <= passage.start <= passage.end <= len(text)
        for start, end in sentence_spans(passage.text):
            source_start, source_end = passage.source_span(start, end)
            assert 0 <= source_start <= source_end <= len(text)


@FAST
@given(HOSTILE)
def test_the_analyser_survives_any_text(text):
    terms = FrenchAnalyser().tokens(text)
    assert all(isinstance(t, str) and t for t in terms)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(HOSTILE)
def test_the_question_analysis_and_the_assistant_survive_any_text(kb, text):
    analyse(text, [], kb.linker)
    answer = kb.ask(text[:1000])
    assert isinstance(answer.answer, str)
    assert answer.abstained or answer.citations
