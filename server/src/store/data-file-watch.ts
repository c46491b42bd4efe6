import { statSync } from 'node:fs';
import type { StoreHealth } from './store';
import { StoreUnavailableError } from './store';

/**
 * Notices when the data file is deleted or replaced under a running server (its path no longer leads to the
 * file SQLite holds open), so that no write is acknowledged into a file that a restart would not find. One
 * `stat` of the path per write (about 3 µs); once lost, the file stays lost until a restart.
 */
export class DataFileWatch {
  private readonly identity: { dev: number; ino: number } | undefined;
  private lost: string | undefined;

  constructor(private readonly file: string) {
    const st = statSync(file, { throwIfNoEntry: false });
    this.identity = st && { dev: st.dev, ino: st.ino };
  }

  /** Ready while the path still names the opened file. */
  health(): StoreHealth {
    if (this.lost === undefined && this.identity) {
      const st = statSync(this.file, { throwIfNoEntry: false });
      if (!st) this.lose(`the data file ${this.file} was deleted or moved while mockgraph runs`);
      else if (st.dev !== this.identity.dev || st.ino !== this.identity.ino) this.lose(`the data file ${this.file} was replaced by another file while mockgraph runs`);
    }
    return this.lost === undefined ? { ready: true } : { ready: false, reason: this.lost };
  }

  /** Marks the file as lost for good (SQLite itself may notice first: SQLITE_READONLY_DBMOVED). */
  lose(what: string): void {
    this.lost ??= `${what}; restart mockgraph to take writes again`;
  }

  /** Throws StoreUnavailableError unless a write now would land in the file at the path. */
  assertWritable(): void {
    const health = this.health();
    if (!health.ready) throw new StoreUnavailableError(health.reason ?? 'the data file cannot be written');
  }
}
