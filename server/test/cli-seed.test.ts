import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGraphDefinition } from '../src/index';
import { NOTE_EXAMPLE, NOTE_TYPE, NOTES, NOTES_PATH, notesSchemaDir } from './extra-schemas';
import { docExampleBody } from './helpers';
import { call, runCli, serve, tempDir } from './process-helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

const idsAt = async (base: string, path: string) => ((await (await call(base, path)).json()) as { value: Array<{ id: string }> }).value.map((e) => e.id);

describe('mockgraph seed per entity set', () => {
  const dir = notesSchemaDir();

  test('--set PATH writes deterministic entities of that set, valid for it; --out writes a file', () => {
    const args = ['seed', '--schemas', dir, '--set', NOTES_PATH, '--count', '3', '--random-seed', '4'];
    const r = runCli(args);
    expect(r.status).toBe(0);
    expect(runCli(args).stdout).toBe(r.stdout);
    const notes = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(notes.map((n) => [n.id, n['@odata.type']])).toEqual([1, 2, 3].map((n) => [`seed-4-${n}`, `#${NOTE_TYPE}`]));
    const { validator } = loadGraphDefinition([dir]);
    for (const n of notes) expect(() => validator.assertBody(NOTE_TYPE, 'create', 'doc', n)).not.toThrow();
    const out = join(tempDir(), 'notes.json');
    expect(runCli([...args, '--out', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  test('with several entity sets and no --set, every set is written, keyed by path (a --seed file); an unknown --set is named', () => {
    const all = runCli(['seed', '--schemas', dir, '--count', '2', '--random-seed', '4']);
    expect(all.status).toBe(0);
    const keyed = JSON.parse(all.stdout) as Record<string, unknown[]>;
    expect(Object.keys(keyed).sort()).toEqual(loadGraphDefinition([dir]).model.entitySets.map((s) => s.path).sort());
    expect(Object.values(keyed).map((v) => v.length)).toEqual(Object.keys(keyed).map(() => 2));
    // The same entities as --set writes for that set.
    expect(keyed[NOTES_PATH]).toEqual(JSON.parse(runCli(['seed', '--schemas', dir, '--set', NOTES_PATH, '--count', '2', '--random-seed', '4']).stdout));
    const unknown = runCli(['seed', '--schemas', dir, '--set', 'security/nope', '--count', '1']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("mockgraph: --set security/nope: no entity set 'security/nope'");
  });

  test('without --count it names the missing flag', () => {
    const r = runCli(['seed']);
    expect([r.status, r.stderr.trim()]).toEqual([2, 'mockgraph: seed needs --count N: how many entities to write (e.g. mockgraph seed --count 100)']);
    expect(runCli(['seed', '--count', 'lots']).stderr).toContain("--count must be an integer from 0 to 1000000, got 'lots'");
    // Given without its value, the flag is named, with what it takes.
    expect(runCli(['seed', '--count'])).toMatchObject({ status: 2, stderr: 'mockgraph: --count needs a value: --count N\n' });
  });
});

describe('mockgraph serve seeds every entity set', () => {
  test('--seed keyed.json: a file keyed by entity-set path fills each set; an unknown path stops start-up naming it', async () => {
    const dir = notesSchemaDir();
    const file = join(tempDir(), 'keyed.json');
    writeFileSync(file, JSON.stringify({ 'security/ipSecurityProfiles': [{ ...docExampleBody(), id: 'p' }], [NOTES_PATH]: { value: [{ ...NOTE_EXAMPLE, id: 'n' }] } }));
    const s = await serve(['--schemas', dir, '--seed', file, '--quiet']);
    try {
      expect(await idsAt(s.base, COLLECTION)).toEqual(['p']);
      expect(await idsAt(s.base, NOTES)).toEqual(['n']);
      const health = (await (await fetch(`${s.base}/_mockgraph/health`)).json()) as { entitySets: Record<string, number> };
      // Sets the file does not name start empty.
      expect(health.entitySets).toEqual(expect.objectContaining({ 'security/ipSecurityProfiles': 1, [NOTES_PATH]: 1 }));
      expect(Object.values(health.entitySets).reduce((a, b) => a + b, 0)).toBe(2);
    } finally {
      s.child.kill('SIGTERM');
    }
    const bad = join(tempDir(), 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'security/nope': [] }));
    const r = runCli(['serve', '--port', '0', '--schemas', dir, '--seed', bad]);
    expect([r.status, r.stderr.trim()]).toEqual([2, `mockgraph: seed file ${bad}: 'security/nope' is not an entity set of this service (the entity sets are: ${loadGraphDefinition([dir]).model.entitySets.map((x) => x.path).sort().join(', ')})`]);
  });

  test("without --seed each set starts with its schema's first example; a set without one starts empty", async () => {
    const s = await serve(['--schemas', notesSchemaDir(), '--quiet']);
    try {
      expect(await idsAt(s.base, COLLECTION)).toEqual(['a5c97fce-7fce-a5c9-ce7f-c9a5ce7fc9a5']);
      expect(await idsAt(s.base, NOTES)).toEqual([NOTE_EXAMPLE.id]);
    } finally {
      s.child.kill('SIGTERM');
    }
    const empty = await serve(['--schemas', notesSchemaDir({ example: false }), '--quiet']);
    try {
      expect(await idsAt(empty.base, NOTES)).toEqual([]);
    } finally {
      empty.child.kill('SIGTERM');
    }
  });
});
