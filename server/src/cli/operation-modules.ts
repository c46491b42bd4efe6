import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CustomOperation } from '../graph/bound-operations';
import type { GraphModel } from '../graph/model';

function isOperation(value: unknown): value is CustomOperation {
  const v = value as Partial<CustomOperation> | null;
  return typeof v === 'object' && v !== null && typeof v.set === 'string' && typeof v.name === 'string' && typeof v.run === 'function';
}

/**
 * Loads the custom operation modules of `--operations DIR`: every `.js`/`.cjs` file exports `operations` (or a
 * default export): one `{ set, name, run(ctx) }` or an array of them, each naming an entity set and a bound
 * operation its schemas document. A file that does not is an Error naming it.
 */
export function loadOperationModules(dirs: readonly string[], model: GraphModel): CustomOperation[] {
  const out: CustomOperation[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => /\.c?js$/.test(n)).sort();
    } catch {
      throw new Error(`--operations ${dir}: no such folder`);
    }
    for (const name of names) {
      const file = resolve(join(dir, name));
      let loaded: unknown;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        loaded = require(file) as unknown;
      } catch (err) {
        throw new Error(`--operations ${file}: ${(err as Error).message.split('\n')[0] ?? 'cannot be loaded'}`);
      }
      const exported = (loaded as { operations?: unknown; default?: unknown }).operations ?? (loaded as { default?: unknown }).default ?? loaded;
      const list = Array.isArray(exported) ? exported : [exported];
      for (const op of list) {
        if (!isOperation(op)) throw new Error(`--operations ${file}: expected { set, name, run(ctx) } (or an array of them) as its export 'operations'`);
        const set = model.entitySets.find((s) => s.path.toLowerCase() === op.set.toLowerCase());
        if (!set) throw new Error(`--operations ${file}: no entity set '${op.set}' (served: ${model.entitySets.map((s) => s.path).join(', ')})`);
        if (!set.operations.some((o) => o.name.toLowerCase() === op.name.toLowerCase())) {
          throw new Error(`--operations ${file}: ${set.path} documents no operation '${op.name}' (documented: ${set.operations.map((o) => o.name).join(', ') || 'none'})`);
        }
        out.push(op);
      }
    }
  }
  return out;
}
