// The ownership graph: GET /entities/{id}/graph drawn with Cytoscape,
// holders above what they hold, the roots on top.
import { api, showError } from "./api.js";
import { h } from "./dom.js";

const MAX_DEPTH = 6; // the API's bound on up and down
const SHARE_KINDS = new Set(["ownership", "voting"]);

// Node colours, one per class; the legend is drawn from the same list.
const LEGEND = [
  ["chinese-root", "#c62828", "Chinese root"],
  ["flagged", "#ef6c00", "controlled / flagged"],
  ["interest", "#f9c74f", "Chinese interest, not flagged"],
  ["clear", "#52b788", "clear"],
  ["unscored", "#ced4da", "unknown holder / not scored"],
];

const STYLE = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: 190,
      height: 62,
      "background-color": "#ced4da",
      "border-width": 1,
      "border-color": "#495057",
      label: "data(label)",
      "text-wrap": "wrap",
      "text-max-width": 178,
      "text-valign": "center",
      "text-halign": "center",
      "font-size": 12,
      "font-family": "system-ui, sans-serif",
      color: "#111",
    },
  },
  ...LEGEND.map(([cls, colour]) => ({ selector: "node." + cls, style: { "background-color": colour } })),
  { selector: "node.chinese-root", style: { color: "#fff" } },
  { selector: "node.person", style: { shape: "ellipse" } },
  { selector: "node.unknown", style: { "border-style": "dashed", "border-width": 2 } },
  { selector: "node.indeterminate", style: { "border-style": "dashed", "border-width": 3, "border-color": "#6f42c1" } },
  { selector: "node.focus", style: { "border-width": 4, "border-color": "#0b3d91", "border-style": "solid" } },
  { selector: "node.focus.indeterminate", style: { "border-style": "dashed" } },
  { selector: "node.more", style: { "outline-width": 3, "outline-color": "#adb5bd", "outline-offset": 3 } },
  { selector: "node:selected", style: { "overlay-opacity": 0.12 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "curve-style": "bezier",
      "edge-distances": "node-position", // bowAroundNodes measures from the centres
      "line-color": "#868e96",
      "target-arrow-color": "#868e96",
      "target-arrow-shape": "triangle",
      "line-style": "dashed",
      "line-dash-pattern": [6, 3],
      label: "data(label)",
      "text-wrap": "wrap",
      "font-size": 11,
      "font-family": "system-ui, sans-serif",
      color: "#343a40",
      "text-background-color": "#fff",
      "text-background-opacity": 0.9,
      "text-background-padding": 2,
    },
  },
  { selector: "edge.shares", style: { "line-style": "solid" } },
  // cross-holdings, A holds B and B holds A: wide apart, so both labels show
  { selector: "edge.mutual", style: { "control-point-step-size": 130 } },
  { selector: "edge.turned", style: { "text-rotation": "autorotate" } },
  { selector: "edge.evidence", style: { width: 3, "line-color": "#9d0208", "target-arrow-color": "#9d0208", color: "#9d0208" } },
  { selector: "edge.ended", style: { "line-style": "dotted", "line-color": "#ced4da", "target-arrow-color": "#ced4da" } },
];

// clip keeps a label to two lines of its box; the full name is the tooltip.
function clip(s, n) {
  return s.length <= n ? s : s.slice(0, n - 1).trimEnd() + "…";
}

function nodeClass(n) {
  if (n.chinese_root) return "chinese-root";
  if (n.flagged) return "flagged";
  if (n.verdict === "SIGNIFICANT" || n.verdict === "MINORITY") return "interest";
  if (n.verdict === "CLEAR" && n.kind !== "unknown") return "clear";
  return "unscored";
}

// elements turns a graph answer into Cytoscape elements. Links between the
// same two entities (a PSC's ownership, voting and board rights) become
// one drawn edge with a line per link, so their labels cannot overlap.
function elements(g, focus, evidencePairs) {
  const nodes = g.nodes.map((n) => ({
    group: "nodes",
    data: {
      id: n.id,
      label: clip(n.name || n.id, 46) + "\n" +
        (n.kind === "unknown" ? "unknown holder" : [n.jurisdiction, n.verdict || "not scored"].filter(Boolean).join(" · ")),
      entity: n,
    },
    classes: [nodeClass(n), n.kind, n.indeterminate ? "indeterminate" : "", n.id === focus ? "focus" : "",
      n.truncated ? "more" : ""].filter(Boolean).join(" "),
  }));
  const pairs = new Map();
  for (const e of g.edges) {
    const key = e.source + "\u0000" + e.target;
    if (!pairs.has(key)) pairs.set(key, { source: e.source, target: e.target, links: [] });
    pairs.get(key).links.push(e);
  }
  const edges = [...pairs.values()].map((p, i) => {
    const labels = [...new Set(p.links.map((e) => e.label + (e.end_date ? " (ended " + e.end_date + ")" : "")))];
    const cls = [];
    if (p.links.some((e) => SHARE_KINDS.has(e.kind))) cls.push("shares");
    if (p.links.every((e) => e.end_date)) cls.push("ended");
    if (evidencePairs.has(p.source + "\u0000" + p.target)) cls.push("evidence");
    if (pairs.has(p.target + "\u0000" + p.source)) cls.push("mutual");
    return {
      group: "edges",
      data: { id: "e" + i, source: p.source, target: p.target, label: labels.join("\n"), links: p.links },
      classes: cls.join(" "),
    };
  });
  return nodes.concat(edges);
}

