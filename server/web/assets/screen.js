// The screening page: a customer CSV, pasted or read from a file, screened
// with POST /match in batches; the results as a table and as a CSV file
// with the columns of `ubo screen --format csv`.
import { api, showError } from "./api.js";
import { entityLink, h, pct, verdictBadge } from "./dom.js";
import { COLUMNS, readCustomers, toCSV } from "./csv.js";

const BATCH = 1000; // the server's default --max-batch
const CANDIDATES = 3; // candidate columns in the CSV, as ubo screen writes
const SHOWN = 2000; // rows drawn in the table; the download has every row

// state outlives the view, so that coming back from an entity shows the
// same results.
const state = { text: "", customers: [], rows: [], rejects: [] };

export function screenView(view) {
  document.title = "Screen customers — ubo";
  const ctl = new AbortController();
  const text = h("textarea", { id: "csv", rows: 9, spellcheck: "false", "aria-label": "customer CSV",
    placeholder: COLUMNS.slice(0, 7).join(",") + "\nACME-0001,Northbridge Sensors Limited,GB,,,,\n…" });
  text.value = state.text;
  const file = h("input", { type: "file", id: "csv-file", accept: ".csv,text/csv,text/plain" });
  const status = h("p", { class: "muted", id: "screen-status" });
  const rejects = h("div", { id: "screen-rejects" });
  const summary = h("p", { id: "screen-summary" });
  const table = h("div", { id: "screen-table" });
  const run = h("button", { type: "submit", id: "screen-run" }, "Screen");
  const download = h("button", { type: "button", id: "screen-download", disabled: true,
    onclick: () => saveCSV(state.rows) }, "Download results (CSV)");

  file.addEventListener("change", async () => {
    const f = file.files[0];
    if (!f) return;
    try {
      text.value = await f.text();
      status.textContent = `${f.name}: ${f.size} bytes read; press Screen.`;
    } catch (e) {
      showError(e, "reading " + f.name);
    }
  });

  const show = () => {
    rejects.replaceChildren(...rejectList(state.rejects));
    summary.replaceChildren(...summaryLine(state.rows));
    table.replaceChildren(resultTable(state.rows, state.customers));
    download.disabled = state.rows.length === 0;
  };

  const form = h("form", { class: "screen-form", onsubmit: async (ev) => {
    ev.preventDefault();
    state.text = text.value;
    let input;
    try {
      input = readCustomers(text.value);
    } catch (e) {
      showError(e, "customer CSV");
      return;
    }
    Object.assign(state, { customers: input.customers, rows: [], rejects: input.rejects });
    show();
    if (!input.customers.length) {
      status.textContent = "No customer to screen.";
      return;
    }
    run.disabled = true;
    try {
      await screenAll(input.customers, ctl.signal, (done) => {
        status.textContent = `screened ${done} of ${input.customers.length}…`;
        show();
      });
      status.textContent = `Screened ${state.rows.length} customers` +
        (state.rows[0] ? ` against run ${state.rows[0].run_id} (policy ${state.rows[0].policy}).` : ".");
    } catch (e) {
      if (e.name === "AbortError") return;
      status.textContent = `Stopped after ${state.rows.length} of ${input.customers.length} customers.`;
      showError(e, "screening");
    } finally {
      run.disabled = false;
      show();
    }
  } },
  h("label", { for: "csv" }, "Customer CSV, with a header line: ", h("span", { class: "mono" }, COLUMNS.join(",")),
    " (customer_id and name required; identifiers as SCHEME:value separated by ;)"),
  text,
  h("div", { class: "row" }, h("label", null, "or a file: ", file), run, download));

  view.append(h("section", { class: "panel" }, h("h1", null, "Screen customers"), form, status, rejects, summary, table));
  if (state.rows.length || state.rejects.length) show();
  return () => ctl.abort();
}

// screenAll posts the customers in batches, appending to state.rows; a
// server with a smaller --max-batch answers 413, and the batch is halved.
async function screenAll(customers, signal, progress) {
  let size = BATCH;
  for (let i = 0; i < customers.length;) {
    const batch = customers.slice(i, i + size);
    let res;
    try {
      res = await api("match", { method: "POST", body: { customers: batch }, signal });
    } catch (e) {
      if (e.code === "batch_too_large" && size > 1) {
        size = Math.max(1, Math.floor(size / 2));
        continue;
      }
      throw e;
    }
    state.rows.push(...res.results);
    i += batch.length;
    progress(i);
  }
}

