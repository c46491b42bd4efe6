import { parseArgs } from 'node:util';
import { createApp } from './app';
import { isValidationProfile } from './graph/validate';

/** Exits with a one-line reason, as a CLI should for bad input. */
function fail(message: string): never {
  process.stderr.write(`mockgraph: ${message}\n`);
  process.exit(2);
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got '${raw}'`);
  return port;
}

/** Reads flags and environment (the only place that does), then listens. */
function main(argv: string[]): void {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        validation: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const port = parsePort(values.port ?? process.env.PORT ?? '4000');
  const host = values.host ?? '127.0.0.1';
  const validation = values.validation ?? 'doc';
  if (!isValidationProfile(validation)) fail(`--validation must be doc or metadata, got '${validation}'`);

  const server = createApp({ validation }).listen(port, host);
  server.on('listening', () => {
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    process.stdout.write(`mockgraph: serving http://${shown}:${bound}/beta/security/ipSecurityProfiles (data in memory)\n`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    fail(err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : err.message);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main(process.argv.slice(2));