// GraphPanel draws the neighbourhood of one entity, with buttons to widen it.
export class GraphPanel {
  // opts: {id, up, down, evidence (the explain view's evidence paths),
  // onOpen(id), onDepth(up, down)}
  constructor(opts) {
    this.opts = opts;
    this.up = opts.up;
    this.down = opts.down;
    this.status = h("span", { class: "muted", id: "graph-status" });
    this.upLabel = h("span", { id: "graph-up" });
    this.downLabel = h("span", { id: "graph-down" });
    this.box = h("div", { id: "graph", class: "graph" });
    const btn = (label, title, fn, id) => h("button", { type: "button", title, id, onclick: fn }, label);
    this.el = h("section", { class: "panel graph-panel" },
      h("div", { class: "toolbar" },
        h("span", { class: "group" }, "Owners above: ", this.upLabel,
          btn("−", "fewer levels of owners", () => this.depth(-1, 0), "up-less"),
          btn("+", "one more level of owners", () => this.depth(1, 0), "expand-up")),
        h("span", { class: "group" }, "Holdings below: ", this.downLabel,
          btn("−", "fewer levels of holdings", () => this.depth(0, -1), "down-less"),
          btn("+", "one more level of holdings", () => this.depth(0, 1), "expand-down")),
        btn("Fit", "fit the graph to the panel", () => this.cy && this.cy.fit(undefined, 24), "graph-fit"),
        this.status),
      this.box,
      (this.legend = legend()));
  }

  // setWords names the roots in the legend as the run's policy does (the
  // explain view's words; none: the China policies' words).
  setWords(words) {
    if (words) this.legend.replaceWith((this.legend = legend(words)));
  }

  depth(du, dd) {
    const up = Math.min(MAX_DEPTH, Math.max(0, this.up + du));
    const down = Math.min(MAX_DEPTH, Math.max(0, this.down + dd));
    if (up === this.up && down === this.down) return;
    this.up = up;
    this.down = down;
    if (this.opts.onDepth) this.opts.onDepth(up, down);
    this.load();
  }

  async load() {
    const { id } = this.opts;
    this.upLabel.textContent = this.up;
    this.downLabel.textContent = this.down;
    this.box.dataset.ready = "";
    this.status.textContent = "loading…";
    const seq = (this.seq = (this.seq || 0) + 1);
    let g;
    try {
      g = await api(`entities/${encodeURIComponent(id)}/graph?up=${this.up}&down=${this.down}`);
    } catch (e) {
      if (seq !== this.seq) return;
      this.status.textContent = "";
      showError(e, "ownership graph");
      return;
    }
    if (seq !== this.seq || !this.el.isConnected) return; // a newer request or another page
    this.draw(g);
  }

