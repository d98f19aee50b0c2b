"""The chat page in Chromium: asking, citations, follow-ups, refusals, exploring, the course."""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import DESKTOP, PHONE, screenshot, serious_violations

VIEWS = ["chat", "explore", "course"]  # the SPARQL view: test_sparql_workbench.py


def ask(page: Page, question: str) -> None:
    count = page.locator(".message.assistant, .message.declined").count()
    page.get_by_label("Votre question").fill(question)
    page.get_by_label("Votre question").press("Enter")
    expect(page.locator(".message.assistant, .message.declined")).to_have_count(
        count + 1, timeout=20_000
    )


def test_examples_come_from_the_graph(page: Page):
    page.goto("/")
    examples = page.locator("#examples button")
    expect(examples.first).to_be_visible()
    texts = examples.all_inner_texts()
    assert any(t.startswith("Qu'est-ce que") for t in texts)
    assert any("licence" in t for t in texts)
    examples.first.click()
    expect(page.locator(".message.assistant")).to_have_count(1, timeout=20_000)


def test_a_definition_with_a_citation_that_opens_the_highlighted_sentence(page: Page):
    page.goto("/")
    ask(page, "Qu'est-ce que la paravirtualisation ?")
    answer = page.locator(".message.assistant").last
    expect(answer).to_contain_text("paravir")
    chip = answer.locator("button.chip").first
    expect(chip).to_be_visible()
    chip.click()
    dialog = page.locator("#citation")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_contain_text("Diapositive 16")
    expect(dialog.locator("mark")).to_contain_text("exporte une version modifiée")
    screenshot(page, "citation-desktop")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_a_follow_up_uses_the_conversation(page: Page):
    page.goto("/")
    ask(page, "Qu'est-ce que Xen ?")
    ask(page, "Et sa licence ?")
    expect(page.locator(".message.assistant").last).to_contain_text("sous licence GPL")
    page.get_by_role("button", name="Nouvelle conversation").click()
    expect(page.locator(".message")).to_have_count(0)


def test_an_elliptical_follow_up_says_how_it_was_read(page: Page):
    page.goto("/")
    ask(page, "Quelle licence a Xen ?")
    ask(page, "Et KVM ?")
    last = page.locator(".message.assistant").last
    expect(last.locator(".understood")).to_have_text("Compris : « Quelle licence a KVM ? »")
    expect(last).to_contain_text("KVM est distribué sous licence GPL")


def test_a_table_row_citation_opens_the_table_with_the_row_marked(page: Page):
    page.goto("/")
    ask(page, "Sous quelle licence KVM est-il distribué ?")
    page.locator(".message.assistant").last.locator("button.chip").first.click()
    dialog = page.locator("#citation")
    expect(dialog.locator("table th").first).to_have_text("Produits")
    cited = dialog.locator("tr.cited")
    expect(cited).to_have_count(1)
    expect(cited).to_contain_text("KVM")
    expect(cited).to_contain_text("GPL")
    screenshot(page, "citation-table-desktop")
    page.keyboard.press("Escape")


def test_a_first_message_that_refers_back_gets_a_question_back(page: Page):
    page.goto("/")
    ask(page, "Et son mode d'installation ?")
    reply = page.locator(".message.assistant").last
    expect(reply).to_contain_text("De quel produit parlez-vous ?")
    suggestion = reply.locator(".actions button", has_text="installe").first
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator(".message.assistant").last).to_contain_text("en mode", timeout=20_000)


def test_greetings_and_thanks_get_a_short_reply(page: Page):
    page.goto("/")
    ask(page, "Bonjour !")
    reply = page.locator(".message.assistant").last
    expect(reply).to_contain_text("Bonjour")
    expect(reply.locator(".actions button")).not_to_have_count(1)
    ask(page, "merci beaucoup")
    expect(page.locator(".message.assistant").last).to_contain_text("Avec plaisir")


def test_an_uncertain_answer_says_so_and_shows_the_closest_slides(page: Page, live_server: str):
    candidates = [
        "Quel est le chiffre d'affaires de VMware ?",
        "Combien d'employés compte VMware ?",
        "Quel support des processeurs KVM demande-t-il ?",
        "Quelles extensions matérielles faut-il pour utiliser KVM ?",
        "Xen est-il fiable ?",
        "Quel matériel faut-il pour Xen ?",
    ]
    levels = {
        q: httpx.post(f"{live_server}/api/ask", json={"question": q}, timeout=20).json()["level"]
        for q in candidates
    }
    question = next(q for q, level in levels.items() if level == "probable")
    page.goto("/")
    ask(page, question)
    answer = page.locator(".message.assistant").last
    expect(answer).to_have_class(re.compile("uncertain"))
    expect(answer.locator(".badge")).to_contain_text("Réponse incertaine")
    expect(answer.get_by_text("Passages les plus proches")).to_be_visible()


