// The SPARQL view: YASGUI on this server's /sparql. It knows the project's
// prefixes, the graph's classes and properties and the named queries; it shows
// labels beside IRIs and speaks French. Nothing is fetched from another host:
// the prefix.cc and Linked Open Vocabularies look-ups of YASGUI are replaced.
"use strict";

let workbench; // the Yasgui instance, made when the view is first shown
let workbenchStarting;

async function openWorkbench() {
  workbenchStarting ??= startWorkbench().catch((error) => {
    workbenchStarting = undefined;
    $("#sparql-status").textContent = `Erreur : ${error.message}`;
  });
  return workbenchStarting;
}

async function startWorkbench() {
  const [setup, queries, names] = await Promise.all([
    api("/api/sparql/workbench"),
    api("/api/queries"),
    api("/api/labels").catch(() => ({})),
  ]);
  configureYasgui(setup, names);
  workbench = new Yasgui($("#yasgui"), {
    requestConfig: { endpoint: setup.endpoint, method: "POST", acceptHeaderGraph: "text/turtle" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: setup.endpoint }], keys: [] },
    copyEndpointOnNewTab: false,
    populateFromUrl: false, // the page's own #views live in the URL's fragment
    autofocus: false,
    tabName: "Requête",
    persistenceId: "virtukg-sparql",
    yasqe: { value: queries.length ? queries[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
    yasr: { prefixes: setup.prefixes },
  });
  // Emitted just before the tab hands the response to its result view.
  workbench.on("queryResponse", (_, tab) => setTimeout(() => describeResult(tab)));
  workbench.on("tabSelect", () => setTimeout(() => {
    watchTab();
    describeResult(workbench.getTab());
  }));
  watchTab();
  speakFrench($("#yasgui"));
  fillQueryList(queries);
  fillDevelopers(setup);
  updateDownloads();
}

// ------------------------------------------------------------------ YASGUI set-up

function configureYasgui(setup, names) {
  const { Yasqe, Yasr } = Yasgui;
  // Autocompletion from the project's prefixes and the graph's own terms.
  const prefixLines = Object.entries(setup.prefixes).map(([name, iri]) => `${name}: <${iri}>`);
  Yasqe.forkAutocompleter("prefixes", { name: "projectPrefixes", get: () => prefixLines });
  Yasqe.forkAutocompleter("property", { name: "graphProperties", get: () => setup.properties, bulk: true });
  Yasqe.forkAutocompleter("class", { name: "graphClasses", get: () => setup.classes, bulk: true });
  Yasqe.defaults.autocompleters = ["variables", "projectPrefixes", "graphProperties", "graphClasses"];
  // The editor grows with the query: no scrolling box inside the page.
  Yasqe.defaults.editorHeight = "auto";
  Yasqe.defaults.viewportMargin = Infinity;
  Yasqe.defaults.screenReaderLabel = "Requête SPARQL";

  Yasr.defaults.errorRenderers = [frenchError];
  Yasr.defaults.pluginOrder = ["table", "response"];
  Yasr.plugins.table.defaults.openIriInNewWindow = false;
  Yasr.plugins.table.defaults.tableConfig.language = {
    info: "Lignes _START_ à _END_ sur _TOTAL_",
    infoEmpty: "Aucune ligne",
    infoFiltered: "(filtrées parmi _MAX_)",
    emptyTable: "Aucun résultat",
    zeroRecords: "Aucune ligne ne correspond au filtre",
    paginate: { first: "«", last: "»", next: "›", previous: "‹" },
    aria: { paginate: { first: "Première page", last: "Dernière page", next: "Page suivante", previous: "Page précédente" } },
  };
  Yasr.registerPlugin("table", labelledTable(Yasr.plugins.table, names));
  Yasr.registerPlugin("response", frenchResponse(Yasr.plugins.response));
}

// The table plugin, with each IRI's label beside it (linked to its entity card).
function labelledTable(Table, names) {
  return class LabelledTable extends Table {
    constructor(yasr) {
      super(yasr);
      this.label = "Tableau";
    }
    getCellContent(binding, prefixes) {
      const content = super.getCellContent(binding, prefixes);
      const label = binding.type === "uri" && names[binding.value];
      if (!label) return content;
      const entity = entityIdOf(binding.value);
      const name = entity
        ? `<a class="entity-link" href="#explore/${encodeURIComponent(entity)}">${escapeHtml(label)}</a>`
        : `<span class="entity-label">${escapeHtml(label)}</span>`;
      return `<div class="labelled">${name} ${content}</div>`;
    }
  };
}