  draw(g) {
    if (!window.cytoscape) {
      showError(new Error("the graph library did not load (cytoscape.min.js)"), "ownership graph");
      return;
    }
    const pairs = new Set();
    for (const ev of this.opts.evidence || []) {
      for (const hop of ev.hops || []) pairs.add(hop.holder_id + "\u0000" + hop.held_id);
    }
    if (this.cy) this.cy.destroy();
    const cy = window.cytoscape({
      container: this.box,
      elements: elements(g, this.opts.id, pairs),
      style: STYLE,
      wheelSensitivity: 0.3,
      minZoom: 0.2,
      maxZoom: 2.5,
      boxSelectionEnabled: false,
    });
    this.cy = cy;
    window.uboGraph = cy; // for the browser tests and the console
    // holders on top: the roots are the entities nobody in view holds
    const roots = cy.nodes().filter((n) => n.indegree(false) === 0);
    cy.layout({
      name: "breadthfirst",
      directed: true,
      roots: roots.length ? roots : cy.getElementById(this.opts.id),
      maximal: true, // a holder above everything it holds, even past a skipped level
      spacingFactor: 0.9,
      avoidOverlap: true,
      nodeDimensionsIncludeLabels: true,
      padding: 24,
      animate: false,
    }).run();
    bowAroundNodes(cy);
    turnCrowdedLabels(cy);
    cy.fit(undefined, 24);
    if (cy.zoom() > 1.2) {
      cy.zoom(1.2);
      cy.center();
    }
    cy.on("tap", "node", (ev) => {
      const id = ev.target.id();
      if (id !== this.opts.id && this.opts.onOpen) this.opts.onOpen(id);
    });
    cy.on("mouseover", "node", (ev) => (this.box.title = ev.target.data("entity").name + "\n" + ev.target.id()));
    cy.on("mouseout", "node", () => (this.box.title = ""));
    const more = g.truncated ? "; some links are left out (widest entities marked with a grey ring)" : "";
    this.status.textContent = `${g.nodes.length} entities, ${g.edges.length} links${more}`;
    this.box.dataset.ready = "1";
  }

  destroy() {
    this.seq = (this.seq || 0) + 1;
    if (this.cy) this.cy.destroy();
    this.cy = null;
  }
}

// bowAroundNodes curves each edge that would cross another entity's box
// (a holder two levels up, as GLEIF's "ultimately consolidated by" links
// are) to the side of that box, so the box hides neither line nor label.
function bowAroundNodes(cy) {
  cy.edges().forEach((e) => {
    // room for the box's border and for half the label, which is centred on the curve
    const longest = Math.max(...String(e.data("label")).split("\n").map((l) => l.length));
    const margin = 16 + longest * 3.2;
    const src = e.source(), tgt = e.target();
    const s = src.position(), t = tgt.position();
    const dx = t.x - s.x, dy = t.y - s.y, len2 = dx * dx + dy * dy;
    if (!len2) return;
    const len = Math.sqrt(len2), nx = -dy / len, ny = dx / len; // unit normal
    let best = 0;
    cy.nodes().forEach((n) => {
      if (n.same(src) || n.same(tgt)) return;
      const p = n.position();
      const a = ((p.x - s.x) * dx + (p.y - s.y) * dy) / len2; // 0..1 along the edge
      if (a <= 0.05 || a >= 0.95) return;
      const off = (p.x - s.x) * nx + (p.y - s.y) * ny; // the box centre's side and distance
      const half = (Math.abs(nx) * n.outerWidth() + Math.abs(ny) * n.outerHeight()) / 2;
      const clear = half + margin - Math.abs(off);
      if (clear <= 0) return;
      // a quadratic curve with its control point at distance D from the
      // middle is 2a(1-a)·D away from the line at a
      const d = (off > 0 ? -1 : 1) * clear / (2 * a * (1 - a));
      if (Math.abs(d) > Math.abs(best)) best = d;
    });
    if (best) e.style({ "curve-style": "unbundled-bezier", "control-point-distances": [best], "control-point-weights": [0.5] });
  });
}

// turnCrowdedLabels turns the labels of edges that overlap another edge's
// label or an entity (edges converging on one holder) along their edges.
function turnCrowdedLabels(cy) {
  const labelBox = (e) => e.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
  const hit = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const edges = cy.edges().filter((e) => e.data("label"));
  const boxes = edges.map(labelBox);
  const nodes = cy.nodes().map((n) => n.boundingBox({ includeLabels: false }));
  edges.forEach((e, i) => {
    const crowded = boxes.some((b, j) => j !== i && hit(boxes[i], b)) || nodes.some((b) => hit(boxes[i], b));
    if (crowded) e.addClass("turned");
  });
}

function legend(words) {
  const text = (cls, chinese) =>
    !words ? chinese : cls === "chinese-root" ? words.root : cls === "interest" ? "interest held by " + words.roots + ", not flagged" : chinese;
  return h("div", { class: "legend", "aria-label": "legend" },
    LEGEND.map(([cls, colour, chinese]) =>
      h("span", { class: "key" }, h("span", { class: "swatch", style: "background:" + colour }), text(cls, chinese))),
    h("span", { class: "key" }, h("span", { class: "swatch focus" }), "this entity"),
    h("span", { class: "key" }, h("span", { class: "swatch open" }), "indeterminate"),
    h("span", { class: "key" }, h("span", { class: "line evidence" }), "evidence path"),
    h("span", { class: "key" }, h("span", { class: "line dashed" }), "control without shares"),
    h("span", { class: "key muted" }, "arrows point from holder to held; click an entity to open it"));
}
