// The investigators' page of ubo serve: search, the entity view with its
// ownership graph, and customer screening, routed by the address's hash so
// every view can be shared as a link.
import { api, clearError, showError } from "./api.js";
import { entityHref, entityLink, h, intervalText, linkText, pct, shareText, verdictBadge } from "./dom.js";
import { GraphPanel } from "./graph.js";
import { screenView } from "./screen.js";
import { parseCSV } from "./csv.js";

const view = document.getElementById("view");
let cleanup = null; // the current view's teardown (the graph's Cytoscape)

// route draws the view the hash names: #/search/Q, #/entity/ID?up=N&down=M,
// #/screen, or the search page.
function route() {
  if (cleanup) cleanup();
  cleanup = null;
  clearError();
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query] = splitOnce(hash, "?");
  const [page, rest] = splitOnce(path, "/");
  const params = new URLSearchParams(query);
  let arg = "";
  try {
    arg = decodeURIComponent(rest);
  } catch {
    arg = rest;
  }
  view.replaceChildren();
  switch (page) {
    case "":
    case "search":
      return searchView(arg);
    case "entity":
      return entityView(arg, params);
    case "screen":
      cleanup = screenView(view);
      return;
    default:
      view.append(h("p", { class: "pad" }, "No such page. ", h("a", { href: "#/" }, "Search")));
  }
}

function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

// ---- search

async function searchView(q) {
  document.title = q ? `${q} — ubo` : "ubo";
  const input = document.getElementById("q");
  input.value = q;
  if (!q) {
    view.append(h("section", { class: "panel intro" },
      h("h1", null, "Who owns or controls it?"),
      h("p", null, "Search for a company or person by any name, alias or identifier (an LEI, a company number, a USCC). ",
        "Each entity's page shows whether its ownership or control reaches a Chinese parent, with the evidence paths and its ownership graph. ",
        "To screen a list of customers at once, use ", h("a", { href: "#/screen" }, "Screen customers"), "."),
      runLine()));
    input.focus();
    return;
  }
  const status = h("p", { class: "muted" }, "searching…");
  view.append(h("section", { class: "panel" }, h("h1", null, "Search: ", q), status));
  let res;
  try {
    res = await api("search?q=" + encodeURIComponent(q) + "&limit=50");
  } catch (e) {
    status.textContent = "";
    showError(e, "search");
    return;
  }
  const hits = res.hits || [];
  status.textContent = hits.length ? `${hits.length} ${hits.length === 1 ? "entity" : "entities"}` : "No entity matches. Try fewer words or an identifier.";
  if (!hits.length) return;
  status.after(h("table", { class: "data", id: "search-results" },
    h("thead", null, h("tr", null, ["Name", "ID", "Kind", "Jurisdiction", "Verdict", "Matched by"].map((t) => h("th", null, t)))),
    h("tbody", null, hits.map((x) => h("tr", { class: "clickable", dataset: { id: x.id }, onclick: (ev) => {
      if (ev.target.closest("a")) return;
      location.hash = entityHref(x.id);
    } },
    h("td", null, entityLink(x.id, x.name)),
    h("td", { class: "mono" }, x.id),
    h("td", null, x.kind),
    h("td", null, x.jurisdiction || "–"),
    h("td", null, verdictBadge(x.verdict, x.flagged, x.indeterminate, x.possible_verdict)),
    h("td", { class: "muted" }, x.matched_by || ""))))));
}

// runLine says which scoring run the verdicts come from.
function runLine() {
  const p = h("p", { class: "muted", id: "run-line" });
  api("runs").then((r) => {
    const run = (r.runs || []).find((x) => x.status === "complete");
    p.textContent = run
      ? `Verdicts from run ${run.id} (policy ${run.policy}, as of ${run.as_of}): ${run.entities} entities, ${Object.entries(run.counts || {}).map(([k, v]) => k + " " + v).join(", ")}.`
      : "No complete scoring run yet: run `ubo score` before searching for verdicts.";
  }, (e) => showError(e, "runs"));
  return p;
}

// ---- entity

function entityView(id, params) {
  const depth = (name, def) => {
    const n = parseInt(params.get(name), 10);
    return Number.isInteger(n) && n >= 0 && n <= 6 ? n : def;
  };
  const details = h("section", { class: "panel details" }, h("p", { class: "muted" }, "loading…"));
  const panel = new GraphPanel({
    id,
    up: depth("up", 3),
    down: depth("down", 1),
    onOpen: (other) => (location.hash = entityHref(other)),
    // the depth joins the address without redrawing the page
    onDepth: (up, down) => history.replaceState(null, "", `${entityHref(id)}?up=${up}&down=${down}`),
  });
  view.append(h("div", { class: "entity" }, details, panel.el));
  cleanup = () => panel.destroy();
  api("entities/" + encodeURIComponent(id)).then(
    (x) => {
      if (!details.isConnected) return;
      details.replaceChildren(...explainView(x).flat(Infinity).filter(Boolean));
      panel.setWords(x.words);
      document.title = (x.entity.name || x.entity.id) + " — ubo";
      panel.opts.evidence = x.result.evidence;
      panel.load();
    },
    (e) => {
      details.replaceChildren(h("h1", null, id));
      showError(e, "entity " + id);
      if (e.status === 404) panel.el.remove();
      else panel.load(); // the graph needs no scoring run
    });
}

