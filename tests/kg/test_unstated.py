import pytest

from kg.qa.unstated import StatedKinds

STATING_NONE = ["Xen est un hyperviseur libre.", "La virtualisation réduit les coûts."]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Combien coûte une licence Xen ?", "price"),
        ("Xen, ça coûte combien ?", "price"),
        ("Quel est le tarif de Xen ?", "price"),
        ("Xen perd quel pourcentage de performance ?", "percentage"),
        ("Xen perd 10 % de performance ?", "percentage"),
        ("Combien de RAM pour Xen ?", "memory"),
        ("combien faut-il de RAM pour Xen ?", "memory"),
        ("Xen demande quelle mémoire minimum ?", "memory"),
        ("Xen est combien de fois plus rapide que QEMU ?", "ratio"),
        ("Quelle commande pour démarrer Xen ?", "command"),
        ("la commande xl à taper pour lancer une VM Xen ?", "command"),
        ("Xen en ligne de commande, ça se passe comment ?", "command"),
        ("la commande qu'on tape pour arrêter Xen ?", "command"),
        ("Qui a racheté l'université de Cambridge ?", "business"),
        ("Xen a été acquis par qui ?", "business"),
        ("Que vaut Xen en bourse ?", "business"),
    ],
)
def test_what_the_course_never_states_is_unstated(question, kind):
    assert StatedKinds(STATING_NONE).unstated_asked(question) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Une licence Xen coûte 300 € par serveur.",
        "Xen perd environ 5 % de performance.",
        "Xen demande 512 Mo de mémoire.",
        "Xen est 3 fois plus rapide que QEMU.",
        "Pour démarrer Xen : sudo xl create vm.cfg",
        "Xen a été racheté par Citrix.",
    ],
)
def test_a_course_stating_one_of_a_kind_may_answer(text):
    stated = StatedKinds([*STATING_NONE, text])
    questions = [
        "Combien coûte une licence Xen ?",
        "Xen perd quel pourcentage de performance ?",
        "Combien de mémoire pour Xen ?",
        "Xen est combien de fois plus rapide que QEMU ?",
        "Quelle commande pour démarrer Xen ?",
        "Qui a racheté Xen ?",
    ]
    assert sum(not stated.unstated_asked(q) for q in questions) == 1


@pytest.mark.parametrize(
    "question",
    [
        "Quels coûts la virtualisation réduit-elle ?",
        "Comment la mémoire est-elle virtualisée ?",
        "Combien de solutions libres le cours cite-t-il ?",
        "La paravirtualisation est-elle plus rapide que l'émulation ?",
        "Quelle commande Unix les jails imitent-elles ?",
        "OpenVZ fournit quelles commandes pour les utilisateurs ?",
        "L'émulation est-elle 100% logicielle ?",
        "La virtualisation fait-elle baisser le prix du matériel ?",
        "Quelles connaissances faut-il avoir acquises avant ce cours ?",
        "Quelles commandes OpenVZ fournit-il ?",
    ],
)
def test_a_question_asking_none_of_those_kinds_is_not_concerned(question):
    assert StatedKinds(STATING_NONE).unstated_asked(question) == []
