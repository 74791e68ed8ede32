import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  timestamp,
} from "drizzle-orm/pg-core";

// Better Auth's tables (core + jwt plugin + database rate limit), written by hand from
// its schema because its CLI needs Node 22. Field names are Better Auth's own.
// Millisecond precision: a JS Date holds exactly what the column holds, so list cursors
// built from timestamps neither skip nor repeat rows.
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const timestamps = {
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
};

export const user = pgTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  ...timestamps,
});

export const session = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: ts("expires_at").notNull(),
    token: text("token").notNull().unique(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    ...timestamps,
  },
  (t) => [index("session_user_id_idx").on(t.userId)],
);

export const account = pgTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: ts("access_token_expires_at"),
    refreshTokenExpiresAt: ts("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    ...timestamps,
  },
  (t) => [index("account_user_id_idx").on(t.userId)],
);

export const verification = pgTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: ts("expires_at").notNull(),
    ...timestamps,
  },
  (t) => [index("verification_identifier_idx").on(t.identifier)],
);

export const jwks = pgTable("jwks", {
  id: text("id").primaryKey(),
  publicKey: text("public_key").notNull(),
  privateKey: text("private_key").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
  expiresAt: ts("expires_at"),
  alg: text("alg"),
  crv: text("crv"),
});

// Better Auth's own per-IP limiter (used when CLIENT_IP_HEADER is set).
export const rateLimit = pgTable("rate_limit", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: bigint("last_request", { mode: "number" }).notNull(),
});

// The app's limiter for credential forms and endpoints: per account and per client IP.
// Its own table because Better Auth prunes rateLimit rows by its longest window.
export const authLimit = pgTable("auth_limit", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  windowStart: bigint("window_start", { mode: "number" }).notNull(),
});

export const PRIORITIES = ["low", "medium", "high"] as const;
export const RECURRENCES = ["daily", "weekly", "monthly"] as const;

export const task = pgTable(
  "task",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    completed: boolean("completed").notNull().default(false),
    priority: text("priority", { enum: PRIORITIES }).notNull().default("medium"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    dueDate: date("due_date", { mode: "string" }),
    recurrence: text("recurrence", { enum: RECURRENCES }),
    ...timestamps,
    completedAt: ts("completed_at"),
    // Set when completing this recurring task created its next occurrence, so completing
    // it again (after un-completing) does not create a second one.
    nextTaskId: text("next_task_id"),
    // The day of the month a monthly series falls on, carried from occurrence to occurrence:
    // a series on the 31st has Feb 28 as a due date and must go back to Mar 31. Null: the
    // due date's own day.
    monthDay: smallint("month_day"),
    // The one-time key of the page form that created it (without JavaScript): the same form
    // sent twice, a double-click, finds this task instead of adding another.
    createKey: text("create_key"),
  },
  (t) => [
    uniqueIndex("task_user_create_key_idx").on(t.userId, t.createKey).where(sql`create_key is not null`),
    // The list's default order (newest first) and its cursor walk on one index.
    index("task_user_created_idx").on(t.userId, t.createdAt, t.id),
    index("task_user_completed_idx").on(t.userId, t.completed),
    index("task_user_due_idx").on(t.userId, t.dueDate),
    index("task_tags_idx").using("gin", t.tags),
    check("task_priority_check", sql`${t.priority} in ('low', 'medium', 'high')`),
    check(
      "task_recurrence_check",
      sql`${t.recurrence} is null or ${t.recurrence} in ('daily', 'weekly', 'monthly')`,
    ),
  ],
);

export type TaskRow = typeof task.$inferSelect;

// How many of a user's tasks carry each tag, kept by triggers on task (drizzle/0001), so
// the tag filter reads a few rows instead of unnesting every task of the user (3+ ms at
// 10 000 tasks). No foreign key to user: deleting a user deletes their tasks, and the
// triggers then remove these rows (a foreign key would race that cascade).
export const taskTag = pgTable(
  "task_tag",
  {
    userId: text("user_id").notNull(),
    tag: text("tag").notNull(),
    tasks: integer("tasks").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.tag] })],
);

// Each user's task totals, kept by triggers on task (drizzle/0002) for the "N left" counter
// and the view headings: count(*) over a 10 000-task user was the page's slowest query
// (2-3 ms, more while the visibility map is stale). Same cascade reasoning as task_tag.
export const taskCount = pgTable("task_count", {
  userId: text("user_id").primaryKey(),
  total: integer("total").notNull(),
  completed: integer("completed").notNull(),
});