function explainView(x) {
  const e = x.entity, r = x.result, names = x.names || {};
  const who = (id) => entityLink(id, names[id] || id);
  const list = (items, fn) => (items && items.length ? h("ul", { class: "plain" }, items.map((i) => h("li", null, fn(i)))) : null);
  const facts = [];
  const fact = (label, value) => value !== null && value !== undefined && value !== "" && facts.push(h("dt", null, label), h("dd", null, value));
  const where = [e.kind, e.jurisdiction && "incorporated in " + e.jurisdiction,
    e.hq_country && e.hq_country !== e.jurisdiction && "headquartered in " + e.hq_country,
    e.nationality && e.nationality.length && "national of " + e.nationality.join(", "),
    e.residence && "resident in " + e.residence, e.state_owned && "state-owned"].filter(Boolean).join(" · ");

  // The words come with the explain view (the same as 'ubo explain' prints);
  // a policy that does not call its roots Chinese sends its own.
  const words = x.words || CHINESE_WORDS;
  fact(capitalized(words.share), x.chinese_share_text);
  fact(capitalized(words.votes), x.chinese_votes_text);
  fact("Aggregate 50% rule", aggregateText(x, who));
  fact("Controlled by (roots)", list(r.controllers, who));
  fact("Joint controllers", list(r.joint_controllers, who));
  fact("Also known as", list(e.aliases, (a) => a));
  fact("Identifiers", list(e.identifiers, (i) => h("span", { class: "mono" }, i)));
  fact("Lists", list(e.lists, (l) => l));

  return [
    h("div", { class: "title" }, h("h1", { id: "entity-name" }, e.name || e.id),
      verdictBadge(r.verdict, r.flagged, r.indeterminate, r.possible_verdict, x.words)),
    h("p", { class: "meta" }, h("span", { class: "mono" }, e.id), where ? " · " + where : ""),
    h("p", { class: "summary", id: "summary" }, x.summary),
    r.explanation ? h("p", { class: "why" }, h("strong", null, "Why: "), r.explanation) : null,
    h("dl", { class: "facts" }, facts),
    evidenceTable(r.evidence || [], who, words),
    uncertainList(x.uncertain, who),
    list(x.notes, (n) => h("span", { class: "note" }, "Note: " + n)),
    h("h2", null, "Provenance"),
    h("dl", { class: "facts" },
      h("dt", null, "Source"), h("dd", null, [e.source, e.source_ref].filter(Boolean).join(" ") || "–"),
      h("dt", null, "Records"), h("dd", null, list(e.provenance, (p) => h("span", { class: "mono" }, p)) || "–"),
      h("dt", null, "Scoring run"), h("dd", null, `${x.run_id}, policy ${x.policy}, as of ${x.as_of}`)),
  ];
}

function aggregateText(x, who) {
  const a = x.aggregate;
  if (!a || !a.terms || !a.terms.length) return null;
  const cmp = a.inclusive ? "≥" : ">";
  return h("span", null, a.terms.map((t, i) => [i ? " + " : "", who(t.holder_id), ` ${shareText(t.share)} (${t.why})`]),
    ` = ${intervalText({ min: a.certain, max: a.possible })}, threshold ${cmp} ${a.threshold}%`);
}

// CHINESE_WORDS are the China policies' words (model.RootWords), which the
// explain view leaves out.
const CHINESE_WORDS = { root: "Chinese root", share: "Chinese ownership", votes: "Chinese-held votes" };

const capitalized = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function evidenceTable(evidence, who, words) {
  if (!evidence.length) return h("p", { class: "muted" }, `No evidence path: nothing above this entity reaches a ${words.root}.`);
  return [
    h("h2", null, `Evidence (${evidence.length} ${evidence.length === 1 ? "path" : "paths"}, strongest first)`),
    h("table", { class: "data evidence", id: "evidence" },
      h("thead", null, h("tr", null, h("th", null, "#"), h("th", null, "Path, root first"), h("th", { title: "the product of the hops' shares; links that are not shares (board, consolidation …) count as 100%" }, "Path share"))),
      h("tbody", null, evidence.map((ev, i) => h("tr", null,
        h("td", null, String(i + 1)),
        h("td", null,
          h("div", { class: "path-text" }, ev.explanation),
          h("ol", { class: "hops" }, (ev.hops || []).map((hop) => h("li", null,
            who(hop.holder_id), h("span", { class: "hop" }, ` —${linkText(hop.kind, hop.share)}→ `), who(hop.held_id),
            h("span", { class: "muted src" }, ` ${hop.source || ""} ${hop.source_ref || ""}`)))),
          ev.truncated ? h("div", { class: "muted" }, "truncated: the search reached its work budget; a stronger or longer path may exist") : null),
        h("td", { class: "num" }, pct(ev.share || 0))))))];
}

function uncertainList(items, who) {
  if (!items || !items.length) return null;
  return [h("h2", null, "What could change the verdict"),
    h("ul", { class: "plain uncertain" }, items.map((u) => h("li", null,
      who(u.holder_id), ` —${linkText(u.kind, u.share)}→ `, who(u.held_id),
      h("div", { class: "muted" }, u.why))))];
}

// ---- start

document.getElementById("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = document.getElementById("q").value.trim();
  if (q) location.hash = "#/search/" + encodeURIComponent(q);
});
window.addEventListener("hashchange", route);
// nothing fails silently: an error no view caught still reaches the error line
window.addEventListener("unhandledrejection", (ev) => showError(ev.reason, "unexpected"));
window.addEventListener("error", (ev) => showError(ev.error || ev.message, "unexpected"));
window.ubo = { parseCSV }; // for the browser tests and the console
route();
