import pytest

from kg.qa.spelling import CourseSpelling
from kg.text import (
    FrenchAnalyser,
    er_verb_roots,
    is_finite_verb,
    is_ordinary_word,
    lookup_key,
    normalise,
    sentences,
    slugify,
    standard_spelling,
)


@pytest.fixture(scope="module")
def analyser():
    return FrenchAnalyser()


def test_normalise_folds_case_accents_apostrophes_and_space():
    assert normalise("  L’Hyperviseur  GÈRE\nles   systèmes ") == "l'hyperviseur gere les systemes"
    assert normalise("Œuvre") == "oeuvre"


def test_elisions_are_removed(analyser):
    assert analyser.tokens("l'hyperviseur") == analyser.tokens("hyperviseur")
    assert analyser.tokens("d’émulation") == analyser.tokens("émulation")
    assert analyser.tokens("qu'il s'exécute") == analyser.tokens("il exécute")


def test_a_word_written_with_an_apostrophe_stays_one_word(analyser):
    words = [word for _, word in analyser.words("Aujourd’hui, quelqu'un parle d'hyperviseur")]
    assert words == ["aujourdhui", "quelquun", "parle", "hyperviseur"]


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("hypervisor", "hyperviseur"),
        ("Emulators", "émulateurs"),
        ("paravirtualization", "paravirtualisation"),
        ("processor", "processeur"),
        ("security", "sécurité"),
    ],
)
def test_an_english_technical_word_meets_its_french_twin(analyser, english, french):
    assert analyser.tokens(english) == analyser.tokens(french)
    assert {lookup_key(lemma) for lemma in analyser.lemmas(english)} <= analyser.lemma_set(french)


@pytest.mark.parametrize("word", ["trésor", "tresor", "castor", "Victor", "Hector", "Windsor"])
def test_french_words_and_names_keep_their_spelling(analyser, word):
    assert [word for _, word in analyser.words(word)] == [word.lower()]
    assert analyser.tokens(word) == [analyser.stem(normalise(word))]


def test_accents_and_plurals_meet(analyser):
    assert analyser.tokens("Systèmes invités") == analyser.tokens("systeme invite")
    assert analyser.tokens("hyperviseurs") == analyser.tokens("hyperviseur")
    assert analyser.tokens("virtualisation matérielle") == analyser.tokens(
        "VIRTUALISATION MATERIELLE"
    )


def test_stop_words_are_dropped(analyser):
    assert analyser.tokens("Qu'est-ce que la paravirtualisation ?") == analyser.tokens(
        "paravirtualisation"
    )


@pytest.mark.parametrize("identifier", ["x86_64", "2.6.20", "z/vm", "cp/cms", "kvm-intel", "ia-64"])
def test_identifiers_are_kept_whole(analyser, identifier):
    assert identifier in analyser.tokens(f"Le noyau {identifier.upper()} existe")


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        ("pour tester/déboguer", ["tester", "déboguer"]),
        ("hébergé/natif", ["héberger", "natif"]),
        ("GNU/Linux", ["gnu", "linux"]),
        # A name with a short part stays whole.
        ("le z/VM", ["z/vm"]),
    ],
)
def test_words_joined_by_a_slash_are_read_as_words(analyser, text, lemmas):
    assert analyser.lemmas(text) == lemmas


def test_identifier_parts_are_searchable(analyser):
    terms = analyser.tokens("le module kvm-intel")
    assert "kvm" in terms and "intel" in terms


def test_sentences_keep_version_numbers_whole():
    text = "Intégré depuis la version 2.6.20. KVM est un fork de QEMU.\nUne ligne"
    assert sentences(text) == [
        "Intégré depuis la version 2.6.20.",
        "KVM est un fork de QEMU.",
        "Une ligne",
    ]


