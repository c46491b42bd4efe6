import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { fixedResponder } from './fixed-response';

/**
 * The TLS ceiling: node:https with Node's default TLS settings, answering fixed bytes, whatever the request.
 * Args: PORT CERT.pem KEY.pem [RESPONSE.json].
 */
export function main(args: string[]): void {
  const [port, certFile, keyFile, responseFile] = args;
  if (!certFile || !keyFile) throw new Error('usage: bare-https.ts PORT CERT.pem KEY.pem [RESPONSE.json]');
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, fixedResponder(responseFile || undefined));
  server.listen(Number(port ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
}