def test_out_of_scope_questions_are_declined_visibly(page: Page):
    page.goto("/")
    ask(page, "Quelle est la recette de la tarte tatin ?")
    declined = page.locator(".message.declined").last
    expect(declined).to_contain_text("Je n'ai pas trouvé la réponse dans le cours.")
    expect(declined).to_contain_text("Le cours traite de sujets proches")
    expect(declined.get_by_text("Passages les plus proches")).to_be_visible()
    expect(declined.locator(".actions button").first).to_contain_text("?")


def test_answers_never_inject_html(page: Page):
    page.goto("/")
    ask(page, "<img src=x onerror=alert(1)> Qu'est-ce que Xen ?")
    expect(page.locator(".message.user img")).to_have_count(0)
    expect(page.locator(".message.user").last).to_contain_text("<img src=x")


def test_entity_card_and_its_graph(page: Page):
    page.goto("/#explore")
    page.get_by_label("Chercher une notion").fill("kvm")
    page.get_by_role("link", name=re.compile(r"^KVM \(produit\)")).click()
    card = page.locator("#entity-card")
    expect(card.locator("h3")).to_have_text("KVM")
    expect(card.locator("h3")).to_be_focused()
    expect(card).to_contain_text("produit")
    expect(card).to_contain_text("fork de : QEMU (diapositive 41)")
    expect(page.locator("#graph canvas")).to_be_visible(timeout=10_000)
    graph = page.evaluate("window.explorerGraph")
    assert "fork de" in {edge["label"] for edge in graph["edges"]}
    assert all(not re.match(r"^[a-z]+-[a-z0-9-]+$", node["label"]) for node in graph["nodes"])
    screenshot(page, "explore-desktop")


@pytest.mark.parametrize("text", ["docker", "xyzzy"])
def test_explorer_says_when_nothing_matches(page: Page, text: str):
    page.goto("/#explore")
    page.get_by_label("Chercher une notion").fill("kvm")
    page.get_by_role("link", name=re.compile(r"^KVM")).click()
    expect(page.locator("#entity-card")).to_be_visible()
    page.get_by_label("Chercher une notion").fill(text)
    expect(page.locator("#entity-results")).to_contain_text("Aucune notion ne correspond")
    expect(page.locator("#entity-card")).to_be_hidden()


def test_explorer_explains_an_unknown_notion(page: Page, watch):
    page.goto("/#explore/product-inconnu")
    expect(page.locator("#entity-card")).to_contain_text("n'existe pas dans le graphe")
    watch.errors = [e for e in watch.errors if "404" not in e]  # the 404 asked for


def test_the_course_lists_slides_with_their_entities(page: Page):
    page.goto("/#course")
    page.get_by_role("link", name="KVM").first.click()
    slide = page.locator("#slide")
    expect(slide).to_contain_text("KVM est un fork de QEMU")
    expect(slide.get_by_role("link", name=re.compile("QEMU"))).to_be_visible()


