// The inspector: no framework and no build step; it talks to the admin API of the server that served it.
// It polls /health (cheap) and fetches a page of profiles and the recent requests only when they changed.
'use strict';
(() => {
  const base = '/_mockgraph';
  const PAGE = 50;
  const TOKEN_KEY = 'mockgraph-admin-token';
  const state = { offset: 0, total: 0, seen: '', loading: false };
  const $ = (id) => document.getElementById(id);

  class NeedsToken extends Error {}

  function headers(extra) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return Object.assign(token ? { Authorization: 'Bearer ' + token } : {}, extra || {});
  }

  async function call(path, init) {
    const res = await fetch(base + path, Object.assign({}, init, { headers: headers(init && init.headers) }));
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) throw new NeedsToken();
    if (!res.ok) throw new Error((body.error && body.error.message) || 'HTTP ' + res.status);
    return body;
  }

  function row(cells, className) {
    const tr = document.createElement('tr');
    for (const value of cells) {
      const td = document.createElement('td');
      td.className = 'code';
      td.textContent = value === null || value === undefined ? '' : String(value);
      tr.appendChild(td);
    }
    if (className) tr.className = className;
    return tr;
  }

  function showTokenForm(message) {
    $('token-form').hidden = false;
    $('token-error').textContent = message || '';
    $('status').textContent = 'waiting for the admin token';
  }

  async function load() {
    const [profiles, requests] = await Promise.all([call('/profiles?limit=' + PAGE + '&offset=' + state.offset), call('/requests?limit=50')]);
    state.total = profiles.total;
    if (profiles.value.length === 0 && state.offset > 0 && state.total > 0) {
      state.offset = Math.max(0, Math.floor((state.total - 1) / PAGE) * PAGE);
      return load();
    }
    $('profiles').querySelector('tbody').replaceChildren(...profiles.value.map((p) => row([p.id, p.address, p.azureTenantId, p.riskScore, p.countHits, p.lastSeenDateTime, p.vendorInformation && p.vendorInformation.provider])));
    $('profile-count').textContent = String(profiles.total);
    const last = Math.min(state.offset + profiles.value.length, profiles.total);
    $('page').textContent = profiles.total === 0 ? 'none' : state.offset + 1 + '–' + last + ' of ' + profiles.total;
    $('prev').disabled = state.offset === 0;
    $('next').disabled = last >= profiles.total;
    $('requests').querySelector('tbody').replaceChildren(...requests.value.map((q) => row([q.time, q.method, q.path, q.status, q.error ? q.error + ': ' + q.message : '', q.durationMs], q.status < 400 ? 'ok' : 'err')));
    $('token-form').hidden = true;
  }

  async function refresh(force) {
    if (state.loading) return;
    state.loading = true;
    try {
      const health = await call('/health');
      const mark = health.revision + '/' + health.requests;
      if (force || mark !== state.seen) {
        await load();
        state.seen = mark;
      }
      $('status').textContent = (health.ready ? '' : 'NOT READY: ' + (health.reason || '') + ' · ') + 'checked ' + new Date().toLocaleTimeString();
    } catch (err) {
      if (err instanceof NeedsToken) showTokenForm(sessionStorage.getItem(TOKEN_KEY) ? 'that token was refused' : '');
      else $('status').textContent = 'cannot reach mockgraph: ' + err.message;
    } finally {
      state.loading = false;
    }
  }

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    refresh(true);
  });
  $('reset').addEventListener('click', async () => {
    try {
      await call('/reset', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      state.offset = 0;
      await refresh(true);
    } catch (err) {
      if (err instanceof NeedsToken) showTokenForm();
      else $('status').textContent = 'reset failed: ' + err.message;
    }
  });
  $('prev').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE);
    refresh(true);
  });
  $('next').addEventListener('click', () => {
    state.offset += PAGE;
    refresh(true);
  });
  refresh(true);
  setInterval(() => refresh(false), 2000);
})();
