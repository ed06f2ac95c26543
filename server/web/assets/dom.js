// Small DOM helpers. Every piece of data reaches the page as text nodes,
// never as HTML, so names from registries cannot inject markup.

// h builds an element: h("a", {href: "#/", class: "x"}, "text", child, ...).
// Attributes starting with "on" are listeners; null children are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// VERDICTS from strongest to weakest, with what each means for the badge,
// in the China policies' words (verdictTitle gives another policy's).
export const VERDICTS = {
  CHINESE_ENTITY: "a Chinese root itself",
  LISTED_ENTITY: "a listed root itself",
  ROOT_ENTITY: "a root of the policy itself",
  CONTROLLED: "controlled by a Chinese root",
  OWNED_50: "50% or more owned by Chinese roots or covered entities",
  JOINT_CONTROL: "jointly controlled with a Chinese side",
  SIGNIFICANT: "significant Chinese interest",
  MINORITY: "minority Chinese interest",
  CLEAR: "no ownership or control reaching a Chinese root",
};

// verdictTitle says what verdict means; words are the policy's for its
// roots (the explain view's "words"), absent for the China policies.
export function verdictTitle(verdict, words) {
  if (!words) return VERDICTS[verdict] || "";
  const root = words.root, roots = words.roots;
  return {
    CONTROLLED: "controlled by a " + root,
    OWNED_50: "50% or more owned by " + roots + " or covered entities",
    JOINT_CONTROL: "jointly controlled with a " + root + " or one it controls",
    SIGNIFICANT: "significant interest held by " + roots,
    MINORITY: "minority interest held by " + roots,
    CLEAR: "no ownership or control reaching a " + root,
  }[verdict] || "a " + root + " itself";
}

// verdictBadge shows a verdict, the flag and the indeterminate "could be".
export function verdictBadge(verdict, flagged, indeterminate, possible, words) {
  if (!verdict) return h("span", { class: "badge none", title: "not scored in the latest run" }, "not scored");
  const cls = "badge v-" + verdict.toLowerCase().replace(/_/g, "-");
  return h("span", { class: "verdict" },
    h("span", { class: cls, title: verdictTitle(verdict, words) }, verdict),
    flagged ? h("span", { class: "flag", title: "flagged by the policy" }, "⚑ flagged") : null,
    indeterminate ? h("span", { class: "open", title: "the data leaves the verdict open" }, possible ? "could be " + possible : "indeterminate") : null);
}

// entityHref is the shareable address of an entity's page.
export function entityHref(id) {
  return "#/entity/" + encodeURIComponent(id);
}

export function entityLink(id, name) {
  return h("a", { href: entityHref(id), title: id }, name || id);
}

// pct prints a percent with at most two decimals, as the Go side does.
export function pct(p) {
  return String(Number(p.toFixed(2))) + "%";
}

// shareText renders a model.Share: "60%", "(25%, 50%]" or "unknown".
export function shareText(s) {
  if (!s || !s.known) return "unknown";
  if (s.min === s.max && !s.min_exclusive && !s.max_exclusive) return pct(s.min);
  return (s.min_exclusive ? "(" : "[") + pct(s.min) + ", " + pct(s.max) + (s.max_exclusive ? ")" : "]");
}

// intervalText renders a certain..possible interval {min, max}.
export function intervalText(iv) {
  if (!iv) return "–";
  return iv.min === iv.max ? pct(iv.min) : pct(iv.min) + " certain – " + pct(iv.max) + " possible";
}

// linkText names a relationship: its share (when known) and kind.
export function linkText(kind, share) {
  if (share && share.known) return shareText(share) + " " + kind;
  if (kind === "ownership" || kind === "voting") return kind + " (share unknown)";
  return kind;
}
