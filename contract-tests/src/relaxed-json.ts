/**
 * Drops what JSON forbids but Graph's pages often carry: trailing commas before `}`/`]` and `//` or `/* *\/`
 * comments, outside strings. Returns undefined when there was nothing to drop.
 */
export function relaxJson(text: string): string | undefined {
  let out = '';
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2) + 2;
      i = (end <= 1 || end < i ? text.length : end) - 1;
      changed = true;
    } else if (c === ',' && /^\s*[}\]]/.test(text.slice(i + 1, i + 1 + 200).replace(/\/\/[^\n]*/g, ''))) {
      changed = true;
    } else out += c;
  }
  return changed ? out : undefined;
}

/** The index just past the string literal that starts at `start` (or the end of the text). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}
