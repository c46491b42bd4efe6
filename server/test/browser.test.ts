import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { NOTE_EXAMPLE, NOTES_PATH, notesSchemaDir } from './extra-schemas';
import { docExampleBody, seededStore, testApp } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Debian's chromium and sets MOCKGRAPH_REQUIRE_BROWSER=1, so there a missing browser fails the run.
const available = existsSync(CHROMIUM);
if (!available && process.env.MOCKGRAPH_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
const describeInBrowser = available ? describe : describe.skip;
if (!available) process.stderr.write(`browser tests skipped: ${CHROMIUM} not installed (apt-get install -y chromium)\n`);

/** What predicates that run in the page use (the tests compile without the DOM library). */
type PageGlobals = { document: { getElementById(id: string): { textContent: string | null } | null } };

/** Where the inspector's screenshots go (outside the repository): MOCKGRAPH_SCREENSHOTS, else a folder in the temp dir. */
const SCREENSHOTS = process.env.MOCKGRAPH_SCREENSHOTS ?? join(tmpdir(), 'mockgraph-inspector-screenshots');
/** The width the inspector is checked at. */
const VIEWPORT = { width: 1280, height: 900 };

/** Waits until the inspector has answered `n` more polls of /health (each poll is one /health request). */
async function polls(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.waitForResponse((r) => new URL(r.url()).pathname === '/_mockgraph/health', { timeout: 10_000 });
}

async function listen(server: Server): Promise<string> {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A page on another origin that uses the mock with fetch, as a frontend would. */
const FRONTEND = (mock: string, body: unknown) => `<!doctype html><meta charset="utf-8"><title>frontend</title><pre id="out">running</pre>
<script>
(async () => {
  const headers = { Authorization: 'Bearer browser-token', 'Content-Type': 'application/json', 'client-request-id': 'from-the-browser' };
  const created = await fetch('${mock}/beta/security/ipSecurityProfiles', { method: 'POST', headers, body: JSON.stringify(${JSON.stringify(body)}) });
  const createdBody = await created.json();
  const list = await fetch('${mock}/beta/security/ipSecurityProfiles?$select=id,address', { headers });
  const listBody = await list.json();
  document.getElementById('out').textContent = JSON.stringify({
    status: created.status,
    location: created.headers.get('Location'),
    requestId: created.headers.get('request-id'),
    clientRequestId: created.headers.get('client-request-id'),
    id: createdBody.id,
    listed: listBody.value.map((p) => p.id),
  });
})().catch((e) => { document.getElementById('out').textContent = 'error: ' + e; });
</script>`;

describeInBrowser('in a real browser (Debian chromium, headless)', () => {
  let browser: Browser;
  let mock: Server;
  let mockUrl: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    mock = createServer(testApp({ publicOrigin: undefined }));
    mockUrl = await listen(mock);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    mock?.closeAllConnections();
    mock?.close();
  });

  test('a page on another origin creates and lists profiles with fetch and a bearer token: preflight and exposed headers work', async () => {
    const frontend = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(FRONTEND(mockUrl, docExampleBody())));
    const frontendUrl = await listen(frontend);
    try {
      expect(new URL(frontendUrl).port).not.toBe(new URL(mockUrl).port);
      const page = await browser.newPage();
      await page.goto(frontendUrl);
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('out')?.textContent !== 'running', undefined, { timeout: 10_000 });
      const result = JSON.parse((await page.textContent('#out')) ?? '{}') as Record<string, unknown>;
      expect(result).toMatchObject({ status: 201, clientRequestId: 'from-the-browser', requestId: expect.any(String) });
      expect(result.location).toBe(`${mockUrl}/beta/security/ipSecurityProfiles/${String(result.id)}`);
      expect(result.listed).toContain(result.id);
    } finally {
      frontend.closeAllConnections();
      frontend.close();
    }
  });

  test('a page on another site cannot reset the sandbox: neither an auto-submitted form nor a no-cors fetch', async () => {
    await fetch(`${mockUrl}/beta/security/ipSecurityProfiles`, { method: 'POST', headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' }, body: JSON.stringify({ ...docExampleBody(), id: 'must-survive' }) });
    const attack = `<!doctype html><meta charset="utf-8"><title>attack</title>
<iframe name="sink"></iframe>
<form id="f" method="POST" action="${mockUrl}/_mockgraph/reset" target="sink" enctype="text/plain"><input name='{"a":"' value='"}'></form>
<pre id="out">running</pre>
<script>
(async () => {
  document.getElementById('f').submit();
  await fetch('${mockUrl}/_mockgraph/reset', { method: 'POST', mode: 'no-cors', body: '{}', headers: { 'Content-Type': 'text/plain' } }).catch(() => {});
  await fetch('${mockUrl}/_mockgraph/reset', { method: 'POST', mode: 'no-cors' }).catch(() => {});
  let read = 'blocked';
  try { read = JSON.stringify(await (await fetch('${mockUrl}/_mockgraph/profiles')).json()); } catch (e) { read = 'blocked'; }
  setTimeout(() => { document.getElementById('out').textContent = 'done:' + read; }, 500);
})();
</script>`;
    // The attacking page is served from another host name, as a real third-party site would be.
    const site = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(attack));
    const siteUrl = (await listen(site)).replace('127.0.0.1', 'localhost');
    try {
      const page = await browser.newPage();
      await page.goto(siteUrl);
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('out')?.textContent?.startsWith('done:') === true, undefined, { timeout: 10_000 });
      expect(await page.textContent('#out')).toBe('done:blocked');
      const list = (await (await fetch(`${mockUrl}/beta/security/ipSecurityProfiles/must-survive`, { headers: { Authorization: 'Bearer x' } })).json()) as { id?: string };
      expect(list.id).toBe('must-survive');
    } finally {
      site.closeAllConnections();
      site.close();
    }
  });

  test('the inspector cannot be framed by another page (frame-ancestors none)', async () => {
    const framing = `<!doctype html><meta charset="utf-8"><iframe id="victim" src="${mockUrl}/_mockgraph/"></iframe>`;
    const site = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(framing));
    const siteUrl = await listen(site);
    try {
      const page = await browser.newPage();
      let timer: NodeJS.Timeout | undefined;
      const blocked = new Promise<boolean>((resolve) => {
        page.on('console', (m) => {
          if (/frame-ancestors|Refused to frame/i.test(m.text())) resolve(true);
        });
        timer = setTimeout(() => resolve(false), 8_000);
      }).finally(() => clearTimeout(timer));
      await page.goto(siteUrl);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const loaded = frame ? await frame.evaluate(() => (globalThis as unknown as PageGlobals).document.getElementById('reset') !== null).catch(() => false) : false;
      expect(loaded).toBe(false);
      expect(await blocked).toBe(true);
    } finally {
      site.closeAllConnections();
      site.close();
    }
  });

  test('with --admin-token the inspector asks for the token once, then shows data and resets', async () => {
    const locked = createServer(testApp({ publicOrigin: undefined, adminToken: 'inspector-token-123', seed: [{ ...docExampleBody(), id: 'behind-the-token' }] }));
    const url = await listen(locked);
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/_mockgraph/`);
      await page.waitForSelector('#token-form:not([hidden])', { timeout: 10_000 });
      await page.fill('#token', 'inspector-token-123');
      await page.click('#token-form button[type=submit]');
      await page.waitForSelector('text=behind-the-token', { timeout: 10_000 });
      // A write through the API shows up at the next poll, because the revision changed.
      await fetch(`${url}/beta/security/ipSecurityProfiles`, { method: 'POST', headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' }, body: JSON.stringify({ ...docExampleBody(), id: 'added-later' }) });
      await page.waitForSelector('text=added-later', { timeout: 10_000 });
      await page.click('#reset');
      await page.waitForFunction(() => !(globalThis as unknown as PageGlobals).document.getElementById('profiles')?.textContent?.includes('added-later'), undefined, { timeout: 10_000 });
      expect(await page.textContent('#profile-count')).toBe('1');
    } finally {
      locked.closeAllConnections();
      locked.close();
    }
  });

  test("the inspector's set chooser shows the chosen set's entities with that set's own columns, paging as before", async () => {
    const notes = Array.from({ length: 55 }, (_, i) => ({ ...NOTE_EXAMPLE, id: `note-${String(i + 1).padStart(2, '0')}`, title: `Note number ${i + 1}` }));
    const server = createServer(testApp({ publicOrigin: undefined, schemaDirs: [notesSchemaDir()], seed: { 'security/ipSecurityProfiles': [{ ...docExampleBody(), id: 'a-profile' }], [NOTES_PATH]: notes } }));
    const url = await listen(server);
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/_mockgraph/`);
      await page.waitForSelector('text=a-profile', { timeout: 10_000 });
      expect(await page.$$eval('#set option', (options) => options.map((o) => (o as unknown as { textContent: string }).textContent))).toEqual(['security/ipSecurityProfiles (1)', 'security/secureScoreControlProfiles (0)', `${NOTES_PATH} (55)`, 'security/tiIndicators (0)']);
      expect(await page.textContent('#profiles thead')).toContain('address');
      await page.selectOption('#set', NOTES_PATH);
      await page.waitForSelector('text=note-01', { timeout: 10_000 });
      expect(await page.$$eval('#profiles thead th', (ths) => ths.map((th) => (th as unknown as { textContent: string }).textContent))).toEqual(['id', 'title', 'city', 'severity', 'createdDateTime']);
      expect(await page.textContent('#profiles')).not.toContain('a-profile');
      expect([await page.textContent('#profile-count'), await page.textContent('#page')]).toEqual(['55', '1–50 of 55']);
      await page.click('#next');
      await page.waitForSelector('text=note-55', { timeout: 10_000 });
      expect(await page.textContent('#page')).toBe('51–55 of 55');
      // An entity created in that set through the admin API shows up at the next poll.
      await fetch(`${url}/_mockgraph/entities/${NOTES_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...NOTE_EXAMPLE, id: 'note-56' }) });
      await page.waitForSelector('text=note-56', { timeout: 10_000 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('the inspector page shows a profile created through the API, and its reset button works', async () => {
    await fetch(`${mockUrl}/beta/security/ipSecurityProfiles`, { method: 'POST', headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' }, body: JSON.stringify({ ...docExampleBody(), id: 'seen-in-the-inspector', address: '198.51.100.23' }) });
    const page = await browser.newPage();
    await page.goto(`${mockUrl}/_mockgraph/`);
    await page.waitForSelector('text=seen-in-the-inspector', { timeout: 10_000 });
    expect(await page.textContent('#profiles')).toContain('198.51.100.23');
    expect(await page.textContent('#requests')).toContain('POST');
    await page.click('#reset');
    await page.waitForFunction(() => !(globalThis as unknown as PageGlobals).document.getElementById('profiles')?.textContent?.includes('seen-in-the-inspector'), undefined, { timeout: 10_000 });
    expect(await page.textContent('#profile-count')).toBe('0');
  });
  test('a long $skiptoken path wraps: at 1,280 px the status, error and ms columns stay in view, and paths are shown decoded', async () => {
    const server = createServer(testApp({ publicOrigin: undefined }));
    const url = await listen(server);
    try {
      const token = Array.from({ length: 120 }, (_, i) => `Q2hhbmNlT2ZSYWlu${i}`).join('');
      await fetch(`${url}/beta/security/ipSecurityProfiles?%24top=2&%24skiptoken=${token}`, { headers: { Authorization: 'Bearer x' } });
      await fetch(`${url}/beta/security/ipSecurityProfiles/caf%C3%A9-%E2%82-%41`, { headers: { Authorization: 'Bearer x' } });
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.goto(`${url}/_mockgraph/`);
      await page.waitForSelector('#requests tbody tr:nth-child(2)', { timeout: 10_000 });
      // The newest first: the malformed escape stays as sent, the valid ones around it are decoded.
      expect(await page.textContent('#requests tbody tr:nth-child(1) td:nth-child(3)')).toBe('/beta/security/ipSecurityProfiles/café-%E2%82-A');
      const long = page.locator('#requests tbody tr:nth-child(2)');
      const path = (await long.locator('td:nth-child(3)').textContent()) ?? '';
      expect(path.startsWith('/beta/security/ipSecurityProfiles?$top=2&$skiptoken=Q2hhbmNlT2ZSYWlu0')).toBe(true);
      expect(path.endsWith('…')).toBe(true);
      expect(await long.locator('td:nth-child(3)').getAttribute('title')).toContain(token.slice(0, 1500));
      expect(await long.locator('td:nth-child(4)').textContent()).toBe('400');
      for (const column of [3, 4, 5, 6]) {
        const box = await long.locator(`td:nth-child(${column})`).boundingBox();
        expect(box).not.toBeNull();
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(VIEWPORT.width);
        expect(box?.width).toBeGreaterThan(20);
      }
      expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORT.width);
      await page.screenshot({ path: join(SCREENSHOTS, 'inspector-long-skiptoken.png'), fullPage: true });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test("clicking a request shows its headers and bodies, bounded and without the Authorization header or the token", async () => {
    const server = createServer(testApp({ publicOrigin: undefined }));
    const url = await listen(server);
    const secret = 'browser-secret-token-4f8a2c';
    try {
      const sent = { ...docExampleBody(), id: 'details-in-the-browser', tags: ['shown in the details view'] };
      const created = await fetch(`${url}/beta/security/ipSecurityProfiles`, { method: 'POST', headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', Cookie: `sid=${secret}`, 'client-request-id': 'seen-in-details' }, body: JSON.stringify(sent) });
      expect(created.status).toBe(201);
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.goto(`${url}/_mockgraph/`);
      await page.click('#requests tbody tr:has-text("POST")', { timeout: 10_000 });
      await page.waitForSelector('#details[open] pre.body', { timeout: 10_000 });
      const text = (await page.textContent('#details')) ?? '';
      for (const shown of ['POST · 201', '/beta/security/ipSecurityProfiles', 'Request headers', 'client-request-id', 'seen-in-details', 'Content-Type', 'application/json', 'Response headers', 'Location', '"id": "details-in-the-browser"', 'shown in the details view', 'Response body']) expect(text).toContain(shown);
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/authorization|cookie/i);
      const bodies = await page.$$eval('#details pre.body', (pres) => pres.map((p) => JSON.parse((p as unknown as { textContent: string }).textContent) as { id: string }));
      expect(bodies.map((b) => b.id)).toEqual(['details-in-the-browser', 'details-in-the-browser']);
      await page.screenshot({ path: join(SCREENSHOTS, 'inspector-request-details.png') });
      await page.locator('#details h3:has-text("Response headers")').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'inspector-request-details-response.png') });
      await page.click('#details-close');
      expect(await page.$('#details[open]')).toBeNull();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('with 5,000 entities the inspector renders one page, and polling refetches that page only when the revision changes', async () => {
    const server = createServer(testApp({ publicOrigin: undefined, store: seededStore(5000) }));
    const url = await listen(server);
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      const fetched: string[] = [];
      page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
      const entityPages: number[] = [];
      page.on('response', (r) => {
        if (new URL(r.url()).pathname === '/_mockgraph/entities') void r.body().then((b) => entityPages.push(b.length));
      });
      const count = (path: string) => fetched.filter((p) => p === `/_mockgraph/${path}`).length;
      await page.goto(`${url}/_mockgraph/`);
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('page')?.textContent === '1–50 of 5000', undefined, { timeout: 10_000 });
      expect(await page.$$eval('#profiles tbody tr', (rows) => rows.length)).toBe(50);
      expect(await page.textContent('#profile-count')).toBe('5000');
      expect([count('entities'), count('requests')]).toEqual([1, 1]);
      // Three polls without a change: /health only. (A fetch a poll decides on is sent before the next poll.)
      await polls(page, 3);
      expect([count('entities'), count('requests')]).toEqual([1, 1]);
      expect(Math.max(...entityPages)).toBeLessThan(100_000);
      // A Graph read is a new request but no write: the request list is fetched again, the entity page is not.
      await fetch(`${url}/beta/security/ipSecurityProfiles?$top=1`, { headers: { Authorization: 'Bearer x' } });
      await page.waitForRequest((r) => new URL(r.url()).pathname === '/_mockgraph/requests', { timeout: 10_000 });
      await polls(page, 1);
      expect([count('entities'), count('requests')]).toEqual([1, 2]);
      // A write changes the revision: the page is fetched once more, and only the page.
      await fetch(`${url}/_mockgraph/entities/security/ipSecurityProfiles`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...docExampleBody(), id: 'written-later' }) });
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.getElementById('profile-count')?.textContent === '5001', undefined, { timeout: 10_000 });
      expect(count('entities')).toBe(2);
      expect(await page.$$eval('#profiles tbody tr', (rows) => rows.length)).toBe(50);
      expect(fetched.filter((p) => p === '/_mockgraph/profiles')).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'inspector-5000-entities.png'), fullPage: true });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 40_000);
});
