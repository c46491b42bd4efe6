import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadSchemaFiles } from '../../server/src/graph/schema-files';

/**
 * The floor Express itself imposes: checks the Bearer header, parses JSON, validates the body with one
 * precompiled ajv schema (the doc's create contract), stores in a Map; reads by id; lists the first $top.
 */
export function main(args: string[]): void {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  for (const f of loadSchemaFiles()) ajv.addSchema(f.schema as object, f.id);
  const validate = ajv.getSchema('mockgraph.requests.ipSecurityProfile.create.doc')!;
  const store = new Map<string, Record<string, unknown>>();
  if (args[1]) for (const p of JSON.parse(readFileSync(args[1], 'utf8')) as Array<Record<string, unknown>>) store.set(String(p.id), p);

  const app = express();
  app.use((req, res, next) => {
    if (!/^Bearer \S/.test(req.get('Authorization') ?? '')) {
      res.status(401).json({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
      return;
    }
    next();
  });
  app.use(express.json({ limit: '1mb' }));
  app.post('/beta/security/ipSecurityProfiles', (req, res) => {
    if (!validate(req.body)) {
      res.status(400).json({ error: { code: 'BadRequest', message: ajv.errorsText(validate.errors) } });
      return;
    }
    const entity = { ...(req.body as Record<string, unknown>), id: randomUUID() };
    store.set(entity.id, entity);
    res.status(201).json(entity);
  });
  app.get('/beta/security/ipSecurityProfiles/:id', (req, res) => {
    const entity = store.get(req.params.id);
    if (!entity) res.status(404).json({ error: { code: 'ResourceNotFound', message: 'not found' } });
    else res.json(entity);
  });
  app.get('/beta/security/ipSecurityProfiles', (req, res) => {
    const top = Number(req.query.$top ?? 100);
    const value: unknown[] = [];
    for (const e of store.values()) {
      if (value.length >= top) break;
      value.push(e);
    }
    res.json({ value });
  });
  const server = app.listen(Number(args[0] ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
}
