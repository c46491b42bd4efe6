// The inspector: no framework and no build step; it talks to the admin API of the server that served it.
// It polls /health (cheap) and fetches a page of the chosen entity set and the recent requests only when they changed.
'use strict';
(() => {
  const base = '/_mockgraph';
  const PAGE = 50;
  const TOKEN_KEY = 'mockgraph-admin-token';
  const SET_KEY = 'mockgraph-entity-set';
  // How many scalar properties the table shows besides id.
  const COLUMNS = 6;
  const state = { set: sessionStorage.getItem(SET_KEY) || '', setsShown: '', again: false, offset: 0, total: 0, seen: '', loading: false };
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

  /** Keeps the set chooser in step with the sets /health reports, and the choice on one of them. */
  function showSets(counts) {
    const paths = Object.keys(counts || {});
    if (!paths.includes(state.set)) state.set = paths[0] || '';
    const select = $('set');
    // Rebuilt only when something changed, so that an open chooser is not closed by the next poll.
    const shown = JSON.stringify([counts, state.set]);
    if (shown === state.setsShown) return;
    state.setsShown = shown;
    const options = paths.map((path) => {
      const option = document.createElement('option');
      option.value = path;
      option.textContent = path + ' (' + counts[path] + ')';
      return option;
    });
    select.replaceChildren(...options);
    select.value = state.set;
  }

  /** id, then the first few properties that hold a scalar in some entity of the page, in the entities' own order. */
  function columnsOf(entities) {
    const keys = [];
    for (const e of entities) for (const k of Object.keys(e)) if (k !== 'id' && !keys.includes(k)) keys.push(k);
    const scalar = (v) => v !== null && v !== undefined && typeof v !== 'object';
    return ['id', ...keys.filter((k) => entities.some((e) => scalar(e[k]))).slice(0, COLUMNS)];
  }

  function showTokenForm(message) {
    $('token-form').hidden = false;
    $('token-error').textContent = message || '';
    $('status').textContent = 'waiting for the admin token';
  }

  async function load() {
    const set = state.set ? '&set=' + encodeURIComponent(state.set) : '';
    const [stored, requests] = await Promise.all([call('/entities?limit=' + PAGE + '&offset=' + state.offset + set), call('/requests?limit=50')]);
    state.total = stored.total;
    if (stored.value.length === 0 && state.offset > 0 && state.total > 0) {
      state.offset = Math.max(0, Math.floor((state.total - 1) / PAGE) * PAGE);
      return load();
    }
    const columns = columnsOf(stored.value);
    const head = document.createElement('tr');
    for (const name of columns) {
      const th = document.createElement('th');
      th.textContent = name;
      head.appendChild(th);
    }
    $('profiles').querySelector('thead').replaceChildren(head);
    $('profiles').querySelector('tbody').replaceChildren(...stored.value.map((p) => row(columns.map((c) => p[c]))));
    $('profile-count').textContent = String(stored.total);
    const last = Math.min(state.offset + stored.value.length, stored.total);
    $('page').textContent = stored.total === 0 ? 'none' : state.offset + 1 + '–' + last + ' of ' + stored.total;
    $('prev').disabled = state.offset === 0;
    $('next').disabled = last >= stored.total;
    $('requests').querySelector('tbody').replaceChildren(...requests.value.map((q) => row([q.time, q.method, q.path, q.status, q.error ? q.error + ': ' + q.message : '', q.durationMs], q.status < 400 ? 'ok' : 'err')));
    $('token-form').hidden = true;
  }

  async function refresh(force) {
    // A forced refresh (a click) while a poll is loading runs right after it.
    if (state.loading) {
      state.again = state.again || force;
      return;
    }
    state.loading = true;
    try {
      const health = await call('/health');
      showSets(health.entitySets);
      const mark = health.revision + '/' + health.requests + '/' + state.set;
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
      if (state.again) {
        state.again = false;
        refresh(true);
      }
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
  $('set').addEventListener('change', () => {
    state.set = $('set').value;
    sessionStorage.setItem(SET_KEY, state.set);
    state.offset = 0;
    refresh(true);
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
