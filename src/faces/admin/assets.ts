/**
 * The page's only assets (style, script, icon), served by the bridge itself (no CDN, no build step), so the page
 * works offline and under a CSP that allows nothing but its own origin.
 */

/** The tab's icon (else the browser asks for /favicon.ico, which is nobody's). */
export const ADMIN_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f5fbf"/><path d="M3 11V5l2.5 3L8 5l2.5 3L13 5v6" fill="none" stroke="#fff" stroke-width="1.6"/></svg>`;

export const ADMIN_CSS = `
:root { color-scheme: light dark; --fg: #1d2430; --bg: #f6f7f9; --card: #fff; --line: #dde1e7; --muted: #677183;
  --ok: #17794a; --warn: #9a6200; --bad: #b42318; --info: #1f5fbf; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --bg: #14171c; --card: #1d2128; --line: #313844; --muted: #97a1b2;
  --ok: #4cc38a; --warn: #e3a53b; --bad: #f06a5f; --info: #6ea8ff; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: .6rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 1.1rem; margin: 0 auto 0 0; }
header a { color: inherit; text-decoration: none; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 34rem), 1fr)); gap: 1rem; padding: 1rem; max-width: 110rem; margin: 0 auto; }
section, .history { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .6rem .9rem; min-width: 0; }
h2 { font-size: 1rem; margin: .2rem 0 .5rem; }
#unavailable:empty { display: none; }
#unavailable, .history { grid-column: 1 / -1; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .3rem .4rem; border-top: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .85rem; border-top: 0; }
meter { width: 6rem; vertical-align: middle; }
.muted, .empty { color: var(--muted); }
.note { margin: 0; padding: .5rem .8rem; border-left: 3px solid var(--warn); background: var(--card); }
.sid { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; overflow-wrap: anywhere; }
a.sid { color: var(--info); }
.login { white-space: nowrap; margin-right: .4rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .8rem; font-size: .8rem; border: 1px solid currentColor; white-space: nowrap; }
.b-active, .b-ready, .b-enabled, .b-assigned { color: var(--ok); }
.b-queued, .b-booked, .b-new, .b-overtime, .b-not_ready { color: var(--warn); }
.b-disabled, .b-no_license, .b-out_of_service, .b-service_not_enabled, .b-channel_not_enabled, .b-unknown_service { color: var(--bad); }
.b-closed, .b-logged_out, .b-backend, .b-unknow { color: var(--muted); }
.live { font-size: .8rem; color: var(--muted); }
.live.on { color: var(--ok); }
.history-head { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; }
.history dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .4rem 0; }
.history dt { color: var(--muted); }
.history dd { margin: 0; }
.steps { margin: .4rem 0; padding-left: 1.4rem; }
/* A phone: every row a card, each cell labelled with its column. */
@media (max-width: 40rem) {
  main { padding: .5rem; gap: .6rem; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border-top: 1px solid var(--line); padding: .3rem 0; }
  td { border: 0; padding: .1rem 0; display: flex; gap: .6rem; align-items: baseline; }
  td::before { content: attr(data-label); color: var(--muted); font-size: .8rem; flex: 0 0 7.5rem; }
  td > div { min-width: 0; }
  .login { white-space: normal; }
}
`;

export const ADMIN_JS = `'use strict';
(function () {
  var body = document.body;
  var live = document.getElementById('live');
  var history = document.getElementById('history');
  // The server's clock minus ours: ages and times are counted from the server's instants.
  var skew = Number(body.dataset.now) - Date.now();

  function age(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll('[data-since]').forEach(function (el) { el.textContent = age(now - Number(el.dataset.since)); });
  }
  function localTimes(root) {
    root.querySelectorAll('time[data-at]').forEach(function (el) { el.textContent = new Date(Number(el.dataset.at)).toLocaleTimeString(); });
  }
  localTimes(document);
  tick();
  setInterval(tick, 1000);

  if (window.EventSource && history) {
    var events = new EventSource('/admin/events');
    events.addEventListener('snapshot', function (m) {
      var d = JSON.parse(m.data);
      skew = d.now - Date.now();
      Object.keys(d.sections).forEach(function (id) {
        var el = document.getElementById(id);
        if (el) { el.innerHTML = d.sections[id]; localTimes(el); }
      });
      tick();
      live.textContent = 'live';
      live.className = 'live on';
      body.dataset.updated = String(d.now);
    });
    events.addEventListener('unavailable', function (m) {
      live.textContent = JSON.parse(m.data).message;
      live.className = 'live';
    });
    events.onerror = function () { live.textContent = 'reconnecting…'; live.className = 'live'; };
  }

  function closeHistory() { history.hidden = true; history.innerHTML = ''; }
  document.addEventListener('click', function (ev) {
    var target = ev.target instanceof Element ? ev.target : null;
    if (!history || !target) return;
    if (target.closest('[data-close]')) { ev.preventDefault(); closeHistory(); return; }
    var link = target.closest('a[data-session]');
    if (!link) return;
    ev.preventDefault();
    fetch(link.getAttribute('href') + '?part=history', { headers: { accept: 'text/html' } })
      .then(function (res) { return res.text().then(function (text) { return { ok: res.ok, text: text }; }); })
      .then(function (r) {
        history.innerHTML = r.ok ? r.text : '<p class="note">this session is no longer in the store</p>';
        localTimes(history);
        history.hidden = false;
        history.focus();
        history.scrollIntoView({ block: 'nearest' });
      });
  });
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape' && history && !history.hidden) closeHistory(); });
})();
`;
