"""The graph read from the real deck holds the course's facts, each with its source."""

import pytest

from kg.namespaces import RES

TABLE = {
    # product: (types, installation mode, licences) as the solutions table gives them
    "Bochs": ({"Émulation"}, "Hébergé", {"LGPL"}),
    "QEMU": ({"Émulation"}, "Hébergé", {"LGPL", "GPL"}),
    "User Mode Linux": ({"Paravirtualisation"}, "Hébergé", {"GPL"}),
    "LGuest": ({"Paravirtualisation"}, "Bare Metal", {"GPL"}),
    "OpenVZ": ({"Cloisonnement"}, "Bare Metal", {"GPL"}),
    "Linux VServer": ({"Cloisonnement"}, "Bare Metal", {"GPL"}),
    "Xen": ({"Virtualisation complète", "Paravirtualisation"}, "Bare Metal", {"GPL"}),
    "KVM": ({"Virtualisation complète"}, "Bare Metal", {"GPL"}),
    "Solaris Containers": ({"Cloisonnement"}, "Hébergé", {"CDDL"}),
    "BSD Jails": ({"Cloisonnement"}, "Hébergé", {"BSD"}),
    "Wine": ({"Virtualisation des bibliothèques"}, "Couche applicative", {"GPL"}),
    "Java Virtual Machine": (
        {"Virtualisation au niveau applicatif"},
        "Couche applicative",
        {"GPL"},
    ),
}

TABLE_QUERY = """
SELECT ?name ?type ?mode ?licence WHERE {
  GRAPH ?table {
    ?p vkg:listedIn ?table ; vkg:virtualisationType ?t ;
       vkg:installationMode ?m ; vkg:licence ?l .
  }
  ?p skos:prefLabel ?name . ?t skos:prefLabel ?type .
  ?m skos:prefLabel ?mode . ?l skos:prefLabel ?licence .
}
"""


def _values(store, query, **bindings):
    return [{k: str(v) for k, v in row.items()} for row in store.select(query, bindings or None)]


def test_the_solutions_table_gives_twelve_products_with_their_columns(store):
    found: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for row in _values(store, TABLE_QUERY):
        types, modes, licences = found.setdefault(row["name"], (set(), set(), set()))
        types.add(row["type"])
        modes.add(row["mode"])
        licences.add(row["licence"])
    assert set(found) == set(TABLE)
    for name, (types, mode, licences) in TABLE.items():
        assert found[name] == (types, {mode}, licences), name


def test_seven_types_with_definitions_advantages_and_drawbacks(store):
    rows = _values(
        store,
        """SELECT ?label (COUNT(DISTINCT ?a) AS ?adv) (COUNT(DISTINCT ?d) AS ?dra)
                  (SAMPLE(?def) AS ?definition) WHERE {
             ?t a vkg:VirtualisationType ; skos:inScheme vkg:virtualisationTypes ;
                skos:prefLabel ?label ; skos:definition ?def ;
                vkg:advantage ?a ; vkg:drawback ?d .
           } GROUP BY ?label""",
    )
    by_label = {row["label"]: row for row in rows}
    assert set(by_label) == {
        "Émulation",
        "Virtualisation complète",
        "Paravirtualisation",
        "Cloisonnement",
        "Virtualisation matérielle",
        "Virtualisation des bibliothèques",
        "Virtualisation au niveau applicatif",
    }
    assert "simule le matériel" in by_label["Émulation"]["definition"]
    para = _values(
        store,
        """SELECT ?item WHERE { ?t skos:prefLabel "Paravirtualisation"@fr ;
                                 vkg:advantage/skos:prefLabel ?item }""",
    )
    assert {row["item"] for row in para} == {
        "Léger, rapide",
        "OS invité coopère avec l'hyperviseur pour les E/S",
    }
    isolation = _values(
        store,
        """SELECT ?item WHERE { ?t skos:prefLabel "Cloisonnement"@fr ;
                                 vkg:drawback/skos:prefLabel ?item }""",
    )
    assert [row["item"] for row in isolation] == [
        "En pratique, une isolation complète est difficile à implémenter"
    ]


def test_synonyms_from_the_deck_are_alternative_labels(store):
    rows = _values(
        store,
        "SELECT ?alt WHERE { ?t skos:prefLabel ?l ; skos:altLabel ?alt } ",
    )
    alts = {row["alt"] for row in rows}
    assert {"Full Virtualization", "Isolateur", "VM", "machine virtuelle", "UML"} <= alts


def test_relation(store, subject, predicate, expected):
    rows = _values(
        store,
        f"""SELECT ?value WHERE {{ ?s skos:prefLabel "{subject}"@fr ; {predicate} ?o .
                                  OPTIONAL {{ ?o skos:prefLabel ?label }}
                                  BIND(COALESCE(?label, ?o) AS ?value) }}""",
    )
    assert expected in {row["value"] for row in rows}


