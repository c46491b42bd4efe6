/**
 * A seed file's text: one entity per line (compact, so 100,000 entities stay quick to read at start-up, and still
 * line-diffable), inside an array or an object keyed by entity-set path.
 */
export function seedFileText(value: unknown): string {
  const lines = (entities: readonly unknown[], indent: string) => (entities.length === 0 ? '[]' : `[\n${entities.map((e) => indent + JSON.stringify(e)).join(',\n')}\n${indent.slice(2)}]`);
  if (Array.isArray(value)) return lines(value, '  ') + '\n';
  const sets = Object.entries(value as Record<string, unknown[]>);
  return `{\n${sets.map(([path, entities]) => `  ${JSON.stringify(path)}: ${lines(entities, '    ')}`).join(',\n')}\n}\n`;
}
