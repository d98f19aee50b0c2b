"""The SPARQL view (YASGUI on /sparql) in Chromium, at desktop and phone sizes.

The `page` fixture fails a test on a console error or on any request that tries to
leave 127.0.0.1.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import DESKTOP, PHONE, screenshot, serious_violations

SIZES = pytest.mark.parametrize("page", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
RESULT_ROWS = "#yasgui .yasr table.dataTable tbody tr"


def open_view(page: Page) -> None:
    page.goto("/#sparql")
    expect(page.locator("#yasgui .CodeMirror")).to_be_visible(timeout=10_000)


def write(page: Page, query: str) -> None:
    """Type a query into the editor, as a developer would."""
    page.locator("#yasgui .CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(query)


def run(page: Page) -> None:
    page.locator("#yasgui .tabPanel.active .yasqe_queryButton").click()


def open_named_query(page: Page, title_part: str) -> str:
    select = page.get_by_label("Requêtes prêtes")
    title = next(t for t in select.locator("option").all_inner_texts() if title_part in t)
    select.select_option(label=title)
    page.get_by_role("button", name="Ouvrir dans un onglet").click()
    return title


@SIZES
def test_a_named_query_runs_into_a_table_with_labels(page: Page):
    open_view(page)
    title = open_named_query(page, "produits qui ont une licence")
    expect(page.locator("#yasgui .tab.active")).to_contain_text(title)
    run(page)
    expect(page.locator(RESULT_ROWS).first).to_be_visible(timeout=10_000)
    expect(page.locator("#sparql-status")).to_contain_text("lignes")
    # An entity shows its label, linked to its card, beside its IRI.
    link = page.locator(f"{RESULT_ROWS} a.entity-link").first
    expect(link).to_be_visible()
    assert link.get_attribute("href").startswith("#explore/")
    expect(page.locator("#yasgui .dt-info")).to_contain_text("Lignes 1 à")
    name = "desktop" if page.viewport_size == DESKTOP else "phone"
    screenshot(page, f"sparql-{name}")
    assert serious_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the view is wider than the screen"
    link.click()
    expect(page.locator("#entity-card h3")).to_be_visible()


@SIZES
def test_a_syntax_error_is_marked_in_the_editor(page: Page):
    open_view(page)
    write(page, "SELECT ?x\nWHERE { ?x ?y }")
    expect(page.locator("#yasgui .tabPanel.active .parseErrorIcon")).to_be_visible()
    write(page, "SELECT ?x WHERE { ?x ?y ?z }")
    expect(page.locator("#yasgui .tabPanel.active .parseErrorIcon")).to_have_count(0)


@SIZES
def test_limits_of_the_endpoint_are_explained_in_french(page: Page, watch):
    open_view(page)
    write(page, "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }")
    run(page)
    error = page.locator("#yasgui .sparql-error")
    expect(error).to_contain_text("ajoutez LIMIT", timeout=20_000)
    expect(error).to_have_attribute("role", "alert")
    watch.errors = [e for e in watch.errors if "400" not in e]  # the refused query


@SIZES
def test_a_construct_shows_turtle(page: Page):
    open_view(page)
    write(
        page,
        "CONSTRUCT { ?p a vkg:Product ; skos:prefLabel ?l }\n"
        "WHERE { ?p a vkg:Product ; skos:prefLabel ?l } LIMIT 3",
    )
    run(page)
    response = page.locator("#yasgui .tabPanel.active .yasr .CodeMirror")
    expect(response).to_contain_text("@prefix", timeout=10_000)
    expect(response).to_contain_text("vkg:Product")
    expect(page.get_by_role("button", name="Turtle")).to_be_enabled()
    expect(page.get_by_role("button", name="CSV")).to_be_disabled()


@SIZES
def test_tabs_are_kept_across_a_reload(page: Page):
    open_view(page)
    title = open_named_query(page, "classes et les propriétés")
    page.reload()
    expect(page.locator("#yasgui .tab", has_text=title)).to_be_visible(timeout=10_000)


@SIZES
def test_autocompletion_offers_the_graphs_own_terms(page: Page):
    open_view(page)
    write(page, "SELECT * WHERE { ?x a vkg:Prod")
    page.keyboard.press("Control+Space")
    expect(page.locator(".CodeMirror-hints")).to_contain_text("vkg:Product")


@SIZES
def test_results_download_as_csv_tsv_and_json(page: Page):
    open_view(page)
    write(page, "SELECT ?product WHERE { ?product a vkg:Product } LIMIT 4")
    run(page)
    expect(page.locator(RESULT_ROWS)).to_have_count(4, timeout=10_000)
    for button, name, start in (
        ("CSV", "resultats.csv", "product"),
        ("TSV", "resultats.tsv", "?product"),
        ("JSON", "resultats.json", "{"),
    ):
        with page.expect_download() as download:
            page.get_by_role("button", name=button, exact=True).click()
        assert download.value.suggested_filename == name
        text = download.value.path().read_text(encoding="utf-8")
        assert text.lstrip().startswith(start)


@SIZES
def test_the_developers_panel_gives_the_endpoint_and_clients(page: Page, live_server: str):
    open_view(page)
    page.get_by_text("Pour les développeurs").click()
    expect(page.locator("#sparql-endpoint")).to_have_text(f"{live_server}/sparql")
    expect(page.locator("#sparql-prefixes")).to_contain_text("PREFIX vkg:")
    for client in ("curl", "SPARQLWrapper", "rdflib"):
        example = page.get_by_label(f"Exemple {client}", exact=True)
        expect(example).to_contain_text(f"{live_server}/sparql")
        expect(page.get_by_role("button", name=f"Copier l'exemple {client}")).to_be_visible()
