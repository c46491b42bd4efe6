import type { Stats } from 'node:fs';
import { lstatSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder start-up caches live in (compiled validators, prepared seeds; node_modules/.cache/mockgraph by default):
 * whether it can be trusted, and keeping it within its bounds. What it holds is run (validators) or skips validation
 * (seeds), so it is used only when it is private to this process's user.
 */

/** A temporary file this old belongs to a start-up that was stopped half-way through writing it, whatever its process id. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Whether a cache folder can be trusted: missing (it is then made private), or a folder (not a link) of this
 * process's user that nobody else may write to. A folder another local user made first (a shared /tmp path) could
 * hold files forged by them: then there is no cache.
 */
export function privateFolder(dir: string): boolean {
  let stat: Stats;
  try {
    stat = lstatSync(dir);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  if (!stat.isDirectory() || (stat.mode & 0o022) !== 0) return false;
  return typeof process.getuid !== 'function' || stat.uid === process.getuid();
}

/** Makes the folder (mode 700) when it is missing; whether it can then be written to and trusted. */
export function makePrivateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return privateFolder(dir);
}

/** Which files of the folder one cache owns (`PREFIX…SUFFIX`, and their `….PID.tmp` files), and how many it keeps. */
export interface CacheFiles {
  prefix: string;
  suffix: string;
  maxFiles: number;
  /** The most bytes of them kept together (default: no bound but the count). */
  maxBytes?: number;
}

/** Keeps the most recently used of a cache's files, within its count and byte bounds; drops stale temporary files. */
export function pruneFolder(dir: string, files: CacheFiles): void {
  const { prefix, suffix, maxFiles, maxBytes = Number.POSITIVE_INFINITY } = files;
  try {
    const owned = readdirSync(dir)
      .filter((f) => f.startsWith(prefix))
      .map((f) => ({ f, stat: statSync(join(dir, f)) }))
      .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
    let kept = 0;
    let bytes = 0;
    for (const { f, stat } of owned) {
      if (!f.endsWith(suffix)) {
        if (isStaleTemp(f, stat.mtimeMs)) unlinkSync(join(dir, f));
        continue;
      }
      if (kept < maxFiles && bytes + stat.size <= maxBytes) {
        kept++;
        bytes += stat.size;
      } else unlinkSync(join(dir, f));
    }
  } catch {
    // Another process pruned the same folder, or it is read-only.
  }
}

/** A temporary file (`….PID.tmp`) whose writer is gone (killed before it could remove it), or that is an hour old. */
function isStaleTemp(name: string, mtimeMs: number): boolean {
  if (Date.now() - mtimeMs > STALE_TEMP_MS) return true;
  const pid = Number(/\.(\d+)\.tmp$/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but is another user's.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