@pytest.mark.parametrize(
    ("subject", "predicate", "expected"),
    [
        ("Xen", "vkg:developer", "Université de Cambridge"),
        ("LGuest", "vkg:maintainer", "Rusty Russell"),
        ("Linux VServer", "vkg:founder", "Jacques Gélinas"),
        ("Virtuozzo", "vkg:basedOn", "OpenVZ"),
        ("Virtuozzo", "vkg:provider", "SWsoft, Inc."),
        ("KVM", "vkg:forkOf", "QEMU"),
        ("KVM", "vkg:kernelVersion", "2.6.20"),
        ("LGuest", "vkg:kernelVersion", "2.6.23"),
        ("QEMU", "vkg:supportedArchitecture", "ARM"),
        ("Xen", "vkg:supportedArchitecture", "IA-64"),
        ("Xen", "vkg:guestSystem", "NetBSD"),
        ("Bochs", "vkg:hostSystem", "Mac OS X"),
        ("Solaris Containers", "vkg:releaseYear", "2005"),
        ("CP/CMS", "dct:isReplacedBy", "z/VM"),
        ("MIT", "dct:creator", "Insititut Technologique de Massachusetts"),
        ("LGPL", "vkg:fullName", "GNU Lesser General Public License"),
        ("KVM", "vkg:fullName", "Kernel-based Virtual Machine"),
        ("Wine", "vkg:fullName", "Wine Is Not an Emulator"),
    ],
)
def test_relations_read_from_the_product_and_history_slides(store, subject, predicate, expected):
    test_relation(store, subject, predicate, expected)


test_relation.__test__ = False  # type: ignore[attr-defined]


def test_licence_natures(store):
    rows = _values(store, "SELECT ?l WHERE { ?x vkg:nature vkg:Permissive ; skos:prefLabel ?l }")
    assert {row["l"] for row in rows} == {"BSD", "MIT"}


def test_wine_licences_contradict_each_other_and_both_keep_their_source(store):
    rows = _values(
        store,
        """SELECT ?licence ?slide WHERE {
             GRAPH ?g { res:product-wine vkg:licence ?l }
             ?l skos:prefLabel ?licence . ?g vkg:slide ?slide }""",
    )
    assert {(row["licence"], row["slide"]) for row in rows} == {("GPL", "33"), ("LGPL", "44")}


def test_history_events_are_dated_with_actors_and_products(store):
    rows = _values(
        store,
        """SELECT ?start ?end ?actor WHERE {
             ?e a vkg:HistoricalEvent ; vkg:startYear ?start ; vkg:endYear ?end ;
                vkg:actor/skos:prefLabel ?actor ; dct:description ?d .
             FILTER(CONTAINS(?d, "mainframes IBM")) }""",
    )
    assert {(row["start"], row["end"], row["actor"]) for row in rows} == {("1960", "1969", "IBM")}
    hardware = _values(
        store,
        """SELECT ?start ?actor WHERE { ?e vkg:actor ?a ; vkg:startYear ?start .
             ?a skos:prefLabel ?actor . FILTER(STR(?actor) IN ("AMD", "Intel")) }""",
    )
    assert {row["actor"] for row in hardware} == {"AMD", "Intel"}
    popular = _values(
        store,
        """SELECT ?product WHERE { ?e vkg:involves/skos:prefLabel ?product ;
             dct:description ?d . FILTER(CONTAINS(?d, "logiciels libres")) }""",
    )
    assert {"Xen", "QEMU", "Virtual Box", "VMware Server"} <= {row["product"] for row in popular}
    dated = _values(store, "SELECT ?d WHERE { ?e dct:date ?d }")
    assert [row["d"] for row in dated] == ["2006-11-11"]


def test_every_fact_lives_in_the_graph_of_a_passage(store):
    rows = _values(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE {
             GRAPH ?g { ?s ?p ?o }
             FILTER NOT EXISTS { ?g a vkg:Passage }
             FILTER(?g NOT IN (<https://w3id.org/virtukg/graph/ontology>,
                               res:document-virtualisation))
           }""",
    )
    assert rows == [{"n": "0"}]


def test_entities_link_to_the_passages_that_mention_them(store):
    rows = _values(
        store,
        "SELECT ?slide WHERE { res:product-qemu vkg:mentionedIn ?p . ?p vkg:slide ?slide }",
    )
    slides = {int(row["slide"]) for row in rows}
    assert {33, 35, 41, 44} <= slides  # the table, its own slide, the KVM and Wine slides


def test_iris_are_stable_slugs(store):
    assert store.ask(f"ASK {{ <{RES['product-user-mode-linux']}> a vkg:Product }}")
    assert store.ask(f"ASK {{ <{RES['type-virtualisation-complete']}> a vkg:VirtualisationType }}")


def test_declarations_cover_the_prefixes_a_query_uses_and_no_other():
    from kg.namespaces import declarations_used

    query = (
        "# skos: is named in this comment only\n"
        "SELECT ?x WHERE { ?x a vkg:Product ; <http://example.org/res:y> ?z ;"
        " dct:source ?s }"
    )
    declared = declarations_used(query)
    assert declared.count("PREFIX") == 2
    assert "PREFIX vkg:" in declared and "PREFIX dct:" in declared
