import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? (d.name === 'node_modules' || d.name.startsWith('.') ? [] : walk(join(dir, d.name))) : [join(dir, d.name)]))
    .sort();
}

/** A glob (`*`, `**`, `?`) as a regular expression over `/`-separated relative paths. */
function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The Markdown files named by arguments: files as they are, folders searched for `*.md`, globs (`docs/**\/*.md`)
 * expanded from their fixed prefix. Throws, naming the argument, when one matches nothing.
 */
export function expandDocArguments(args: readonly string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const arg of args.flatMap((a) => a.split(',')).filter((a) => a !== '')) {
    if (/[*?]/.test(arg)) {
      const fixed = arg.split('/').filter((_, i, parts) => !parts.slice(0, i + 1).some((p) => /[*?]/.test(p)));
      const base = resolve(cwd, fixed.join('/') || '.');
      const pattern = globRegex(arg.split('/').slice(fixed.length).join('/'));
      const found = existsSync(base) ? walk(base).filter((f) => pattern.test(relative(base, f).split(sep).join('/'))) : [];
      if (found.length === 0) throw new Error(`no file matches '${arg}'`);
      out.push(...found);
    } else {
      const path = resolve(cwd, arg);
      if (!existsSync(path)) throw new Error(`no such file or folder: '${arg}'`);
      out.push(...(statSync(path).isDirectory() ? walk(path).filter((f) => f.endsWith('.md')) : [path]));
    }
  }
  return [...new Set(out)];
}
