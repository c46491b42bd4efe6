import type { Database } from './database';
import type { TokenSource } from './pg-queries';
import { TOKEN_SECRET_SETTING } from './schema';

/**
 * What a store's page tokens are signed and checked with: `tokenSecret` when given, else the secret kept in the
 * database (read once, and again after a failed read). The reset generation they carry is read with each walk.
 */
export function tokenSource(db: Database, tokenSecret: string | undefined): TokenSource {
  let secret: Promise<string> | undefined;
  const readSecret = async () => {
    if (tokenSecret !== undefined) return tokenSecret;
    const [row] = await db.run<{ value: string }>('SELECT value FROM mockgraph_settings WHERE name = $1', [TOKEN_SECRET_SETTING]);
    if (!row) throw new Error('the database has no token secret: its mockgraph schema is damaged');
    return row.value;
  };
  return async () => {
    secret ??= readSecret();
    try {
      return { secret: await secret };
    } catch (err) {
      secret = undefined;
      throw err;
    }
  };
}