def test_slugify_is_stable_and_iri_safe():
    assert slugify("Système hôte") == "systeme-hote"
    assert slugify("CP/CMS") == "cp-cms"
    assert slugify("SWsoft, Inc.") == "swsoft-inc"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("c koi un hyperviseur", "c'est quoi un hyperviseur"),
        ("Pkoi utiliser Xen ?", "Pourquoi utiliser Xen ?"),
        ("kel licence pr qemu", "quel licence pour qemu"),
        ("C quoi la diff ?", "C'est quoi la différence ?"),
        ("ya combien de types ds le cours", "il y a combien de types dans le cours"),
        ("les perfs de qemu, kesako ?", "les performances de qemu, qu'est-ce que c'est ?"),
        # Unchanged: paths, file names and addresses.
        ("le fichier /dev/kvm et setup.exe", None),
        ("admin@local et admin.conf", None),
        ("cb d'archis supportées ?", "combien d'architectures supportées ?"),
        ("la 1ère version et le 2e mode", "la première version et le deuxième mode"),
        ("le 1er hyperviseur", "le premier hyperviseur"),
        ("Xen vient de quelle fac ?", "Xen vient de quelle université ?"),
        # Unchanged: numbers that are no ordinals (a kernel version, an architecture).
        ("le noyau 2.6.20 sur x86 ou 2e9", None),
        # Unchanged: the C language, acronyms in capitals, words that merely begin alike.
        ("un programme écrit en C pour Linux", None),
        ("le PB et le DS", None),
        ("les koalas et les diffusions", None),
    ],
)
def test_texting_spellings_are_written_out(typed, written):
    assert standard_spelling(typed) == (written or typed)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Xen, en fait, c'est libre ?", "Xen, c'est libre ?"),
        ("du coup QEMU émule quoi", "QEMU émule quoi"),
        ("c'est quoi un conteneur, en gros ?", "c'est quoi un conteneur ?"),
        ("Et l'hôte, il sert à quoi au juste ?", "Et l'hôte, il sert à quoi ?"),
        ("Du coup C compile quoi ?", "C compile quoi ?"),
        # Unchanged: the same words inside a clause, with their own meaning.
        ("Quel fait historique marque 1960 ?", None),
        ("un serveur trop gros pour la salle", None),
        ("Bochs en fait partie ?", None),
        ("tester en vrai ou en VM ?", None),
    ],
)
def test_discourse_fillers_are_left_out(typed, written):
    assert standard_spelling(typed) == (written or typed)


@pytest.mark.parametrize(
    "word", ["toujours", "souvent", "plutot", "deja", "tres", "concretement", "systemes", "sigle"]
)
def test_ordinary_words_are_known_with_or_without_accents(word):
    assert is_ordinary_word(word)


@pytest.mark.parametrize("word", ["kubernetes", "proxmox", "vsphere", "virsh", "kesako"])
def test_names_and_slang_are_not_ordinary_words(word):
    assert not is_ordinary_word(word)


COURSE = (
    "La paravirtualisation modifie le système invité. La virtualisation complète ne le "
    "modifie pas. Une virtualisation, deux virtualisations ; un hyperviseur ; le cloisonnement."
)


def course_spelling(*texts: str) -> CourseSpelling:
    return CourseSpelling(texts or [COURSE], FrenchAnalyser().lemma)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("la paravirt c'est quoi ?", "la paravirtualisation c'est quoi ?"),
        ("les limites de la virtu", "les limites de la virtualisation"),
        ("la virtu et l'hyperviseru", "la virtualisation et l'hyperviseur"),
        ("Virtu, c'est quoi ?", "Virtualisation, c'est quoi ?"),
        ("le cloisonement, la paravirtualisaton", "le cloisonnement, la paravirtualisation"),
        ("un hyperviseru", "un hyperviseur"),
        # Unchanged: ordinary words, names (capitals, identifiers), short beginnings.
        ("une virtuose de la modification", None),
        ("la Paravirt et Hyper-V", None),
        ("le rôle de virt-manager", None),
        ("la para et l'emu", None),
        ("la Paravirtualisaton et le Cloisonement", None),
        ("les hyperviseurs modifient", None),
        ("systemd et containerd", None),
        ("des machines virtualisées", None),
        ("le fichier /dev/paravirt", None),
    ],
)
def test_course_words_cut_short_or_mistyped_are_written_out(typed, written):
    assert course_spelling().correct(typed) == (written or typed)


def test_completions_come_from_the_course_text():
    other_course = "La virtuosité se travaille. La virtuosité demande du temps."
    assert course_spelling(other_course).correct("la virtu") == "la virtuosité"


def test_a_word_written_with_and_without_accents_counts_once_and_keeps_its_accents():
    course = "L'émulation simule. L'emulation simule. Une émulation. Un émulateur, un émulateur."
    assert course_spelling(course).correct("l'emul") == "l'émulation"


@pytest.mark.parametrize(
    "word", ["attendent", "propose", "distingue", "apportent", "permet", "espèrent", "fait"]
)
def test_conjugated_verbs_are_finite_verbs(word):
    assert is_finite_verb(word)


@pytest.mark.parametrize(
    "word",
    ["invité", "modifiée", "architectures", "premières", "virtualisation", "complète", "est"],
)
def test_participles_nouns_adjectives_and_auxiliaries_are_not(word):
    assert not is_finite_verb(word)


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("émulait", "émuler"),
        ("virtualisent", "virtualiser"),
        ("forkés", "fork"),
        ("isolée", "isoler"),
    ],
)
def test_a_verb_in_er_gives_its_infinitive_and_the_word_it_is_made_on(word, root):
    assert root in er_verb_roots(word)


@pytest.mark.parametrize("word", ["xen", "gpl", "kvm", "qemu"])
def test_a_short_word_gives_no_verb_root(word):
    assert er_verb_roots(word) == []