function rejectList(rejects) {
  if (!rejects.length) return [];
  return [h("p", { class: "warn" }, `${rejects.length} ${rejects.length === 1 ? "row was" : "rows were"} left out:`),
    h("ul", { class: "plain rejects" }, rejects.map((r) => h("li", null, `line ${r.line}: ${r.reason}`)))];
}

function summaryLine(rows) {
  if (!rows.length) return [];
  const n = (f) => rows.filter(f).length;
  return [`${n((r) => r.status === "MATCHED")} matched (${n((r) => r.status === "MATCHED" && r.flagged)} flagged), `,
    `${n((r) => r.status === "REVIEW")} to review, ${n((r) => r.status === "NO_MATCH")} not found.`];
}

function resultTable(rows, customers) {
  if (!rows.length) return h("span");
  const byID = new Map(customers.map((c) => [c.customer_id, c]));
  const more = rows.length > SHOWN ? h("p", { class: "muted" }, `The table shows the first ${SHOWN} of ${rows.length} rows; the download has them all.`) : null;
  return h("div", null, more, h("table", { class: "data", id: "screen-results" },
    h("thead", null, h("tr", null, ["Customer", "Status", "Score", "Entity", "Verdict", "Flagged", "Reasons"].map((t) => h("th", null, t)))),
    h("tbody", null, rows.slice(0, SHOWN).map((r) => {
      const c = byID.get(r.customer_id) || {};
      return h("tr", { dataset: { status: r.status, customer: r.customer_id } },
        h("td", null, h("div", { class: "mono" }, r.customer_id), h("div", { class: "muted" }, c.name || "")),
        h("td", null, h("span", { class: "status s-" + r.status.toLowerCase().replace("_", "-") }, r.status)),
        h("td", { class: "num" }, r.score.toFixed(2)),
        h("td", null, entityCell(r)),
        h("td", null, r.entity_id ? verdictBadge(r.verdict, r.flagged, r.indeterminate, "") : "–",
          r.chinese_share && r.entity_id ? h("div", { class: "muted" }, "Chinese share " + share(r.chinese_share)) : null),
        h("td", null, r.flagged ? h("span", { class: "flag" }, "⚑ yes") : "no"),
        h("td", { class: "reasons" }, (r.reasons || []).join("; "), r.status === "REVIEW" ? h("div", { class: "muted" }, r.explanation) : null));
    }))));
}

function entityCell(r) {
  if (r.entity_id) return [entityLink(r.entity_id, r.entity_name), h("div", { class: "mono muted" }, r.entity_id)];
  if (r.status === "REVIEW") {
    return h("ul", { class: "plain" }, (r.candidates || []).map((c) => h("li", null,
      entityLink(c.entity_id, c.name), ` ? ${c.score.toFixed(2)}`, c.verdict ? " " + c.verdict : "")));
  }
  return "–";
}

function share(s) {
  return s.min === s.max ? pct(s.min) : pct(s.min) + "–" + pct(s.max);
}

// resultsCSV is the download: the columns and number formats of ubo screen.
export function resultsCSV(rows) {
  const header = ["customer_id", "status", "score", "entity_id", "entity_name", "matched_name", "reasons",
    "verdict", "indeterminate", "flagged", "chinese_share_min", "chinese_share_max", "explanation"];
  for (let i = 1; i <= CANDIDATES; i++) header.push(`candidate_${i}_entity_id`, `candidate_${i}_name`, `candidate_${i}_score`, `candidate_${i}_verdict`);
  header.push("run_id", "policy");
  const out = [header];
  for (const r of rows) {
    const rec = [r.customer_id, r.status, String(r.score), r.entity_id, r.entity_name, r.matched_name,
      (r.reasons || []).join("; "), r.verdict, String(r.indeterminate), String(r.flagged),
      r.chinese_share ? String(r.chinese_share.min) : "", r.chinese_share ? String(r.chinese_share.max) : "", r.explanation];
    for (let i = 0; i < CANDIDATES; i++) {
      const c = (r.candidates || [])[i];
      rec.push(...(c ? [c.entity_id, c.name, String(c.score), c.verdict || ""] : ["", "", "", ""]));
    }
    rec.push(r.run_id, r.policy);
    out.push(rec);
  }
  return toCSV(out);
}

function saveCSV(rows) {
  const url = URL.createObjectURL(new Blob([resultsCSV(rows)], { type: "text/csv;charset=utf-8" }));
  const a = h("a", { href: url, download: "screening-results.csv", hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// for the browser tests: the CSV the download button would save
window.uboScreenCSV = () => resultsCSV(state.rows);
