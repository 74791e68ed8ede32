import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "~/db/schema";
import { env } from "~/env.server";

// Kept apart so they can be tested without opening a database.
export { isDbUnavailable, sqlState } from "~/db-errors";

export type Db = PostgresJsDatabase<typeof schema>;

type Connection = {
  db: Db;
  kind: "postgres" | "pglite";
  close: () => Promise<void>;
};

/** Finds drizzle/ whether we run from app/ (vitest, dev) or build/server/ (npm start). */
function migrationsFolder(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "drizzle");
    if (existsSync(path.join(candidate, "meta", "_journal.json"))) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve("drizzle");
}

async function connectPostgres(url: string): Promise<Connection> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(url, {
    max: 10,
    onnotice: () => {},
    // Fail fast while the database is away, so pages answer 503 instead of hanging.
    connect_timeout: 5,
    idle_timeout: 60,
    // postgres.js waits longer before each reconnect after a failure, counted for the whole
    // pool, up to 10-20 s: after a 1.5 s outage, requests still hung 15-19 s once the
    // database was back (they waited out a connection's delay), and under load long enough
    // to time a test out. Capped at 1 s: a query waits at most about that for a connection.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  });
  const db = drizzle(client, { schema });
  // Several instances may start at once on one database: migrate under a lock.
  const lockClient = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await lockClient`select pg_advisory_lock(7461726)`;
    await migrate(db, { migrationsFolder: migrationsFolder() });
  } finally {
    await lockClient`select pg_advisory_unlock(7461726)`.catch(() => {});
    await lockClient.end({ timeout: 1 });
  }
  return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
}

/**
 * PGlite has no lock between processes: two servers on one directory silently diverge.
 * A pid file refuses the second one with a clear message instead.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "pglite.pid");
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, "utf8"));
    let alive = false;
    if (pid > 0 && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = isNodeProcess(pid);
      } catch {
        alive = false;
      }
    }
    if (alive) {
      console.error(
        `DATA_DIR ${dataDir} is in use by another Tasklane process (pid ${pid}). Stop it, or give this one its own DATA_DIR.`,
      );
      process.exit(1);
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

/**
 * A lock left by a server that was killed can name a pid the system has since given to
 * another program (in containers, soon): where /proc tells, only a Node process counts.
 */
function isNodeProcess(pid: number): boolean {
  try {
    return /(^|\/)node[^/\0]*\0/.test(readFileSync(`/proc/${pid}/cmdline`, "latin1"));
  } catch {
    return true; // no /proc (macOS) or not ours to read: assume it is that server
  }
}

async function connectPglite(dataDir: string): Promise<Connection> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const dir = path.join(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  // Postgres's default 128 MB of shared buffers lives inside PGlite's WASM memory, which
  // never shrinks: ~130 MB of the server's RSS. 16 MB holds this app's working set (a
  // 10 000-task account's rows and indexes); the OS page cache holds the rest of the files.
  const client = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"] });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: migrationsFolder() });
  return {
    db: db as unknown as Db,
    kind: "pglite",
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

// Vite's dev server re-runs this module on every change; keep one connection per process.
const globalForDb = globalThis as typeof globalThis & { __tasklaneDb?: Promise<Connection> };

function connect(): Promise<Connection> {
  globalForDb.__tasklaneDb ??= env.databaseUrl
    ? connectPostgres(env.databaseUrl)
    : connectPglite(env.dataDir);
  return globalForDb.__tasklaneDb;
}

let connection: Connection;
try {
  connection = await connect();
} catch (error) {
  console.error(
    `Could not open the database (${env.databaseUrl ? "DATABASE_URL" : `PGlite in ${env.dataDir}`}): ${(error as Error).message}`,
  );
  process.exit(1);
}

export const db: Db = connection.db;
export const dbKind = connection.kind;

/** True when the database answers within the time given. */
export async function pingDb(timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.execute(sql`select 1`).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

let closing: Promise<void> | undefined;
export function closeDb(): Promise<void> {
  closing ??= connection.close();
  return closing;
}
