import type { EntitySetModel, GraphModel } from './model';

/** Trims slashes and lower-cases: entity-set paths match case-insensitively, as URL segments do. */
function normalizePath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').toLowerCase();
}

/** The entity set at `path` or one of its aliases (`security/x`, `/Security/X/`: slashes and casing do not matter), or undefined. */
export function findEntitySet(model: GraphModel, path: string): EntitySetModel | undefined {
  const wanted = normalizePath(path);
  return model.entitySets.find((set) => set.path.toLowerCase() === wanted) ?? model.entitySets.find((set) => set.aliases.some((a) => a.join('/').toLowerCase() === wanted));
}

/** The entity-set paths, comma-separated, for messages that say what would have been valid. */
export function entitySetList(model: GraphModel): string {
  return model.entitySets.map((set) => set.path).join(', ') || '(none)';
}
