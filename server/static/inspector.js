// The inspector: no framework and no build step; it talks to the admin API of the server that served it.
// It polls /health (cheap) and fetches a page of the chosen entity set only when the store's revision changed,
// and the recent requests only when the request count did. One request's headers and bodies load when it is clicked.
'use strict';
(() => {
  const base = '/_mockgraph';
  const PAGE = 50;
  const TOKEN_KEY = 'mockgraph-admin-token';
  const SET_KEY = 'mockgraph-entity-set';
  // How many scalar properties the table shows besides id.
  const COLUMNS = 6;
  // Longest text a table cell shows; the whole text is in its title (and, for a request, in its details).
  const CELL_CHARS = { path: 400, error: 300, value: 200 };
  const state = { set: sessionStorage.getItem(SET_KEY) || '', setsShown: '', again: false, offset: 0, total: 0, seenEntities: '', seenRequests: -1, loading: false };
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

  /** A run of %XX escapes decoded escape by escape: the longest valid UTF-8 sequence at each, an invalid escape kept raw. */
  function decodeRun(run) {
    const escapes = run.match(/%[0-9A-Fa-f]{2}/g) || [];
    let out = '';
    for (let i = 0; i < escapes.length; ) {
      let n = Math.min(4, escapes.length - i);
      for (; n > 0; n--) {
        try {
          out += decodeURIComponent(escapes.slice(i, i + n).join(''));
          break;
        } catch (e) {
          // shorter next
        }
      }
      if (n === 0) out += escapes[i++];
      else i += n;
    }
    return out;
  }

  /** A logged URL percent-decoded for reading; malformed escapes stay as sent, and invisible or bidi characters are shown escaped. */
  function decodeUrl(raw) {
    return String(raw)
      .replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
        try {
          return decodeURIComponent(run);
        } catch (e) {
          return decodeRun(run);
        }
      })
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => encodeURIComponent(c));
  }

  /** A table cell holding text cut to `max` characters, the whole text in its title. */
  function cell(value, max, className) {
    const td = document.createElement('td');
    const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    td.className = 'code' + (className ? ' ' + className : '');
    td.textContent = max && text.length > max ? text.slice(0, max) + '…' : text;
    if (max && text.length > max) td.title = text;
    return td;
  }

  function row(cells, className) {
    const tr = document.createElement('tr');
    tr.append(...cells);
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

  /** One page of the chosen set: the only entities the page ever fetches. */
  async function loadEntities() {
    const set = state.set ? '&set=' + encodeURIComponent(state.set) : '';
    const stored = await call('/entities?limit=' + PAGE + '&offset=' + state.offset + set);
    state.total = stored.total;
    if (stored.value.length === 0 && state.offset > 0 && state.total > 0) {
      state.offset = Math.max(0, Math.floor((state.total - 1) / PAGE) * PAGE);
      return loadEntities();
    }
    const columns = columnsOf(stored.value);
    const head = document.createElement('tr');
    for (const name of columns) {
      const th = document.createElement('th');
      th.textContent = name;
      head.appendChild(th);
    }
    $('profiles').querySelector('thead').replaceChildren(head);
    $('profiles').querySelector('tbody').replaceChildren(...stored.value.map((p) => row(columns.map((c) => cell(p[c], CELL_CHARS.value, 'wrap')))));
    $('profile-count').textContent = String(stored.total);
    const last = Math.min(state.offset + stored.value.length, stored.total);
    $('page').textContent = stored.total === 0 ? 'none' : state.offset + 1 + '–' + last + ' of ' + stored.total;
    $('prev').disabled = state.offset === 0;
    $('next').disabled = last >= stored.total;
  }

  function requestRow(q) {
    const time = cell(new Date(q.time).toLocaleTimeString());
    time.title = q.time;
    const tr = row([time, cell(q.method), cell(decodeUrl(q.path), CELL_CHARS.path, 'path'), cell(q.status), cell(q.error ? q.error + ': ' + q.message : '', CELL_CHARS.error, 'wrap'), cell(q.durationMs)], (q.status < 400 ? 'ok' : 'err') + ' pick');
    tr.dataset.id = String(q.id);
    tr.tabIndex = 0;
    return tr;
  }

  async function loadRequests() {
    const requests = await call('/requests?limit=50');
    $('requests').querySelector('tbody').replaceChildren(...requests.value.map(requestRow));
  }

  function element(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  /** What a body note says: its size, and whether the text shown is all of it. */
  function bodyNote(body) {
    if (!body) return 'no body';
    if (body.truncated && body.text === '') return 'not read (' + body.bytes + ' bytes): the request was refused before its body was parsed';
    if (body.truncated) return 'cut: the first ' + new TextEncoder().encode(body.text).length + ' of ' + body.bytes + ' bytes are shown (the log keeps 16 KiB per body)';
    return body.bytes + ' bytes';
  }

  /** A body's text, indented when it is whole JSON. */
  function bodyText(body) {
    if (!body.truncated) {
      try {
        return JSON.stringify(JSON.parse(body.text), null, 2);
      } catch (e) {
        // shown as logged
      }
    }
    return body.text;
  }

  function messageSection(title, message) {
    const out = [element('h3', title + ' headers')];
    const table = element('table', undefined, 'fields');
    for (const [name, value] of message.headers.fields) table.appendChild(row([cell(name), cell(value, 0, 'wrap')]));
    out.push(table);
    if (message.headers.cut) out.push(element('p', 'further headers not kept (the log keeps 8 KiB of headers per side)', 'note'));
    out.push(element('h3', title + ' body'), element('p', bodyNote(message.body), 'note'));
    if (message.body && message.body.text) out.push(element('pre', bodyText(message.body), 'body'));
    return out;
  }

  /** The details view of one logged request: summary, then request and response headers and bodies. */
  async function showDetails(id) {
    const dialog = $('details');
    $('details-title').textContent = 'Request ' + id;
    $('details-body').replaceChildren(element('p', 'loading…', 'note'));
    if (!dialog.open) dialog.showModal();
    let d;
    try {
      d = await call('/requests/' + encodeURIComponent(id));
    } catch (err) {
      if (err instanceof NeedsToken) {
        dialog.close();
        return showTokenForm();
      }
      return $('details-body').replaceChildren(element('p', err.message, 'err'));
    }
    $('details-title').textContent = d.method + ' · ' + d.status;
    const summary = element('dl');
    const facts = [
      ['URL', decodeUrl(d.path)],
      ['as logged', d.path],
      ['status', String(d.status)],
      ['duration', d.durationMs + ' ms'],
      ['time', d.time],
      ['request-id', d['request-id']],
    ];
    if (d.error) facts.push(['error', d.error + ': ' + d.message]);
    for (const [name, value] of facts) summary.append(element('dt', name), element('dd', value, 'code path'));
    const parts = [summary];
    if (d.request === null) parts.push(element('p', 'The headers and bodies of this request are no longer kept: the log keeps 4 MiB of them, newest first.', 'note'));
    else parts.push(...messageSection('Request', d.request), ...messageSection('Response', d.response));
    $('details-body').replaceChildren(...parts);
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
      const loads = [];
      if (force || health.revision + '/' + state.set + '/' + state.offset !== state.seenEntities) {
        loads.push(loadEntities().then(() => (state.seenEntities = health.revision + '/' + state.set + '/' + state.offset)));
      }
      if (force || health.requests !== state.seenRequests) loads.push(loadRequests().then(() => (state.seenRequests = health.requests)));
      await Promise.all(loads);
      $('token-form').hidden = true;
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
  const requestsBody = $('requests').querySelector('tbody');
  requestsBody.addEventListener('click', (event) => {
    const tr = event.target.closest('tr[data-id]');
    if (tr) showDetails(tr.dataset.id);
  });
  requestsBody.addEventListener('keydown', (event) => {
    const tr = event.target.closest('tr[data-id]');
    if (tr && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      showDetails(tr.dataset.id);
    }
  });
  $('details-close').addEventListener('click', () => $('details').close());
  refresh(true);
  setInterval(() => refresh(false), 2000);
})();