function frenchResponse(Response) {
  return class FrenchResponse extends Response {
    constructor(yasr) {
      super(yasr);
      this.label = "Réponse brute";
    }
  };
}

// YASGUI's own words, in French. Applied to whatever it draws, except the query
// and the results themselves.
const FRENCH = new Map([
  ["Run query", "Exécuter la requête (Ctrl+Entrée)"],
  ["Close tab", "Fermer l'onglet"],
  ["Open settings", "Ouvrir les réglages de l'onglet"],
  ["Close settings", "Fermer les réglages de l'onglet"],
  ["Download Results", "Télécharger ce qui est affiché"],
  ["Download result", "Télécharger ce qui est affiché"],
  ["Filter query results", "Filtrer les lignes"],
  ["Simple view", "Vue simple"],
  ["Ellipse", "Abréger"],
  ["Page size:", "Lignes par page :"],
  ["All", "Toutes"],
  ["Settings", "Réglages"],
  ["Request method", "Méthode HTTP"],
  ["Accept Headers", "En-têtes Accept"],
  ["Ask / Select", "ASK / SELECT"],
  ["Construct / Describe", "CONSTRUCT / DESCRIBE"],
  ["Arguments", "Paramètres"],
  ["Header Arguments", "En-têtes"],
  ["Default Graphs", "Graphes par défaut"],
  ["Named Graphs", "Graphes nommés"],
  ["pagination", "Pages du résultat"],
]);
const FRENCH_PATTERNS = [
  [/^(\d+) results? in ([\d.]+) seconds?$/, (_, n, s) => `${n} résultat${n > 1 ? "s" : ""} en ${s.replace(".", ",")} s`],
  [/^Shows (.+) view$/, (_, view) => `Afficher : ${view}`],
  [/^(.+): Activate to sort$/, (_, column) => `${column} : trier`],
];

function french(text) {
  const trimmed = text.trim();
  if (FRENCH.has(trimmed)) return text.replace(trimmed, FRENCH.get(trimmed));
  for (const [pattern, replace] of FRENCH_PATTERNS) {
    if (pattern.test(trimmed)) return text.replace(trimmed, trimmed.replace(pattern, replace));
  }
  return text;
}

function speakFrench(root) {
  const translate = () => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".CodeMirror, table")) continue;
      const said = french(node.nodeValue);
      if (said !== node.nodeValue) node.nodeValue = said;
    }
    for (const element of root.querySelectorAll("[aria-label], [title], [placeholder]")) {
      for (const name of ["aria-label", "title", "placeholder"]) {
        const value = element.getAttribute(name);
        if (value && french(value) !== value) element.setAttribute(name, french(value));
      }
    }
    for (const select of root.querySelectorAll("select.tableSizer:not([aria-label])")) {
      select.setAttribute("aria-label", "Lignes par page");
    }
    for (const area of root.querySelectorAll(".yasr textarea:not([aria-label])")) {
      area.setAttribute("aria-label", "Réponse brute du point d'accès");
    }
  };
  translate();
  new MutationObserver(translate).observe(root, { childList: true, subtree: true });
}