def test_keyboard_only(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "question":
            break
    assert page.evaluate("document.activeElement.id") == "question"
    page.keyboard.type("Qui maintient LGuest ?")
    page.keyboard.press("Enter")
    expect(page.locator(".message.assistant")).to_have_count(1, timeout=20_000)
    chip = page.locator(".message.assistant button.chip").first
    for _ in range(60):
        if page.evaluate("document.activeElement.classList.contains('chip')"):
            break
        page.keyboard.press("Shift+Tab")
    chip.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#citation mark")).to_contain_text("Rusty Russell")
    page.keyboard.press("Escape")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("view", VIEWS)
def test_every_view_is_accessible_and_fits(browser, live_server, view, size):
    context = browser.new_context(viewport=size, base_url=live_server)
    page = context.new_page()
    try:
        page.goto(f"/#{view}")
        if view == "chat":
            ask(page, "Quelle est la licence de Wine ?")
        if view == "explore":
            page.goto("/#explore/product-wine")
            expect(page.locator("#graph canvas")).to_be_visible(timeout=10_000)
        if view == "course":
            page.goto("/#course/virtualisation-s33")
            expect(page.locator("#slide table")).to_be_visible()
        name = "phone" if size == PHONE else "desktop"
        screenshot(page, f"{view}-{name}")
        assert serious_violations(page) == []
        assert _overflow(page) <= 0, f"{view} is wider than a {size['width']} px screen"
    finally:
        context.close()


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_vocabulary_page_is_accessible_fits_and_leads_back(browser, live_server, size):
    context = browser.new_context(viewport=size, base_url=live_server)
    page = context.new_page()
    try:
        page.goto("/api/ontology/reference")
        expect(page.locator("h1")).to_have_text("Vocabulaire VirtuKG")
        assert serious_violations(page) == []
        assert _overflow(page) <= 0
        page.get_by_role("link", name="Discussion").click()
        expect(page.get_by_label("Votre question")).to_be_visible()
    finally:
        context.close()


def test_the_api_documentation_leads_back(page: Page):
    page.goto("/docs")
    expect(page.get_by_role("link", name="API", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name="Discussion").click()
    expect(page.get_by_label("Votre question")).to_be_visible()


def test_reload_and_back_keep_the_conversation_and_new_clears_it(page: Page):
    page.goto("/")
    ask(page, "Quelle licence pour KVM ?")
    expect(page.locator("#examples")).to_be_hidden()
    page.reload()
    expect(page.locator(".message.assistant")).to_have_count(1)
    expect(page.locator(".message.user")).to_have_text("Quelle licence pour KVM ?")
    page.get_by_role("link", name="Vocabulaire").click()
    expect(page.locator("h1")).to_have_text("Vocabulaire VirtuKG")
    page.go_back()
    expect(page.locator(".message.assistant")).to_have_count(1)
    ask(page, "Et son mode d'installation ?")  # the kept history still serves follow-ups
    expect(page.locator(".message.assistant").last).to_contain_text("Bare Metal")
    page.get_by_role("button", name="Nouvelle conversation").click()
    page.reload()
    expect(page.locator(".message")).to_have_count(0)


def test_a_failed_request_keeps_the_question_and_offers_to_retry(page: Page, watch):
    page.goto("/")
    page.route("**/api/ask", lambda route: route.abort())
    box = page.get_by_label("Votre question")
    box.fill("Qui maintient LGuest ?")
    box.press("Enter")
    expect(page.get_by_role("button", name="Réessayer")).to_be_visible()
    expect(box).to_have_value("Qui maintient LGuest ?")
    page.unroute("**/api/ask")
    page.get_by_role("button", name="Réessayer").click()
    expect(page.locator(".message.assistant").last).to_contain_text("Russell", timeout=20_000)
    expect(page.get_by_role("button", name="Réessayer")).to_have_count(0)
    watch.errors = [e for e in watch.errors if "ERR_FAILED" not in e]  # the failure staged


def test_sending_is_disabled_while_an_answer_is_on_its_way(page: Page):
    page.goto("/")

    def slow(route) -> None:
        page.wait_for_timeout(800)
        route.continue_()

    page.route("**/api/ask", slow)
    box = page.get_by_label("Votre question")
    box.fill("Quelle licence pour KVM ?")
    box.press("Enter")
    expect(page.get_by_role("button", name="Envoi…")).to_be_disabled()
    expect(page.locator("#waiting")).to_be_visible()
    expect(page.locator(".message.assistant")).to_have_count(1, timeout=20_000)
    expect(page.get_by_role("button", name="Envoyer")).to_be_enabled()


def test_a_question_asked_before_the_examples_arrive_keeps_them_hidden(page: Page):
    def late(route) -> None:
        page.wait_for_timeout(1_500)
        route.continue_()

    def later(route) -> None:
        page.wait_for_timeout(3_000)
        route.continue_()

    page.route("**/api/examples", late)
    page.route("**/api/ask", later)
    page.goto("/")
    ask(page, "Quelle licence pour KVM ?")
    expect(page.locator("#examples")).to_be_hidden()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_new_answer_is_in_view_and_focused(browser, live_server, size):
    context = browser.new_context(viewport=size, base_url=live_server, has_touch=size == PHONE)
    page = context.new_page()
    try:
        page.goto("/")
        for question in ("Quelle licence pour KVM ?", "Quels défauts a l'émulation ?"):
            ask(page, question)
        answer = page.locator(".message.assistant").last
        expect(answer).to_be_focused()
        box = answer.bounding_box()
        assert box is not None and 0 <= box["y"] < size["height"] / 2
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('chip')")
    finally:
        context.close()


def test_the_course_on_a_phone_shows_the_tapped_slide(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server, has_touch=True)
    page = context.new_page()
    try:
        page.goto("/#course")
        expect(page.locator("#slide")).to_contain_text("Choisissez une diapositive")
        texts = page.locator("#slides a").all_inner_texts()
        assert len(texts) == len(set(texts)), "two slides of the list read the same"
        link = page.locator("#slides a").nth(30)
        link.tap()
        title = page.locator("#slide h3")
        expect(title).to_be_focused()
        box = title.bounding_box()
        assert box is not None and 0 <= box["y"] < PHONE["height"]
        expect(link).to_have_attribute("aria-current", "true")
        marker_room = page.evaluate(
            """() => {
                 const list = document.querySelector('#slides');
                 const style = getComputedStyle(list);
                 const context = document.createElement('canvas').getContext('2d');
                 context.font = `${style.fontSize} ${style.fontFamily}`;
                 return parseFloat(style.paddingLeft) - context.measureText('40. ').width;
               }"""
        )
        assert marker_room >= 0, "two-digit slide numbers do not fit"
        screenshot(page, "course-phone")
    finally:
        context.close()
