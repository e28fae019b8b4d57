/** Server-rendered HTML: the consent page, error pages and the sandbox index. Inline CSS only. */
import { SERVICE_IDS, SERVICE_NAMES, type ServiceId } from "./config.js";
import { escapeHtml } from "./http.js";

const BRAND: Record<ServiceId, string> = {
  trainerday: "#1f6feb",
  enduco: "#0f7b5f",
  fitrankings: "#b3261e",
  exorlive: "#6b3fa0",
};

function layout(service: ServiceId | undefined, title: string, body: string): string {
  const color = service ? BRAND[service] : "#333";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f5f5f7; color: #1b1b1f; }
  header { background: ${color}; color: #fff; padding: 1rem 1.5rem; }
  header p { margin: .25rem 0 0; font-size: .9rem; }
  h1 { margin: 0; font-size: 1.4rem; }
  main { max-width: 32rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem; border-radius: 8px;
         box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  label { font-weight: 600; }
  input[type=text] { display: block; width: 100%; box-sizing: border-box; margin: .25rem 0 1rem; padding: .5rem;
                     font-size: 1rem; border: 1px solid #888; border-radius: 4px; }
  fieldset { border: 1px solid #ccc; border-radius: 4px; margin: 0 0 1rem; padding: .75rem 1rem; }
  .scope { margin: .35rem 0; }
  .scope label { font-family: ui-monospace, monospace; }
  .desc { display: block; margin-left: 1.6rem; color: #444; font-size: .9rem; }
  .buttons { display: flex; gap: .75rem; }
  button { font-size: 1rem; padding: .55rem 1.4rem; border-radius: 4px; border: 1px solid ${color}; cursor: pointer; }
  button[value=approve] { background: ${color}; color: #fff; }
  button[value=deny] { background: #fff; color: ${color}; }
  button:focus-visible, input:focus-visible { outline: 3px solid #f9a825; outline-offset: 2px; }
  .error { color: #b3261e; font-weight: 600; }
  code { background: #eee; padding: 0 .2rem; border-radius: 3px; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export interface ConsentScope {
  id: string;
  description?: string;
}

export interface ConsentPageInput {
  service: ServiceId;
  clientId: string;
  requestId: string;
  /** Path of the decision endpoint the form posts to. */
  action: string;
  scopes: ConsentScope[];
  username: string;
  error?: string;
}

/** The consent page: a Username field, one checked checkbox per scope, Approve and Deny. */
export function renderConsentPage(input: ConsentPageInput): string {
  const name = SERVICE_NAMES[input.service];
  const scopeItems = input.scopes
    .map((scope, i) => {
      const id = `scope-${i}`;
      const describedBy = scope.description ? ` aria-describedby="${id}-desc"` : "";
      const desc = scope.description ? `<span class="desc" id="${id}-desc">${escapeHtml(scope.description)}</span>` : "";
      return `<div class="scope"><input type="checkbox" id="${id}" name="scope" value="${escapeHtml(scope.id)}" checked${describedBy}> <label for="${id}">${escapeHtml(scope.id)}</label>${desc}</div>`;
    })
    .join("\n");
  const scopes =
    input.scopes.length > 0
      ? `<fieldset><legend>Requested access (uncheck to refuse a scope)</legend>\n${scopeItems}\n</fieldset>`
      : `<p>The application asks for access to your ${escapeHtml(name)} data.</p>`;
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : "";
  const body = `<header><h1>${escapeHtml(name)} — sandbox</h1><p>Local test double, not the real ${escapeHtml(name)}.</p></header>
<main>
<p>The application <code>${escapeHtml(input.clientId)}</code> asks for access to your ${escapeHtml(name)} account.</p>
${error}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${escapeHtml(input.username)}" autocomplete="off" spellcheck="false" maxlength="64">
${scopes}
<div class="buttons">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
</main>`;
  return layout(input.service, `${name} — sandbox`, body);
}

/** An error page for requests that must not be redirected (unknown client, bad redirect URI…). */
export function renderErrorPage(service: ServiceId | undefined, message: string): string {
  const name = service ? SERVICE_NAMES[service] : "Sandbox";
  const body = `<header><h1>${escapeHtml(name)} — sandbox</h1><p>Local test double.</p></header>
<main><h2>Invalid request</h2><p class="error" role="alert">${escapeHtml(message)}</p></main>`;
  return layout(service, `${name} — sandbox: invalid request`, body);
}

/** The index page at `/`: the four services and their base URLs. */
export function renderIndexPage(baseUrl: string): string {
  const items = SERVICE_IDS.map(
    (id) => `<li><strong>${escapeHtml(SERVICE_NAMES[id])}</strong>: <code>${escapeHtml(`${baseUrl}/${id}`)}</code></li>`,
  ).join("\n");
  const body = `<header><h1>Training services — sandbox</h1><p>Local emulators of four services' OAuth endpoints.</p></header>
<main><h2>Base URLs</h2><ul>
${items}
</ul><p>Control API for tests: <code>${escapeHtml(baseUrl)}/__sandbox/health</code></p></main>`;
  return layout(undefined, "Training services — sandbox", body);
}
