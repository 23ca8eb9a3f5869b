/** Picks the Store backend: PostgreSQL when a database URL is configured, the embedded SQLite file otherwise. */
import { join } from 'node:path';
import type { Store } from '../../core/ports/store.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';

export interface OpenStoreOptions {
  /** DATABASE_URL: a postgres:// connection string. Empty or missing means SQLite. */
  readonly databaseUrl?: string;
  /** Folder of the SQLite file (`sesame.db`), created if missing. */
  readonly dataDir: string;
  readonly now?: () => number;
}

export const SQLITE_FILE_NAME = 'sesame.db';

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const now = options.now;
  if (options.databaseUrl) {
    return openPostgresStore({ connectionString: options.databaseUrl, ...(now ? { now } : {}) });
  }
  return openSqliteStore({ file: join(options.dataDir, SQLITE_FILE_NAME), ...(now ? { now } : {}) });
}