// A resource of the course (not a passage, statement or table): its entity card.
function entityIdOf(iri) {
  const match = /\/id\/((?!passage-|statement-|row-|table-)[a-z]+-[a-z0-9-]+)$/.exec(iri);
  return match && match[1];
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The endpoint's JSON error, said in French.
const ERROR_EXPLANATIONS = {
  syntax: "La requête est mal formée.",
  too_many_rows: "Le résultat dépasse le nombre de lignes permis : ajoutez LIMIT à la requête.",
  timeout: "La requête a dépassé le temps permis : restreignez-la ou ajoutez LIMIT.",
  busy: "Le point d'accès est occupé : réessayez dans un instant.",
  worker_error: "L'exécution a échoué : réessayez.",
  forbidden: "Ce point d'accès est en lecture seule.",
  not_acceptable: "Ce format de résultat n'existe pas pour ce type de requête.",
};

async function frenchError(error) {
  let body = {};
  try {
    body = JSON.parse(error.text || "{}");
  } catch {
    // not JSON: shown as it is below
  }
  const explanation = ERROR_EXPLANATIONS[body.error] || "Le point d'accès a refusé la requête.";
  const box = el("div", { class: "sparql-error", role: "alert" });
  box.append(el("p", { text: `Erreur${error.status ? ` ${error.status}` : ""} : ${explanation}` }));
  // A syntax error's message is already French and says where the mistake is.
  if (body.error === "syntax" && body.message) box.append(el("p", { text: body.message }));
  else if (!body.error && error.text) box.append(el("pre", { text: error.text }));
  else if (!error.status) box.append(el("p", { text: "Le point d'accès ne répond pas." }));
  return box;
}

// ------------------------------------------------------------------ around the editor

// Keeps the download buttons in step with the kind of query being written.
const watchedEditors = new WeakSet();
function watchTab() {
  const yasqe = workbench.getTab()?.getYasqe();
  if (yasqe && !watchedEditors.has(yasqe)) {
    watchedEditors.add(yasqe);
    yasqe.on("change", updateDownloads);
  }
  updateDownloads();
}

function describeResult(tab) {
  const yasr = tab.getYasr();
  const results = yasr.results;
  const status = $("#sparql-status");
  if (tab !== workbench.getTab()) return; // a tab in the background answered
  status.textContent = "";
  if (!results) return;
  // A graph is shown as the Turtle the endpoint sent; solutions as a table.
  const graph = ["CONSTRUCT", "DESCRIBE"].includes(tab.getYasqe().getQueryType());
  if (!results.getError()) yasr.selectPlugin(graph ? "response" : "table");
  if (results.getError()) status.textContent = "La requête a échoué (voir le message ci-dessous).";
  else if (graph) status.textContent = "Graphe reçu en Turtle (onglet « Réponse brute »).";
  else if (results.getBoolean() !== undefined) status.textContent = `Réponse : ${results.getBoolean() ? "vrai" : "faux"}`;
  else {
    const count = results.getBindings().length;
    status.textContent = `${count} ligne${count > 1 ? "s" : ""}`;
  }
  updateDownloads();
}

function fillQueryList(queries) {
  const select = $("#sparql-example");
  for (const query of queries) select.append(el("option", { value: query.name, text: query.title }));
  $("#sparql-new-tab").addEventListener("click", () => {
    workbench.addTab(true);
    workbench.getTab().getYasqe().focus();
  });
  $("#sparql-open").addEventListener("click", () => {
    const query = queries.find((q) => q.name === select.value);
    if (!query) return;
    workbench.addTab(true, { name: query.title, yasqe: { value: query.query } }, { avoidDuplicateTabs: true });
    workbench.getTab().getYasqe().focus();
  });
}

function fillDevelopers(setup) {
  $("#sparql-endpoint").textContent = setup.endpoint;
  $("#sparql-prefixes").textContent = Object.entries(setup.prefixes)
    .map(([name, iri]) => `PREFIX ${name}: <${iri}>`)
    .join("\n");
  const list = $("#sparql-clients");
  for (const example of setup.examples) {
    const code = el("pre", { class: "code", tabindex: "0", "aria-label": `Exemple ${example.client}` }, el("code", { text: example.code }));
    const copy = el("button", {
      type: "button",
      class: "secondary",
      text: "Copier",
      "aria-label": `Copier l'exemple ${example.client}`,
      onclick: () => copyText(example.code, copy),
    });
    list.append(el("li", {}, el("h4", { text: `${example.client} (${example.file})` }), code, copy));
  }
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copié";
  } catch {
    button.textContent = "Sélectionnez le texte pour le copier";
  }
  setTimeout(() => { button.textContent = "Copier"; }, 2000);
}

// Downloads are asked of the endpoint itself, in the format chosen.
const DOWNLOADS = {
  csv: { accept: "text/csv", file: "resultats.csv", kinds: ["SELECT"] },
  tsv: { accept: "text/tab-separated-values", file: "resultats.tsv", kinds: ["SELECT"] },
  json: { accept: "application/sparql-results+json", file: "resultats.json", kinds: ["SELECT", "ASK"] },
  turtle: { accept: "text/turtle", file: "graphe.ttl", kinds: ["CONSTRUCT", "DESCRIBE"] },
};

function updateDownloads() {
  const kind = workbench?.getTab()?.getYasqe()?.getQueryType();
  for (const button of document.querySelectorAll("#sparql-downloads [data-format]")) {
    button.disabled = !DOWNLOADS[button.dataset.format].kinds.includes(kind);
  }
}

$("#sparql-downloads").addEventListener("click", async (event) => {
  const format = DOWNLOADS[event.target.dataset?.format];
  if (!format || !workbench) return;
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: format.accept },
      body: new URLSearchParams({ query: workbench.getTab().getQuery() }),
    });
  } catch {
    $("#sparql-status").textContent = "Erreur : le serveur ne répond pas.";
    return;
  }
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    $("#sparql-status").textContent = `Erreur : ${ERROR_EXPLANATIONS[error.error] || response.status}`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: format.file });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url));
});
