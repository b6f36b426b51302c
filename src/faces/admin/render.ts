import type { AgentView, OperatorSnapshot, ServiceView, SessionHistory, SessionSummary } from '../../backends/operator-view.js';

/**
 * The operator's page as HTML, rendered here only: the first answer and every live update carry
 * the same fragments, so the browser script never builds markup. Every value from the store or the
 * configuration goes through `esc`. Instants are written as `data-at` (a clock time) or
 * `data-since` (an age the script counts up), in ms, so a snapshot's HTML changes only with it.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Without the script, the UTC clock time; the script writes the browser's local time over it. */
const at = (ms: number) => `<time data-at="${ms}" datetime="${new Date(ms).toISOString()}">${new Date(ms).toISOString().slice(11, 19)}Z</time>`;
const since = (ms: number) => `<span class="age" data-since="${ms}"></span>`;
const badge = (text: string, kind = text) => `<span class="badge b-${esc(kind.toLowerCase().replace(/[^a-z_]/g, ''))}">${esc(text)}</span>`;
const sessionLink = (id: string) => `<a class="sid" href="/admin/sessions/${encodeURIComponent(id)}" data-session="${esc(id)}">${esc(id)}</a>`;
/** A table that turns into labelled cards on a narrow screen (each cell says its column). */
function table(heads: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const body = rows.map((r) => `<tr>${r.map((cell, i) => `<td data-label="${esc(heads[i])}"><div>${cell}</div></td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${heads.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

function channels(s: OperatorSnapshot): string {
  const rows = s.channels.map((c) => {
    const use =
      c.license !== undefined && c.used !== undefined
        ? `<meter min="0" max="${Math.max(c.license, 1)}" value="${c.used}"></meter> <b>${c.used}</b> / ${c.license}`
        : '<span class="muted">not counted here</span>';
    return [`<b>${c.id}</b>`, c.enabled ? badge('enabled') : badge('disabled'), use];
  });
  return table(['Channel', 'State', 'Licenses used'], rows, 'no channels configured');
}

const serviceRow = (v: ServiceView) => [
  `${v.channelId}`,
  `<b>${esc(v.code)}</b>${v.name !== v.code ? ` <span class="muted">${esc(v.name)}</span>` : ''}${v.vendorQueue ? ` <span class="muted">queue ${esc(v.vendorQueue)}</span>` : ''}`,
  v.state ? badge(v.state) : '<span class="muted">—</span>',
  v.queued === undefined ? '<span class="muted">—</span>' : `<b>${v.queued}</b>`,
  v.oldestQueuedAt !== undefined ? since(v.oldestQueuedAt) : '<span class="muted">—</span>',
];

function agentRow(a: AgentView): string[] {
  const states = a.loggedIn
    ? a.channels
        .map(
          (c) =>
            `<span class="login">${c.channelId} ${c.ready ? badge('ready') : badge(c.reason ? `not ready: ${c.reason}` : 'not ready', 'not_ready')} ${c.load}/${c.capacity}</span>`,
        )
        .join(' ')
    : badge('logged out', 'logged_out');
  return [
    `<b>${esc(a.displayName)}</b>${a.displayName !== a.username ? ` <span class="muted">${esc(a.username)}</span>` : ''}`,
    states,
    a.sessions.length > 0 ? a.sessions.map(sessionLink).join(' ') : '<span class="muted">—</span>',
  ];
}

const sessionRow = (s: SessionSummary) => [
  sessionLink(s.id),
  `${s.channelId} · ${esc(s.serviceCode)}`,
  badge(s.status),
  s.agent !== undefined ? esc(s.agent) : '<span class="muted">—</span>',
  at(s.createdAt),
  s.closedAt !== undefined ? at(s.closedAt) : '<span class="muted">—</span>',
];

/** The live parts of the page, by element id. */
export function sections(s: OperatorSnapshot): Record<string, string> {
  return {
    channels: channels(s),
    services: table(['Channel', 'Service', 'State', 'Queued', 'Longest wait'], s.services.map(serviceRow), 'no services configured'),
    agents: table(['Agent', 'Channels (state, load/capacity)', 'Sessions'], s.agents.map(agentRow), 'no agents configured'),
    sessions: table(['Session', 'Channel · service', 'Status', 'Agent', 'Created', 'Closed'], s.sessions.map(sessionRow), 'no sessions yet'),
    unavailable: s.unavailable.map((u) => `<p class="note">${esc(u)}</p>`).join(''),
  };
}

const TITLES: Array<[string, string]> = [
  ['channels', 'Channels'],
  ['services', 'Services'],
  ['agents', 'Agents'],
  ['sessions', 'Latest sessions'],
];

function shell(title: string, backend: string, now: number, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="/admin/icon.svg">
<link rel="stylesheet" href="/admin/admin.css">
<script src="/admin/admin.js" defer></script>
</head>
<body data-now="${now}">
<header><h1><a href="/admin">mcc-bridge</a></h1><span class="badge b-backend">${esc(backend)}</span><span id="live" class="live">static</span></header>
${main}
</body>
</html>
`;
}

/** The whole page: every section rendered now; the script keeps them live. */
export function page(s: OperatorSnapshot, now: number): string {
  const parts = sections(s);
  const main = `<main>
<div id="unavailable">${parts.unavailable}</div>
${TITLES.map(([id, title]) => `<section aria-labelledby="h-${id}"><h2 id="h-${id}">${title}</h2><div id="${id}">${parts[id]}</div></section>`).join('\n')}
<aside id="history" class="history" tabindex="-1" hidden></aside>
</main>`;
  return shell('mcc-bridge · operator', s.backend, now, main);
}

/** A page saying why there is nothing to show (the store is down). */
export function unavailablePage(backend: string, message: string, now: number): string {
  return shell('mcc-bridge · operator', backend, now, `<main><p class="note">${esc(message)}</p></main>`);
}

/** One session's life: the fragment the script shows beside the lists, or the body of its own page. */
export function history(h: SessionHistory): string {
  const s = h.session;
  const facts = [
    ['Status', badge(s.status)],
    ['Channel · service', `${s.channelId} · ${esc(s.serviceCode)}`],
    ...(s.agent !== undefined ? [['Agent', esc(s.agent)]] : []),
    ...(s.queuePosition !== undefined ? [['Place in queue', String(s.queuePosition)]] : []),
  ];
  const steps = h.steps
    .map(
      (x) =>
        `<li>${at(x.at)} <b>${esc(x.what)}</b>${x.agent !== undefined ? ` · ${esc(x.agent)}` : ''}${x.detail !== undefined ? ` <span class="muted">(${esc(x.detail)})</span>` : ''}</li>`,
    )
    .join('');
  return `<div class="history-head"><h2>Session <span class="sid">${esc(s.id)}</span></h2><a class="close" href="/admin" data-close>close</a></div>
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<ol class="steps">${steps}</ol>
${h.notes.map((n) => `<p class="muted">${esc(n)}</p>`).join('')}`;
}

export function historyPage(backend: string, h: SessionHistory, now: number): string {
  return shell(`mcc-bridge · session ${h.session.id}`, backend, now, `<main><aside class="history">${history(h)}</aside></main>`);
}
