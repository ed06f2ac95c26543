// The API client: JSON requests under api/v1, the bearer token (asked for
// on a 401 and kept for the browser tab in sessionStorage), and the one
// error line every failure is shown on.
const TOKEN_KEY = "ubo.token";
const base = new URL("api/v1/", document.baseURI);

// ApiError is a failed request: the HTTP status and the API's error code.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// api fetches path (relative to /api/v1/) and returns the decoded JSON,
// asking for a token and retrying when the server answers 401.
export async function api(path, options = {}) {
  for (;;) {
    const headers = { Accept: "application/json", ...(options.headers || {}) };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    let resp;
    try {
      resp = await fetch(new URL(path, base), {
        method: options.method || "GET",
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new ApiError(0, "network", "the server did not answer (" + e.message + ")");
    }
    if (resp.status === 401) {
      await askToken(token ? "The server refused that token." : "");
      continue;
    }
    const text = await resp.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: a proxy's page or a crash; say what came back
    }
    if (!resp.ok) {
      const e = body && body.error;
      if (e) throw new ApiError(resp.status, e.code, e.message);
      throw new ApiError(resp.status, "http_" + resp.status, (text || resp.statusText).slice(0, 200));
    }
    if (body === null) throw new ApiError(resp.status, "bad_answer", "the server's answer is not JSON");
    return body;
  }
}

// askToken shows the token form once for every request waiting on it.
let pending = null;
function askToken(note) {
  if (pending) return pending;
  const form = document.getElementById("token-form");
  const input = document.getElementById("token");
  document.getElementById("token-note").textContent = note;
  form.hidden = false;
  input.value = "";
  input.focus();
  pending = new Promise((resolve, reject) => {
    const done = () => {
      form.hidden = true;
      form.removeEventListener("submit", submit);
      cancel.removeEventListener("click", stop);
      pending = null;
    };
    const submit = (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      done();
      resolve();
    };
    const stop = () => {
      done();
      reject(new ApiError(401, "unauthorized", "an API token is required to read this server's data"));
    };
    const cancel = document.getElementById("token-cancel");
    form.addEventListener("submit", submit);
    cancel.addEventListener("click", stop);
  });
  return pending;
}

// showError adds a failure to the error line, in words; clearError empties
// it (on every navigation). Several failures of one view are all shown.
export function showError(err, what) {
  const line = document.getElementById("error");
  let msg = err && err.message ? err.message : String(err);
  if (err instanceof ApiError && err.status) msg += ` (${err.status} ${err.code})`;
  if (what) msg = what + ": " + msg;
  if ([...line.children].some((c) => c.textContent === msg)) return;
  const row = document.createElement("div");
  row.textContent = msg;
  line.append(row);
  line.hidden = false;
}

export function clearError() {
  const line = document.getElementById("error");
  line.replaceChildren();
  line.hidden = true;
}
