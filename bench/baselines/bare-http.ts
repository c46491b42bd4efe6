import { createServer } from 'node:http';

/** The ceiling: node:http answering fixed bytes, whatever the request (bodies are drained, nothing parsed). */
export function main(args: string[]): void {
  const body = Buffer.from(JSON.stringify({ '@odata.type': '#microsoft.graph.ipSecurityProfile', id: 'fixed', azureTenantId: 'fixed' }));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  });
  server.listen(Number(args[0] ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
}
