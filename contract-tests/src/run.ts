import type { DocExample, DocPage, DocResponse } from './load';
import type { MatchContext, Mismatch } from './match';
import { matchResponse } from './match';
import { collectionOf, fillPlaceholders, hasPlaceholder, pathOnly, sameShape, withoutRef } from './paths';
import type { HttpTarget, ReplayOptions, ReplayRequest } from './replay';
import { normalizeExampleUrl, toReplayRequest } from './replay';

/** One request to replay: a doc example, or the page's HTTP request line standing in for its path. */
export interface ReplayCase {
  page: DocPage;
  example: DocExample;
  /** The test name: the example name, plus how the request line was used when it was. */
  name: string;
  request: ReplayRequest;
}

/** The outcome of one case. */
export interface CaseResult {
  page: string;
  title: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** What was sent (placeholders filled in). */
  request: { method: string; path: string } | undefined;
  actualStatus: number | undefined;
  mismatches: Mismatch[];
  /** Why the case failed outside matching (setup, network), or why it was skipped. */
  reason: string | undefined;
  durationMs: number;
}

/** Options of a run: replay options plus a body to create entities with when a page has no create example. */
export interface RunOptions extends ReplayOptions {
  seedBody?: unknown;
}

/** Every replayable case of a page: each example, and each HTTP request line that writes its path differently. */
export function casesOf(page: DocPage, options: ReplayOptions = {}): ReplayCase[] {
  const cases: ReplayCase[] = [];
  for (const example of page.examples.filter((e) => e.replayable && e.response)) {
    const request = toReplayRequest(example, options);
    cases.push({ page, example, name: example.name, request });
    for (const line of page.httpRequestLines.filter((l) => l.method === example.request.method)) {
      const linePath = normalizeExampleUrl(line.url, options.serviceRoot);
      const differs = !sameShape(linePath, request.path) && sameShape(withoutRef(linePath), withoutRef(request.path));
      if (differs) cases.push({ page, example, name: `${example.name} (as the HTTP request line ${line.method} ${line.url})`, request: { ...request, path: linePath } });
    }
  }
  return cases;
}

/** The page's own create example for a collection path, if it has one (a POST whose path is the collection). */
function createBodyFor(page: DocPage, collection: string, options: ReplayOptions): string | undefined {
  const create = page.examples.find((e) => e.replayable && e.request.method === 'POST' && sameShape(pathOnly(normalizeExampleUrl(e.request.url, options.serviceRoot)), collection));
  return create?.request.bodyText;
}

/** Creates an entity in `collection` (from the page's create example, else the seed body) and returns its id. */
async function createEntity(page: DocPage, collection: string, target: HttpTarget, options: RunOptions): Promise<string> {
  const body = createBodyFor(page, collection, options) ?? (options.seedBody === undefined ? undefined : JSON.stringify(options.seedBody));
  if (body === undefined) throw new Error(`no create example on the page and no seed body for ${collection}`);
  const res = await target({ method: 'POST', path: collection, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token ?? 'mockgraph-contract-test'}` }, body });
  let id: unknown;
  try {
    id = (JSON.parse(res.bodyText) as { id?: unknown }).id;
  } catch {
    id = undefined;
  }
  if (res.status !== 201 || typeof id !== 'string') throw new Error(`setup: POST ${collection} answered ${res.status}: ${res.bodyText.slice(0, 300)}`);
  return id;
}

/** True when the doc's response shows a non-empty collection, so the collection needs data to show. */
function showsItems(response: DocResponse | undefined, property: string): boolean {
  const items = (response?.body as Record<string, unknown> | undefined)?.[property];
  return Array.isArray(items) && items.length > 0;
}

/** Fills placeholders (creating the entity they stand for) and makes sure a shown collection is not empty. */
async function prepare(c: ReplayCase, target: HttpTarget, options: RunOptions): Promise<ReplayRequest> {
  const { request, example, page } = c;
  if (hasPlaceholder(request.path)) {
    const collection = collectionOf(request.path);
    if (!collection) throw new Error(`cannot tell which collection the placeholder in ${request.path} belongs to`);
    return { ...request, path: fillPlaceholders(request.path, await createEntity(page, collection, target, options)) };
  }
  const property = typeof example.responseAnnotation?.collectionProperty === 'string' ? example.responseAnnotation.collectionProperty : 'value';
  if (request.method === 'GET' && example.responseAnnotation?.isCollection === true && showsItems(example.response, property)) {
    await createEntity(page, withoutRef(pathOnly(request.path)), target, options).catch(() => undefined);
  }
  return request;
}

/** Replays one case against a target and matches the answer; never throws. */
export async function runCase(c: ReplayCase, target: HttpTarget, ctx: MatchContext, options: RunOptions = {}): Promise<CaseResult> {
  const started = Date.now();
  const base = { page: c.page.file, title: c.page.title, name: c.name };
  let sent: ReplayRequest | undefined;
  try {
    sent = await prepare(c, target, options);
    const actual = await target(sent);
    const mismatches = matchResponse(c.example.response!, c.example.responseAnnotation ?? {}, actual, ctx);
    return { ...base, status: mismatches.length === 0 ? 'passed' : 'failed', request: { method: sent.method, path: sent.path }, actualStatus: actual.status, mismatches, reason: undefined, durationMs: Date.now() - started };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ...base, status: 'failed', request: sent && { method: sent.method, path: sent.path }, actualStatus: undefined, mismatches: [], reason, durationMs: Date.now() - started };
  }
}

/** Results of a page: its cases, plus a skipped entry for each example that cannot be replayed. */
export async function runPage(page: DocPage, target: HttpTarget, ctx: MatchContext, options: RunOptions = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of casesOf(page, options)) results.push(await runCase(c, target, ctx, options));
  for (const e of page.examples.filter((x) => !x.replayable || !x.response)) {
    const reason = `not replayable: ${e.problems.join('; ') || 'the doc blocks are incomplete'}`;
    results.push({ page: page.file, title: page.title, name: e.name, status: 'skipped', request: undefined, actualStatus: undefined, mismatches: [], reason, durationMs: 0 });
  }
  return results;
}
