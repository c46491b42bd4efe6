import { readFileSync } from 'node:fs';
import { createMockServer } from '../../server/src/http/server';
import { fixedResponder } from './fixed-response';

/**
 * mockgraph's TLS listener alone: createMockServer with its limits and timeouts, over TLS, around a handler answering
 * fixed bytes, so its cost can be set against bare node:https. Args: PORT CERT.pem KEY.pem [RESPONSE.json].
 */
export function main(args: string[]): void {
  const [port, certFile, keyFile, responseFile] = args;
  if (!certFile || !keyFile) throw new Error('usage: listener-https.ts PORT CERT.pem KEY.pem [RESPONSE.json]');
  const server = createMockServer(fixedResponder(responseFile || undefined), undefined, { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') });
  server.listen(Number(port ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
}
