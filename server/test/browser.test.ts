import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { docExampleBody, testApp } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Debian's chromium and sets MOCKGRAPH_REQUIRE_BROWSER=1, so there a missing browser fails the run.
const available = existsSync(CHROMIUM);
if (!available && process.env.MOCKGRAPH_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
const describeInBrowser = available ? describe : describe.skip;
if (!available) process.stderr.write(`browser tests skipped: ${CHROMIUM} not installed (apt-get install -y chromium)\n`);

/** What predicates that run in the page use (the tests compile without the DOM library). */
type PageGlobals = { document: { getElementById(id: string): { textContent: string | null } | null } };

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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    mock = createServer(testApp({ publicOrigin: undefined }));
    mockUrl = await listen(mock);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
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
      frontend.close();
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
});
