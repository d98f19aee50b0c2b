// VirtuKG chat page. Plain JavaScript, no build step; in this file every text
// from the server is inserted with textContent, never as HTML.
"use strict";

const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `erreur ${response.status}`);
  return body;
}

// ------------------------------------------------------------------ views

const VIEWS = ["chat", "explore", "course", "sparql"];

function showView() {
  const [view, arg] = (location.hash.slice(1) || "chat").split("/");
  const current = VIEWS.includes(view) ? view : "chat";
  for (const name of VIEWS) $(`#view-${name}`).hidden = name !== current;
  for (const link of document.querySelectorAll("[data-view]")) {
    if (link.dataset.view === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (current === "explore" && arg) openEntity(decodeURIComponent(arg));
  if (current === "course") loadCourse(arg && decodeURIComponent(arg));
  if (current === "sparql") openWorkbench();
  return current;
}
window.addEventListener("hashchange", () => {
  // Following a link moves the focus to what it opened, not to <body>.
  const current = showView();
  if (current !== "chat" && !location.hash.includes("/")) focusOn($(`#view-${current} h2`));
});

function focusOn(node) {
  if (!node) return;
  if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
  node.scrollIntoView({ block: "start" });
  node.focus({ preventScroll: true });
}

// A slide id ends with its number: virtualisation-s40 → diapositive 40.
function slideOf(passageId) {
  const match = /-s0*(\d+)$/.exec(passageId);
  return match ? `diapositive ${match[1]}` : passageId;
}

// ------------------------------------------------------------------ chat

// A slide's body: its tables as tables (the cited row marked), or its text with the cited
// sentence marked.
function slideBody(passage, cited) {
  if (passage.tables && passage.tables.length) {
    const box = el("div", { class: "slide-tables" });
    for (const table of passage.tables) {
      const [header, ...rows] = table.rows;
      const head = el("thead", {}, el("tr", {}, ...header.cells.map((c) => el("th", { scope: "col", text: c }))));
      const body = el("tbody");
      for (const row of rows) {
        const hit = cited && row.start < cited.end && cited.start < row.end;
        const cells = row.cells.map((c) => el("td", {}, hit ? el("mark", { text: c }) : c));
        body.append(el("tr", hit ? { class: "cited", "aria-current": "true" } : {}, ...cells));
      }
      box.append(el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Tableau de la diapositive" },
        el("table", {}, head, body)));
    }
    return box;
  }
  const box = el("div", { class: "slide-text" });
  const sentence = cited && cited.sentence;
  const at = sentence ? passage.text.indexOf(sentence) : -1;
  if (at >= 0) {
    box.append(passage.text.slice(0, at), el("mark", { text: sentence }), passage.text.slice(at + sentence.length));
  } else {
    box.textContent = passage.text;
  }
  return box;
}

async function openCitation(citation) {
  $("#citation-title").textContent = `Diapositive ${citation.slide} — ${citation.title}`;
  const box = $("#citation-text");
  box.textContent = "";
  box.append(slideBody(citation, citation));
  $("#citation").showModal();
  try {
    const passage = await api(`/api/passages/${encodeURIComponent(citation.id)}`);
    if (passage.tables.length) {
      box.textContent = "";
      box.append(slideBody(passage, citation));
    }
  } catch (error) {
    // the passage text already shown is enough
  }
}

function answerParagraphs(answer) {
  const byNumber = new Map(answer.citations.map((c) => [String(c.number), c]));
  return answer.answer.split("\n").map((line) => {
    const paragraph = el("p");
    for (const part of line.split(/(\[\d+\])/)) {
      const match = part.match(/^\[(\d+)\]$/);
      const citation = match && byNumber.get(match[1]);
      if (citation) {
        paragraph.append(
          el("button", {
            type: "button",
            class: "chip",
            text: `[${match[1]}]`,
            "aria-label": `Source ${match[1]} : diapositive ${citation.slide}, ${citation.title}`,
            onclick: () => openCitation(citation),
          }),
        );
      } else {
        paragraph.append(part);
      }
    }
    return paragraph;
  });
}

function renderAnswer(answer) {
  const declined = answer.reply === "declined" || answer.reply === "rephrase";
  const uncertain = answer.reply === "answer" && answer.level === "probable";
  const classes = ["message", "assistant", `reply-${answer.reply}`];
  if (declined) classes.push("declined");
  if (uncertain) classes.push("uncertain");
  const item = el("li", { class: classes.join(" ") });
  if (uncertain) item.append(el("p", { class: "badge", text: "Réponse incertaine : vérifiez les diapositives citées." }));
  if (answer.understood_as) item.append(el("p", { class: "understood", text: `Compris : « ${answer.understood_as} »` }));
  item.append(el("div", { class: "answer" }, ...answerParagraphs(answer)));
  if ((declined || uncertain) && answer.closest.length) {
    item.append(el("h3", { text: "Passages les plus proches" }));
    const list = el("ul");
    for (const hit of answer.closest) {
      list.append(el("li", {}, el("button", {
        type: "button", class: "link", text: `Diapositive ${hit.slide} — ${hit.title}`,
        onclick: () => openCitation({ ...hit, sentence: "" }),
      })));
    }
    item.append(list);
  }
  if (answer.facts.length) {
    item.append(el("h3", { text: "Faits du graphe" }));
    const list = el("ul");
    const slides = new Map(answer.citations.map((c) => [c.id, c]));
    for (const fact of answer.facts) {
      const source = slides.get(fact.source);
      list.append(el("li", {},
        `${fact.subject} — ${fact.predicate} — ${fact.object} `,
        source
          ? el("button", { type: "button", class: "link", text: `(diapositive ${source.slide})`, onclick: () => openCitation(source) })
          : el("span", { class: "type", text: `(${fact.source})` })));
    }
    item.append(list);
  }
  const entities = answer.entities.filter((e) => e.type);
  if (entities.length) {
    item.append(el("h3", { text: "Notions" }));
    const list = el("ul");
    for (const entity of entities) {
      list.append(el("li", {}, el("a", { href: `#explore/${encodeURIComponent(entity.id)}`, text: entity.label })));
    }
    item.append(list);
  }
  const actions = el("div", { class: "actions" });
  for (const suggestion of answer.suggestions || []) {
    actions.append(el("button", { type: "button", class: "secondary", text: suggestion, onclick: () => ask(suggestion) }));
  }
  actions.append(el("button", {
    type: "button", class: "secondary", text: "Copier la réponse",
    onclick: () => navigator.clipboard && navigator.clipboard.writeText(answer.answer),
  }));
  item.append(actions);
  return item;
}

// The conversation lives in the browser's session: a reload or Back keeps it.
const STORE = "virtukg.conversation";
const turns = JSON.parse(sessionStorage.getItem(STORE) || "[]");
let pending = false;

function save() {
  sessionStorage.setItem(STORE, JSON.stringify(turns));
}

function history() {
  return turns.flatMap((t) => [
    { role: "user", content: t.question },
    { role: "assistant", content: t.answer.answer },
  ]).slice(-20);
}

function setBusy(busy) {
  pending = busy;
  $("#send").disabled = busy;
  $("#send").textContent = busy ? "Envoi…" : "Envoyer";
  $("#waiting").hidden = !busy;
  if (busy) $("#conversation").setAttribute("aria-busy", "true");
  else $("#conversation").removeAttribute("aria-busy");
}

function showTurn(question, answer) {
  $("#conversation").append(el("li", { class: "message user", text: question }));
  const item = renderAnswer(answer);
  $("#conversation").append(item);
  return item;
}

async function ask(question) {
  question = question.trim();
  if (!question || pending) return;
  $("#examples").hidden = true;
  $(".error-turn") && $(".error-turn").remove();
  setBusy(true);
  try {
    const answer = await api("/api/ask", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question, history: history() }),
    });
    turns.push({ question, answer });
    save();
    if ($("#question").value.trim() === question) $("#question").value = "";
    focusOn(showTurn(question, answer));
  } catch (error) {
    // The question stays in the box, and can be sent again.
    $("#question").value = question;
    const retry = el("button", { type: "button", text: "Réessayer", onclick: () => ask(question) });
    const item = el("li", { class: "message declined error-turn", role: "alert" },
      el("p", { text: `La question n'a pas pu être envoyée (${error.message}).` }), retry);
    $("#conversation").append(item);
    retry.focus();
  } finally {
    setBusy(false);
  }
}

