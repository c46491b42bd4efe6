import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

/** compose.yaml as Compose reads it (anchors and merge keys resolved). */
const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const nginx = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8');

describe('compose.yaml: PostgreSQL, two replicas and a load balancer', () => {
  const { postgres, balancer } = compose.services;
  const replicas = Object.entries(compose.services).filter(([, s]) => s.build === '.');

  test('PostgreSQL 15 with a health check that the replicas wait for', () => {
    expect(postgres?.image).toMatch(/^postgres:15/);
    expect(postgres?.healthcheck?.test).toContain('pg_isready');
    expect(replicas).toHaveLength(2);
    for (const [, r] of replicas) expect(r.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  test('the replicas share the database, the admin token and the $skiptoken secret, taken from the environment', () => {
    const [[, a], [, b]] = replicas as [[string, Service], [string, Service]];
    expect(a.environment).toEqual(b.environment);
    const env = a.environment ?? {};
    const url = new URL(env.MOCKGRAPH_DATA ?? '');
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect([decodeURIComponent(url.username), decodeURIComponent(url.password), url.pathname.slice(1)]).toEqual([
      postgres?.environment?.POSTGRES_USER,
      postgres?.environment?.POSTGRES_PASSWORD,
      postgres?.environment?.POSTGRES_DB,
    ]);
    // Secrets are never written into the file: Compose refuses to start without them.
    expect(env.MOCKGRAPH_ADMIN_TOKEN).toMatch(/^\$\{MOCKGRAPH_ADMIN_TOKEN:\?/);
    expect(env.MOCKGRAPH_TOKEN_SECRET).toMatch(/^\$\{MOCKGRAPH_TOKEN_SECRET:\?/);
    // The balancer reaches the replicas by their service names and sends Host: localhost, which they answer.
    expect(env.MOCKGRAPH_ALLOWED_HOSTS?.split(',')).toEqual(expect.arrayContaining(replicas.map(([name]) => name)));
  });

  test('the balancer publishes port 4000 and round-robins over both replicas, retrying on the other when one is down', () => {
    expect(balancer?.ports).toEqual(['4000:4000']);
    expect(balancer?.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
    const upstream = /upstream mockgraph \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect([...upstream.matchAll(/server ([\w-]+):4000/g)].map((m) => m[1]).sort()).toEqual(replicas.map(([name]) => name).sort());
    expect(nginx).toMatch(/proxy_next_upstream error timeout;/);
  });
});
