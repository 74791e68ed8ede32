// Runs the built app (build/server/index.js under server.mjs, as `npm start` does) as a child process on its
// own port and its own database, so tests talk to it over real HTTP like a browser would.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_BUILD = path.join(ROOT, "build/server/index.js");
const SERVER_SCRIPT = path.join(ROOT, "server.mjs");

export type BackendName = "pglite" | "postgres";

/** PGlite always; real Postgres too when TEST_DATABASE_URL is set (CI sets it). */
export const backends: BackendName[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

// Our servers live on 3100-3199 (3000 belongs to `npm run dev`; 3100 to Playwright's).
const PORT_MIN = 3101;
const PORT_MAX = 3199;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN + 1));
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${PORT_MIN}-${PORT_MAX}`);
}

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> };

/** A fresh, empty database on the TEST_DATABASE_URL server; drop() removes it. */
export async function createDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `tasklane_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
        await admin.unsafe(`drop database if exists "${name}"`);
      } finally {
        await admin.end({ timeout: 2 });
      }
    },
  };
}

export type StartOptions = {
  /** Extra or overriding environment for the server process. */
  env?: Record<string, string>;
  /** Postgres only: connect through this URL instead of the test database's own (e.g. a proxy). */
  connectUrl?: (databaseUrl: string) => string;
  /** Run on another server's database (Postgres: a second instance; PGlite: the same DATA_DIR). */
  shareWith?: TestServer;
};

export type TestServer = {
  backend: BackendName;
  readonly url: string;
  readonly port: number;
  dataDir: string;
  /** The database's real URL (postgres backend only). */
  databaseUrl: string | undefined;
  /** Everything the server wrote to stdout and stderr so far. */
  logs: () => string;
  /** Runs SQL against the server's database (PGlite: stops the server, edits, starts it again). */
  sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
  restart: () => Promise<void>;
  /** Sends a signal and waits for the exit: how long it took and the exit code. */
  terminate: (signal?: NodeJS.Signals) => Promise<{ code: number | null; ms: number }>;
  stop: () => Promise<void>;
};

const SECRET = "test-secret-" + "x".repeat(40);

export async function startServer(backend: BackendName, options: StartOptions = {}): Promise<TestServer> {
  if (!existsSync(SERVER_BUILD)) {
    throw new Error(`${SERVER_BUILD} is missing: run \`npm run build\` (the vitest globalSetup normally does)`);
  }
  const shared = options.shareWith;
  const dataDir = shared && backend === "pglite" ? shared.dataDir : mkdtempSync(path.join(os.tmpdir(), `tasklane-test-${backend}-`));
  const database =
    backend !== "postgres" ? undefined
    : shared?.databaseUrl ? { url: shared.databaseUrl, name: "", drop: async () => {} }
    : await createDatabase();
  let output = "";
  let child: ChildProcess | undefined;
  let port = 0;

  const launch = async (preferredPort?: number) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const candidate = attempt === 0 && preferredPort && (await portIsFree(preferredPort)) ? preferredPort : await freePort();
      const env: Record<string, string | undefined> = {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(candidate),
        HOST: undefined,
        DATA_DIR: dataDir,
        BETTER_AUTH_URL: `http://localhost:${candidate}`,
        DATABASE_URL: undefined,
        BETTER_AUTH_SECRET: undefined,
        SMTP_URL: undefined,
        CLIENT_IP_HEADER: undefined,
        CORS_ORIGINS: undefined,
      };
      if (database) {
        env.DATABASE_URL = options.connectUrl ? options.connectUrl(database.url) : database.url;
        env.BETTER_AUTH_SECRET = SECRET;
      }
      Object.assign(env, options.env);
      const proc = spawn(process.execPath, [SERVER_SCRIPT], {
        cwd: ROOT,
        env: env as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const started = await new Promise<boolean>((resolve, reject) => {
        const timer = setTimeout(() => {
          proc.kill("SIGKILL");
          reject(new Error(`server did not start within 60 s. Output:\n${output}`));
        }, 60_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes(`"port":${candidate},"event":"listening"`)) {
            clearTimeout(timer);
            resolve(true);
          }
        };
        proc.stdout!.on("data", onData);
        proc.stderr!.on("data", onData);
        proc.once("exit", () => {
          clearTimeout(timer);
          if (/EADDRINUSE/.test(output)) resolve(false);
          else reject(new Error(`server exited while starting. Output:\n${output}`));
        });
      });
      if (started) {
        child = proc;
        port = candidate;
        return;
      }
    }
    throw new Error(`could not find a port for the server. Output:\n${output}`);
  };

  const halt = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      proc.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      proc.kill("SIGTERM");
    });
  };

  await launch();

  const server: TestServer = {
    backend,
    get url() {
      return `http://localhost:${port}`;
    },
    get port() {
      return port;
    },
    dataDir,
    databaseUrl: database?.url,
    logs: () => output,
    sql: async <T,>(query: string, params: unknown[] = []) => {
      if (database) {
        const client = postgres(database.url, { max: 1, onnotice: () => {} });
        try {
          return (await client.unsafe(query, params as never[])) as unknown as T[];
        } finally {
          await client.end({ timeout: 2 });
        }
      }
      // PGlite allows one process per directory: step the server aside for the edit.
      const previousPort = port;
      await halt();
      const { PGlite } = await import("@electric-sql/pglite");
      const db = await PGlite.create(path.join(dataDir, "pglite"));
      try {
        return (await db.query<T>(query, params as unknown[])).rows;
      } finally {
        await db.close();
        await launch(previousPort);
      }
    },
    restart: async () => {
      const previousPort = port;
      await halt();
      await launch(previousPort);
    },
    terminate: async (signal = "SIGTERM") => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return { code: proc?.exitCode ?? null, ms: 0 };
      child = undefined;
      const started = Date.now();
      return new Promise((resolve) => {
        proc.once("exit", (code) => resolve({ code, ms: Date.now() - started }));
        proc.kill(signal);
      });
    },
    stop: async () => {
      await halt();
      if (shared) return; // the first server owns the database and directory
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
