import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';

/** A response to replay: headers and body, as bench/run.ts captured them from mockgraph. */
export interface FixedResponse {
  headers: Record<string, string>;
  body: string;
}

/**
 * A handler answering the same bytes to every request (bodies are drained, nothing parsed): the response in
 * `file` when given, else a small fixed profile.
 */
export function fixedResponder(file: string | undefined): RequestListener {
  const replayed = file ? (JSON.parse(readFileSync(file, 'utf8')) as FixedResponse) : undefined;
  const body = Buffer.from(replayed?.body ?? JSON.stringify({ '@odata.type': '#microsoft.graph.ipSecurityProfile', id: 'fixed', azureTenantId: 'fixed' }));
  const headers = { ...(replayed?.headers ?? { 'Content-Type': 'application/json' }), 'Content-Length': String(body.length) };
  return (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, headers);
      res.end(body);
    });
  };
}
