import request from 'supertest';
import { createMemoryStore } from '../src/store/memory-store';
import type { Entity, EntityCollection, EntityStore } from '../src/store/store';
import { StoreConflictError } from '../src/store/store';
import { AUTH, docExampleBody, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

/** A memory store whose replacements fail as if another writer changed the entity first, `conflicts` times (forever by default). */
function contendedStore(conflicts = Infinity, transactions = true): { store: EntityStore; replaced: string[] } {
  const inner = createMemoryStore();
  const replaced: string[] = [];
  let inTransaction = false;
  let left = conflicts;
  const store: EntityStore = {
    ...inner,
    collection(path) {
      const c: EntityCollection = inner.collection(path);
      return new Proxy(c, {
        get(target, name) {
          if (name !== 'replace') return Reflect.get(target, name) as unknown;
          return (entity: Entity, json: string, previous: Entity) => {
            replaced.push(inTransaction ? 'in a transaction' : 'optimistic');
            if (left-- > 0) throw new StoreConflictError(`${path}/${entity.id} changed since it was read`);
            return target.replace(entity, json, previous);
          };
        },
      }) as EntityCollection;
    },
    ...(transactions && {
      async atomically<T>(work: () => Promise<T>): Promise<T> {
        inTransaction = true;
        try {
          return await work();
        } finally {
          inTransaction = false;
        }
      },
    }),
  };
  return { store, replaced };
}

describe('a PATCH that keeps meeting concurrent changes', () => {
  test('is tried 8 times (twice optimistically, then in a transaction), then answered 409 with nothing changed', async () => {
    const { store, replaced } = contendedStore();
    const agent = request(testApp({ store }));
    const created = await agent.post(COLLECTION).set(AUTH).send(docExampleBody()).expect(201);
    const url = `${COLLECTION}/${created.body.id as string}`;
    const res = await agent.patch(url).set(AUTH).send({ countHits: 7 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('Conflict');
    expect(res.body.error.message).toContain('is being changed by other requests at the same time; nothing was updated');
    expect(res.body.error.innerError['request-id']).toBeDefined();
    expect(replaced).toEqual([...Array<string>(2).fill('optimistic'), ...Array<string>(6).fill('in a transaction')]);
    expect((await agent.get(url).set(AUTH).expect(200)).body.countHits).toBe(created.body.countHits);
  });

  test('lands on the attempt after the last conflict, within the 8, and a store without transactions retries optimistically', async () => {
    for (const transactions of [true, false]) {
      const { store, replaced } = contendedStore(7, transactions);
      const agent = request(testApp({ store }));
      const created = await agent.post(COLLECTION).set(AUTH).send(docExampleBody()).expect(201);
      const url = `${COLLECTION}/${created.body.id as string}`;
      await agent.patch(url).set(AUTH).send({ countHits: 7 }).expect(204);
      expect(replaced).toHaveLength(8);
      expect(replaced.includes('in a transaction')).toBe(transactions);
      expect((await agent.get(url).set(AUTH).expect(200)).body.countHits).toBe(7);
    }
  });
});
