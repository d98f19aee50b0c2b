// VirtuKG chat page. Plain JavaScript, no build step; every text from the
// server is inserted with textContent, never as HTML.
"use strict";

const $ = (selector) => document.querySelector(selector);
const history = [];

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
  if (current === "sparql") loadQueries();
}
window.addEventListener("hashchange", showView);

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
      box.append(el("div", { class: "table-scroll" }, el("table", {}, head, body)));
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

async function ask(question) {
  question = question.trim();
  if (!question) return;
  $("#examples").hidden = true;
  $("#conversation").append(el("li", { class: "message user", text: question }));
  $("#question").value = "";
  $("#waiting").hidden = false;
  $("#conversation").setAttribute("aria-busy", "true");
  try {
    const answer = await api("/api/ask", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question, history: history.slice(-20) }),
    });
    history.push({ role: "user", content: question }, { role: "assistant", content: answer.answer });
    $("#conversation").append(renderAnswer(answer));
  } catch (error) {
    $("#conversation").append(el("li", { class: "message declined", text: `Erreur : ${error.message}` }));
  } finally {
    $("#waiting").hidden = true;
    $("#conversation").removeAttribute("aria-busy");
    $("#question").focus();
  }
}

async function loadExamples() {
  const box = $("#examples");
  box.textContent = "";
  box.append(el("p", { class: "hint", text: "Quelques questions pour commencer :" }));
  for (const question of await api("/api/examples")) {
    box.append(el("button", { type: "button", text: question, onclick: () => ask(question) }));
  }
  box.hidden = $("#conversation").children.length > 0;
}

$("#ask-form").addEventListener("submit", (event) => { event.preventDefault(); ask($("#question").value); });
$("#question").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); ask($("#question").value); }
});
$("#clear").addEventListener("click", () => {
  history.length = 0;
  $("#conversation").textContent = "";
  loadExamples();
  $("#question").focus();
});

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
  for (const entity of found.entities) {
    list.append(el("li", {}, el("a", { href: `#explore/${encodeURIComponent(entity.id)}`, text: `${entity.label} (${entity.type})` })));
  }
}

async function openEntity(id) {
  const card = $("#entity-card");
  let data;
  try {
    data = await api(`/api/entities/${encodeURIComponent(id)}`);
  } catch (error) {
    card.hidden = false;
    card.textContent = `Notion introuvable : ${error.message}`;
    return;
  }
  card.textContent = "";
  card.append(el("h3", { text: data.label }), el("p", { class: "type", text: data.types.join(", ") }));
  if (data.alt_labels.length) card.append(el("p", { text: `Autres noms : ${data.alt_labels.join(", ")}` }));
  for (const definition of data.definitions) card.append(el("p", { text: definition }));
  if (data.facts.length) {
    card.append(el("h4", { text: "Faits" }));
    const list = el("ul");
    for (const fact of data.facts) {
      list.append(el("li", {}, `${fact.predicate} : ${fact.object} `,
        el("a", { href: `#course/${encodeURIComponent(fact.source)}`, text: `(${fact.source})` })));
    }
    card.append(list);
  }
  card.append(el("h4", { text: "Voisinage dans le graphe" }));
  card.append(el("div", { id: "graph", role: "img", "aria-label": `Graphe autour de ${data.label}` }));
  card.hidden = false;
  drawGraph(id);
}

async function drawGraph(id) {
  const graph = await api(`/api/graph/neighbours/${encodeURIComponent(id)}?depth=1`);
  if (typeof vis === "undefined") return;
  const nodes = new vis.DataSet(graph.nodes.map((n) => ({ id: n.id, label: n.label, group: n.type })));
  const edges = new vis.DataSet(graph.edges.map((e, i) => ({ id: i, from: e.source, to: e.target, label: e.predicate, arrows: "to" })));
  const network = new vis.Network($("#graph"), { nodes, edges }, { physics: { stabilization: true }, edges: { font: { size: 10 } } });
  network.on("click", (params) => {
    if (params.nodes.length && params.nodes[0] !== id) location.hash = `#explore/${encodeURIComponent(params.nodes[0])}`;
  });
}

// ------------------------------------------------------------------ course

let courseLoaded = false;
async function loadCourse(selected) {
  if (!courseLoaded) {
    const list = $("#slides");
    for (const passage of await api("/api/passages")) {
      list.append(el("li", { value: String(passage.slide) }, el("a", {
        href: `#course/${encodeURIComponent(passage.id)}`, text: passage.title,
      })));
    }
    courseLoaded = true;
  }
  if (selected) openSlide(selected);
}

async function openSlide(id) {
  const data = await api(`/api/passages/${encodeURIComponent(id)}`);
  const card = $("#slide");
  card.textContent = "";
  card.append(el("h3", { text: `Diapositive ${data.slide} — ${data.title}` }));
  card.append(slideBody(data, null));
  if (data.entities.length) {
    card.append(el("h4", { text: "Notions mentionnées" }));
    const list = el("ul");
    for (const entity of data.entities) {
      list.append(el("li", {}, el("a", { href: `#explore/${encodeURIComponent(entity.id)}`, text: `${entity.label} (${entity.type})` })));
    }
    card.append(list);
  }
  card.hidden = false;
}

// ------------------------------------------------------------------ sparql

let queriesLoaded = false;
async function loadQueries() {
  if (queriesLoaded) return;
  const select = $("#sparql-example");
  const queries = await api("/api/queries");
  for (const query of queries) select.append(el("option", { value: query.query, text: query.name }));
  select.addEventListener("change", () => { $("#sparql-query").value = select.value; });
  if (queries.length) $("#sparql-query").value = queries[0].query;
  queriesLoaded = true;
}

function sparqlRequest(accept) {
  return fetch("/sparql", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept },
    body: new URLSearchParams({ query: $("#sparql-query").value }),
  });
}

$("#sparql-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const table = $("#sparql-results");
  const status = $("#sparql-status");
  table.textContent = "";
  status.textContent = "Requête en cours…";
  const response = await sparqlRequest("application/sparql-results+json, text/turtle;q=0.5");
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    status.textContent = `Erreur : ${error.message || response.status}`;
    return;
  }
  if (!(response.headers.get("content-type") || "").includes("json")) {
    status.textContent = "Résultat (graphe) :";
    table.append(el("tbody", {}, el("tr", {}, el("td", { class: "slide-text", text: await response.text() }))));
    return;
  }
  const data = await response.json();
  if ("boolean" in data) { status.textContent = `Réponse : ${data.boolean ? "vrai" : "faux"}`; return; }
  const variables = data.head.vars;
  const rows = data.results.bindings;
  status.textContent = `${rows.length} ligne(s)`;
  table.append(el("thead", {}, el("tr", {}, ...variables.map((v) => el("th", { scope: "col", text: v })))));
  const body = el("tbody");
  for (const row of rows.slice(0, 500)) {
    body.append(el("tr", {}, ...variables.map((v) => el("td", { text: row[v] ? row[v].value : "" }))));
  }
  table.append(body);
});

$("#sparql-csv").addEventListener("click", async () => {
  const response = await sparqlRequest("text/csv");
  if (!response.ok) { $("#sparql-status").textContent = "Erreur : le CSV ne vaut que pour SELECT"; return; }
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: "resultats.csv" });
  document.body.append(link);
  link.click();
  link.remove();
});

// ------------------------------------------------------------------ start

loadExamples().catch(() => {});
showView();