async function loadExamples() {
  const box = $("#examples");
  box.textContent = "";
  box.append(el("p", { class: "hint", text: "Quelques questions pour commencer :" }));
  for (const question of await api("/api/examples")) {
    box.append(el("button", { type: "button", text: question, onclick: () => ask(question) }));
  }
  // A question asked while the examples were on their way hides them for good.
  box.hidden = turns.length > 0 || pending;
}

$("#ask-form").addEventListener("submit", (event) => { event.preventDefault(); ask($("#question").value); });
$("#question").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); ask($("#question").value); }
});
$("#clear").addEventListener("click", () => {
  turns.length = 0;
  save();
  $("#conversation").textContent = "";
  loadExamples();
  $("#question").focus();
});
for (const turn of turns) showTurn(turn.question, turn.answer);

// ------------------------------------------------------------------ explore

let searchTimer;
$("#entity-query").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(searchEntities, 150);
});
$("#entity-form").addEventListener("submit", (event) => { event.preventDefault(); searchEntities(); });

async function searchEntities() {
  const text = $("#entity-query").value.trim();
  const list = $("#entity-results");
  list.textContent = "";
  if (!text) return;
  const found = await api(`/api/entities?q=${encodeURIComponent(text)}&limit=12`);
  if (!found.entities.length) {
    $("#entity-card").hidden = true;
    list.append(el("li", { class: "hint", role: "status", text: `Aucune notion ne correspond à « ${text} ». Essayez un autre mot (un produit, une licence, un type de virtualisation…).` }));
    return;
  }
  for (const entity of found.entities) {
    list.append(el("li", {}, el("a", { href: `#explore/${encodeURIComponent(entity.id)}`, text: `${entity.label} (${entity.type_label})` })));
  }
}

