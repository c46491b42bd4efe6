import { createServer } from 'node:http';
import { fixedResponder } from './fixed-response';

/** The ceiling: node:http answering fixed bytes, whatever the request. Args: PORT [SEED (ignored)] [RESPONSE.json]. */
export function main(args: string[]): void {
  const server = createServer(fixedResponder(args[2] || undefined));
  server.listen(Number(args[0] ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
}
