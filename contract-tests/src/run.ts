import { recordCreatedExample } from './created-entities';
import { createEntityFor } from './create-entity';
import type { DocExample, DocPage, DocResponse } from './doc-page';
import { ensureBodyEntities, ensureLiteralEntity } from './ensure-entities';
import type { MatchContext, Mismatch } from './match';
import { matchResponse } from './match';
import { assertServed } from './mockgraph-target';
import { collectionOf, fillPlaceholders, hasPlaceholder, pathOnly, sameShape, withoutRef } from './paths';
import { repairRequestBody } from './repair-request-body';
import type { HttpTarget, ReplayOptions, ReplayRequest } from './replay';
import { normalizeExampleUrl, TargetUnreachable, toReplayRequest } from './replay';
import { SetupSkipped } from './setup';
import type { SetupOptions } from './setup';

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
  /** `error`: the target could not be reached, so nothing about the contract is known. */
  status: 'passed' | 'failed' | 'skipped' | 'error';
  /** What was sent (placeholders filled in). */
  request: { method: string; path: string } | undefined;
  actualStatus: number | undefined;
  mismatches: Mismatch[];
  /** Why the case failed outside matching (setup, network), or why it was skipped. */
  reason: string | undefined;
  /** What the replay changed in the doc's request to send it (a placeholder value mended), if anything. */
  notes: string[];
  durationMs: number;
}

/**
 * Options of a run: replay options plus what setting up placeholders may use (a seed body, the run's pages, the
 * target's schemas, mockgraph's admin token).
 */
export type RunOptions = SetupOptions;

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

/** True when the doc's response shows a non-empty collection, so the collection needs data to show. */
function showsItems(response: DocResponse | undefined, property: string): boolean {
  const items = (response?.body as Record<string, unknown> | undefined)?.[property];
  return Array.isArray(items) && items.length > 0;
}

/**
 * Fills placeholders (creating the entity they stand for), makes sure what a successful example addresses exists and
 * a shown collection is not empty, and mends placeholder values in the body of a successful example.
 */
async function prepare(c: ReplayCase, target: HttpTarget, options: RunOptions): Promise<{ request: ReplayRequest; notes: string[] }> {
  const { example } = c;
  const succeeds = (example.response?.status ?? 500) < 400;
  const repaired = succeeds ? repairRequestBody(c.request.method, c.request.path, c.request.body, options) : { body: c.request.body, notes: [] };
  const request = await prepareTarget({ ...c, request: { ...c.request, body: repaired.body } }, target, options, succeeds);
  return { request, notes: repaired.notes };
}

async function prepareTarget(c: ReplayCase, target: HttpTarget, options: RunOptions, succeeds: boolean): Promise<ReplayRequest> {
  const { request, example, page } = c;
  await assertServed(request.path, target, options);
  if (hasPlaceholder(request.path)) {
    const collection = collectionOf(request.path);
    if (!collection) throw new Error(`cannot tell which collection the placeholder in ${request.path} belongs to`);
    return { ...request, path: fillPlaceholders(request.path, await createEntityFor(page, collection, target, options, example.response?.body)) };
  }
  if (succeeds) await ensureLiteralEntity(request.method, request.path, example.response?.body, target, options);
  if (succeeds && request.method === 'POST') await ensureBodyEntities(request.path, example.request.body, example.response?.body, target, options);
  const property = typeof example.responseAnnotation?.collectionProperty === 'string' ? example.responseAnnotation.collectionProperty : 'value';
  if (request.method === 'GET' && example.responseAnnotation?.isCollection === true && showsItems(example.response, property)) {
    // The first item the doc shows, so that a filtered list (`$filter=createdDateTime ge …`) finds it.
    const first = ((example.response?.body as Record<string, unknown> | undefined)?.[property] as unknown[] | undefined)?.[0];
    await createEntityFor(page, withoutRef(pathOnly(request.path)), target, options, first).catch(() => undefined);
  }
  return request;
}

function parseSent(body: string | undefined): unknown {
  try {
    return body === undefined ? undefined : (JSON.parse(body) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Passed, failed, or skipped when the only differences are properties the doc shows but the served type lacks: the
 * page documents a version of the type the target does not serve, as a page about a set it does not serve is skipped.
 */
function verdictOf(mismatches: readonly Mismatch[]): { status: CaseResult['status']; reason: string | undefined } {
  const lacking = mismatches.flatMap((m) => (m.notServed ? [m.notServed] : []));
  if (lacking.length === 0 || lacking.length < mismatches.length) return { status: mismatches.length === 0 ? 'passed' : 'failed', reason: undefined };
  const types = [...new Set(lacking.map((l) => l.type))].join(', ');
  const names = [...new Set(lacking.map((l) => l.property))];
  const what = names.length === 1 ? 'a property' : `${names.length} properties`;
  return { status: 'skipped', reason: `not served: the doc shows ${what} that ${types} as served does not declare, and the answer has none (${names.join(', ')}): the page documents another version of the type; everything else it shows matched` };
}

/** Replays one case against a target and matches the answer; never throws. */
export async function runCase(c: ReplayCase, target: HttpTarget, ctx: MatchContext, options: RunOptions = {}): Promise<CaseResult> {
  const started = Date.now();
  const base = { page: c.page.file, title: c.page.title, name: c.name };
  let sent: ReplayRequest | undefined;
  let notes: string[] = [];
  try {
    ({ request: sent, notes } = await prepare(c, target, options));
    const problem = c.example.response?.bodyProblem;
    if (problem !== undefined) notes.push(`the doc's response body cannot be compared (${problem}); only the status and headers were checked`);
    const actual = await target(sent);
    recordCreatedExample(sent.method, sent.path, actual.status, actual.bodyText, sent.body, options);
    const mismatches = matchResponse(c.example.response!, c.example.responseAnnotation ?? {}, actual, ctx, parseSent(sent.body), notes);
    return { ...base, ...verdictOf(mismatches), request: { method: sent.method, path: sent.path }, actualStatus: actual.status, mismatches, notes, durationMs: Date.now() - started };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof SetupSkipped) return { ...base, status: 'skipped', request: undefined, actualStatus: undefined, mismatches: [], reason, notes, durationMs: Date.now() - started };
    if (err instanceof TargetUnreachable) return { ...base, status: 'error', request: sent && { method: sent.method, path: sent.path }, actualStatus: undefined, mismatches: [], reason, notes, durationMs: Date.now() - started };
    return { ...base, status: 'failed', request: sent && { method: sent.method, path: sent.path }, actualStatus: undefined, mismatches: [], reason, notes, durationMs: Date.now() - started };
  }
}

/** Results of a page: its cases, plus a skipped entry for each example that cannot be replayed. */
export async function runPage(page: DocPage, target: HttpTarget, ctx: MatchContext, options: RunOptions = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of casesOf(page, options)) results.push(await runCase(c, target, ctx, options));
  for (const e of page.examples.filter((x) => !x.replayable || !x.response)) {
    const reason = `not replayable: ${e.problems.join('; ') || 'the doc blocks are incomplete'}`;
    results.push({ page: page.file, title: page.title, name: e.name, status: 'skipped', request: undefined, actualStatus: undefined, mismatches: [], reason, notes: [], durationMs: 0 });
  }
  return results;
}