async function openEntity(id) {
  const card = $("#entity-card");
  let data;
  try {
    data = await api(`/api/entities/${encodeURIComponent(id)}`);
  } catch (error) {
    card.hidden = false;
    card.textContent = "";
    card.append(el("p", { role: "alert", text: "Cette notion n'existe pas dans le graphe. Cherchez-la par son nom ci-dessus." }));
    return;
  }
  card.textContent = "";
  const title = el("h3", { text: data.label });
  card.append(title, el("p", { class: "type", text: data.type_labels.join(", ") }));
  if (data.alt_labels.length) card.append(el("p", { text: `Autres noms : ${data.alt_labels.join(", ")}` }));
  for (const definition of data.definitions) card.append(el("p", { text: definition }));
  if (data.facts.length) {
    card.append(el("h4", { text: "Faits" }));
    const list = el("ul");
    for (const fact of data.facts) {
      list.append(el("li", {}, `${fact.predicate} : ${fact.object} `,
        el("a", { href: `#course/${encodeURIComponent(fact.source)}`, text: `(${slideOf(fact.source)})` })));
    }
    card.append(list);
  }
  card.append(el("h4", { text: "Voisinage dans le graphe" }));
  card.append(el("div", { id: "graph", role: "img", "aria-label": `Graphe autour de ${data.label}` }));
  card.hidden = false;
  focusOn(title);
  drawGraph(id);
}

async function drawGraph(id) {
  const graph = await api(`/api/graph/neighbours/${encodeURIComponent(id)}?depth=1`);
  if (typeof vis === "undefined") return;
  const short = (text) => (text.length > 40 ? `${text.slice(0, 38)}…` : text);
  const nodes = new vis.DataSet(graph.nodes.map((n) => ({
    id: n.id, label: short(n.label), title: `${n.label} (${n.type_label})`, group: n.type,
  })));
  const edges = new vis.DataSet(graph.edges.map((e, i) => ({ id: i, from: e.source, to: e.target, label: e.label, arrows: "to" })));
  window.explorerGraph = { nodes: nodes.get(), edges: edges.get() };
  const network = new vis.Network($("#graph"), { nodes, edges }, {
    physics: { solver: "barnesHut", barnesHut: { springLength: 170, avoidOverlap: 0.6 }, stabilization: { iterations: 300 } },
    edges: { font: { size: 10 } },
    nodes: { shape: "box", margin: 6, font: { size: 12 } },
  });
  network.on("click", (params) => {
    if (params.nodes.length && params.nodes[0] !== id) location.hash = `#explore/${encodeURIComponent(params.nodes[0])}`;
  });
}

// ------------------------------------------------------------------ course

let courseLoaded = false;
async function loadCourse(selected) {
  if (!courseLoaded) {
    const list = $("#slides");
    const passages = await api("/api/passages");
    const titles = passages.map((p) => p.title);
    for (const passage of passages) {
      // A title shared by several slides says how each one begins.
      const repeated = titles.filter((t) => t === passage.title).length > 1;
      const text = repeated ? `${passage.title} — ${passage.excerpt}` : passage.title;
      list.append(el("li", { value: String(passage.slide) }, el("a", {
        href: `#course/${encodeURIComponent(passage.id)}`, text, "data-passage": passage.id,
      })));
    }
    courseLoaded = true;
  }
  if (selected) openSlide(selected);
}

async function openSlide(id) {
  const card = $("#slide");
  let data;
  try {
    data = await api(`/api/passages/${encodeURIComponent(id)}`);
  } catch (error) {
    card.textContent = "";
    card.append(el("p", { role: "alert", text: "Cette diapositive n'existe pas." }));
    return;
  }
  card.textContent = "";
  const title = el("h3", { text: `Diapositive ${data.slide} — ${data.title}` });
  card.append(title);
  card.append(slideBody(data, null));
  if (data.entities.length) {
    card.append(el("h4", { text: "Notions mentionnées" }));
    const list = el("ul");
    for (const entity of data.entities) {
      list.append(el("li", {}, el("a", { href: `#explore/${encodeURIComponent(entity.id)}`, text: entity.label })));
    }
    card.append(list);
  }
  for (const link of document.querySelectorAll("#slides a")) {
    if (link.dataset.passage === id) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
  // On a phone the slide is below the list: bring it into view.
  focusOn(title);
}

// ------------------------------------------------------------------ start

// Scripts are deferred: the workbench's script has run by now.
document.addEventListener("DOMContentLoaded", () => {
  loadExamples().catch(() => {});
  showView();
});
