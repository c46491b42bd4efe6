import type { DocFinding, DocHeaders, DocRequest, DocResponse } from './doc-page';
import { relaxJson } from './relaxed-json';

function splitMessage(content: string): { startLine: string; headers: DocHeaders; bodyText: string } {
  const lines = content.split('\n');
  const startLine = (lines.shift() ?? '').trim();
  const headers: DocHeaders = [];
  while (lines.length > 0 && (lines[0] ?? '').trim() !== '') {
    const l = lines.shift() ?? '';
    const colon = l.indexOf(':');
    if (colon > 0) headers.push([l.slice(0, colon).trim(), l.slice(colon + 1).trim()]);
  }
  return { startLine, headers, bodyText: lines.join('\n').trim() };
}

/**
 * Parses a block's body. A body that is JSON but for trailing commas or comments is read leniently (a finding
 * that does not stop the replay) and replayed as the strict JSON it stands for.
 */
function parseBody(bodyText: string, line: number, findings: DocFinding[]): { body: unknown; bodyText: string; ok: boolean } {
  if (bodyText === '') return { body: undefined, bodyText, ok: true };
  try {
    return { body: JSON.parse(bodyText) as unknown, bodyText, ok: true };
  } catch (err) {
    const relaxed = relaxJson(bodyText);
    if (relaxed !== undefined) {
      try {
        const body = JSON.parse(relaxed) as unknown;
        findings.push({ line, rule: 'body-json-relaxed', message: 'body has trailing commas or comments, which JSON forbids; it is read without them' });
        return { body, bodyText: JSON.stringify(body, null, 2), ok: true };
      } catch {
        // Still not JSON: report the original error below.
      }
    }
    findings.push({ line, rule: 'body-json', message: `body is not valid JSON: ${(err as Error).message}` });
    return { body: undefined, bodyText, ok: false };
  }
}

/** Parses a request block: `METHOD URL [HTTP/x]`, headers, blank line, body. */
export function parseRequestBlock(content: string, line: number, findings: DocFinding[]): { request: DocRequest; ok: boolean } {
  const { startLine, headers, bodyText } = splitMessage(content);
  // `GET https://…?$filter=createdDateTime ge 2019-09-01T00:00:00Z [HTTP/1.1]`: the URL runs to the end of the line.
  const [method = '', ...rest] = startLine.split(/\s+/);
  const url = rest.join(' ').replace(/\s+HTTP\/\d(\.\d)?$/i, '');
  const parsed = parseBody(bodyText, line, findings);
  const ok = parsed.ok && /^[A-Z]+$/.test(method) && url !== '';
  if (!ok && parsed.ok) findings.push({ line, rule: 'request-line', message: `request line '${startLine}' is not 'METHOD URL'` });
  return { request: { method, url, headers, bodyText: parsed.bodyText, body: parsed.body }, ok };
}

/** Parses a response block: `HTTP/1.1 201 Created`, headers, blank line, body. */
export function parseResponseBlock(content: string, line: number, findings: DocFinding[]): { response: DocResponse; ok: boolean } {
  const { startLine, headers, bodyText } = splitMessage(content);
  const status = Number(/^HTTP\/[\d.]+\s+(\d{3})/.exec(startLine)?.[1] ?? NaN);
  const before = findings.length;
  const parsed = parseBody(bodyText, line, findings);
  // A response body that is not JSON does not stop the replay: its status and headers can still be checked.
  const ok = Number.isInteger(status);
  if (!Number.isInteger(status)) findings.push({ line, rule: 'status-line', message: `status line '${startLine}' is not 'HTTP/1.1 NNN Reason'` });
  const bodyProblem = parsed.ok ? undefined : findings[before]?.message;
  return { response: { status, headers, bodyText: parsed.bodyText, body: parsed.body, ...(bodyProblem ? { bodyProblem } : {}) }, ok };
}
