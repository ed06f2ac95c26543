// CSV in and out of the screening page (RFC 4180: quoted fields, doubled
// quotes, CR LF or LF line ends, a leading byte order mark).

// parseCSV returns the records of text, each with the line it starts on;
// blank lines are no records.
export function parseCSV(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let rec = [], field = "", quoted = false, closed = false, line = 1, start = 1;
  const endField = () => {
    rec.push(field);
    field = "";
    closed = false;
  };
  const endRecord = () => {
    const blank = rec.length === 0 && field === "" && !closed;
    endField();
    if (!blank) records.push({ line: start, fields: rec });
    rec = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        closed = true;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === ",") {
      endField();
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      start = ++line;
    } else if (closed) {
      throw new Error(`line ${line}: text after a closing quote (double a quote inside a quoted field)`);
    } else if (c === '"') {
      if (field !== "") throw new Error(`line ${line}: a quote inside an unquoted field (quote the whole field and double the quote)`);
      quoted = true;
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error(`line ${start}: a quoted field is not closed`);
  if (field !== "" || closed || rec.length) endRecord();
  return records;
}

// COLUMNS a customer file may have, as `ubo screen` reads them.
export const COLUMNS = ["customer_id", "name", "country", "lei", "registration_number",
  "registration_country", "uscc", "identifiers", "address"];

// readCustomers turns CSV text into customers for POST /match, and the
// rows left out with the reason (as `ubo screen` rejects them).
export function readCustomers(text) {
  const records = parseCSV(text);
  if (!records.length) throw new Error("no rows: want a header line with at least customer_id,name");
  const header = records[0].fields.map((f) => f.trim().toLowerCase());
  const col = {};
  header.forEach((name, i) => {
    if (!COLUMNS.includes(name)) throw new Error(`header: unknown column "${records[0].fields[i]}" (columns: ${COLUMNS.join(", ")})`);
    if (name in col) throw new Error(`header: column "${name}" appears twice`);
    col[name] = i;
  });
  for (const need of ["customer_id", "name"]) {
    if (!(need in col)) throw new Error(`header: missing column "${need}" (required: customer_id, name)`);
  }
  const customers = [], rejects = [], seen = new Map();
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== header.length) {
      rejects.push({ line, reason: `${fields.length} fields, the header has ${header.length}` });
      continue;
    }
    const get = (name) => (name in col ? fields[col[name]].trim() : "");
    const c = {};
    for (const name of COLUMNS) {
      const v = get(name);
      if (!v) continue;
      c[name] = name === "identifiers" ? v.split(";").map((s) => s.trim()).filter(Boolean) : v;
    }
    if (!c.customer_id) { rejects.push({ line, reason: "customer_id missing" }); continue; }
    if (seen.has(c.customer_id)) {
      rejects.push({ line, reason: `customer_id ${c.customer_id} repeats line ${seen.get(c.customer_id)}` });
      continue;
    }
    seen.set(c.customer_id, line);
    if (!c.name) { rejects.push({ line, reason: "name missing" }); continue; }
    customers.push(c);
  }
  return { customers, rejects };
}

// toCSV writes records as Go's encoding/csv does (LF line ends, quotes only
// where needed), so the download reads like the CSV of ubo screen.
export function toCSV(records) {
  const q = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) || /^\s/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return records.map((r) => r.map(q).join(",")).join("\n") + "\n";
}
