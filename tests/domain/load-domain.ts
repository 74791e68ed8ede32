// Loads the task domain in this test process against a fresh database: PGlite in a temp
// directory, or a new database on the TEST_DATABASE_URL server. Each call gets fresh
// module instances, so one file can run the same suite on both backends.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { vi } from "vitest";
import { createDatabase, type BackendName } from "../helpers/server";

export type Domain = typeof import("~/tasks.server") & {
  addUser: (name?: string) => Promise<string>;
  deleteUser: (id: string) => Promise<void>;
  /** The trigger-kept task_tag rows of a user, as {tag: tasks}. */
  tagCounts: (userId: string) => Promise<Record<string, number>>;
  /** How many task_count rows a user has (none once the account is gone). */
  countRows: (userId: string) => Promise<number>;
  /** Sets a due date straight in the table, past the app's checks (rows from older versions). */
  storeDueDate: (taskId: string, date: string) => Promise<void>;
  /** Sets timestamps straight in the table, as Postgres literals (microseconds, any offset). */
  storeTimestamps: (taskId: string, at: { createdAt: string; updatedAt: string; completedAt: string }) => Promise<void>;
  /** A server setting, as `show` prints it (`16MB`). */
  setting: (name: string) => Promise<string>;
  close: () => Promise<void>;
};

export async function loadDomain(backend: BackendName): Promise<Domain> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tasklane-domain-${backend}-`));
  const database = backend === "postgres" ? await createDatabase() : undefined;
  process.env.DATA_DIR = dataDir;
  if (database) {
    process.env.DATABASE_URL = database.url;
    process.env.BETTER_AUTH_SECRET = "domain-test-secret-".padEnd(40, "x");
  } else {
    delete process.env.DATABASE_URL;
    delete process.env.BETTER_AUTH_SECRET;
  }
  vi.resetModules();
  delete (globalThis as { __tasklaneDb?: unknown }).__tasklaneDb;
  const dbModule = await import("~/db.server");
  const schema = await import("~/db/schema");
  const domain = await import("~/tasks.server");
  return {
    ...domain,
    addUser: async (name = "Tester") => {
      const id = randomUUID();
      await dbModule.db.insert(schema.user).values({ id, name, email: `${id}@example.com` });
      return id;
    },
    deleteUser: async (id) => {
      await dbModule.db.delete(schema.user).where(eq(schema.user.id, id));
    },
    tagCounts: async (userId) => {
      const rows = await dbModule.db.select().from(schema.taskTag).where(eq(schema.taskTag.userId, userId));
      return Object.fromEntries(rows.map((r) => [r.tag, r.tasks]));
    },
    storeDueDate: async (taskId, date) => {
      await dbModule.db.update(schema.task).set({ dueDate: date }).where(eq(schema.task.id, taskId));
    },
    storeTimestamps: async (taskId, at) => {
      await dbModule.db.execute(
        sql`update task set created_at = ${at.createdAt}::timestamptz, updated_at = ${at.updatedAt}::timestamptz, completed_at = ${at.completedAt}::timestamptz where id = ${taskId}`,
      );
    },
    setting: async (name) => {
      const result = await dbModule.db.execute<{ value: string }>(sql`select current_setting(${name}) as value`);
      // postgres.js returns the rows; PGlite returns { rows }.
      const rows = "rows" in result ? (result.rows as { value: string }[]) : result;
      return String(rows[0]?.value);
    },
    countRows: async (userId) => (await dbModule.db.select().from(schema.taskCount).where(eq(schema.taskCount.userId, userId))).length,
    close: async () => {
      await dbModule.closeDb();
      delete (globalThis as { __tasklaneDb?: unknown }).__tasklaneDb;
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
