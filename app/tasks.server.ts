import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, ilike, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { db, sqlState } from "~/db.server";
import { task, taskCount, taskTag, user, type TaskRow } from "~/db/schema";
import {
  DEFAULT_ORDER,
  isStoredDate,
  isTaskIdShape,
  type ListQuery,
  type Recurrence,
  type Sort,
  type Task,
  type TaskListItem,
  type TaskInput,
  type TaskPatch,
  TASK_FIELDS,
  TASKS_PER_USER_MAX,
  TITLE_MAX,
} from "~/tasks";

// The task domain: every read and write of tasks goes through here, and every one is
// scoped by the owner's id in SQL. Pages and the JSON API both call these functions.

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: row.priority,
    tags: row.tags,
    dueDate: row.dueDate,
    recurrence: row.recurrence,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
  };
}

/** A list row's fields: descriptions and timestamps would only fatten the page's data. */
export function toListItem({ id, title, completed, priority, tags, dueDate, recurrence }: Task): TaskListItem {
  return { id, title, completed, priority, tags, dueDate, recurrence };
}

/** Today's date (UTC) as YYYY-MM-DD; callers may pass the user's own. */
export function todayUTC(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last date a due date can have (isCalendarDate's range); a series ends there. */
const LAST_DATE = "9999-12-31";

/**
 * The next due date of a recurring task, or null past the last storable date. A monthly
 * series keeps its day: on the 31st it falls on each month's last day (Feb 28, Mar 31,
 * Apr 30…), so `day` is the series' own day when `from` had to fall earlier.
 */
export function nextDueDate(from: string, recurrence: Recurrence, day?: number | null): string | null {
  if (from >= LAST_DATE) return null;
  if (recurrence === "daily") return addDays(from, 1);
  if (recurrence === "weekly") return from > addDays(LAST_DATE, -7) ? null : addDays(from, 7);
  const [y, m, d] = from.split("-").map(Number) as [number, number, number];
  const [year, month] = m === 12 ? [y + 1, 1] : [y, m + 1];
  if (year > 9999) return null;
  return onDay(year, month, day ?? d);
}

/**
 * The due date of the occurrence after one completed on `today`: the series' first date
 * after today. Completing an overdue repeating task so does not schedule its next one in the
 * past: a daily task ticked off three days late is next due tomorrow, and a weekly or monthly
 * one keeps its weekday or day of the month.
 */
export function nextDueAfter(due: string, recurrence: Recurrence, day: number | null, today: string): string | null {
  const next = nextDueDate(due, recurrence, day);
  if (next === null || next > today) return next;
  return nextDueDate(lastSeriesDate(due, recurrence, day ?? Number(due.slice(8)), today), recurrence, day);
}

/** The series' last date on or before `today` (`due` is before it). */
function lastSeriesDate(due: string, recurrence: Recurrence, day: number, today: string): string {
  if (recurrence === "daily") return today;
  if (recurrence === "weekly") return addDays(due, 7 * Math.floor(daysBetween(due, today) / 7));
  const [y, m] = today.split("-").map(Number) as [number, number];
  const thisMonth = onDay(y, m, day);
  return thisMonth <= today ? thisMonth : m === 1 ? onDay(y - 1, 12, day) : onDay(y, m - 1, day);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `day` of the month, or the month's last day when it is shorter. */
function onDay(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(day, daysInMonth(year, month))).padStart(2, "0")}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

// ---- listing ---------------------------------------------------------------------------

const priorityRank = sql<number>`(case ${task.priority} when 'high' then 3 when 'medium' then 2 else 1 end)`;

/** The expression a sort orders by; never null, so keyset comparisons stay simple. */
function sortKey(sort: Sort, order: "asc" | "desc"): SQL {
  switch (sort) {
    case "created":
      return sql`${task.createdAt}`;
    case "title":
      return sql`lower(${task.title})`;
    case "priority":
      return priorityRank;
    case "due":
      // Tasks without a date come last in either direction.
      return order === "asc"
        ? sql`coalesce(${task.dueDate}, date '9999-12-31')`
        : sql`coalesce(${task.dueDate}, date '0001-01-01')`;
  }
}

/**
 * An instant as `toTask`'s `Date.toISOString()` writes it (UTC, three decimals: the columns
 * keep milliseconds), written by Postgres: lists read 150 timestamps a page, and parsing each into a `Date` only
 * to write it back as text was ~9% of `GET /api/tasks`'s CPU (bench profile).
 */
const isoText = (column: AnyPgColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A task as the lists read it: a `Task` already, timestamps included. */
const listedColumns = {
  id: task.id,
  title: task.title,
  description: task.description,
  completed: task.completed,
  priority: task.priority,
  tags: task.tags,
  dueDate: task.dueDate,
  recurrence: task.recurrence,
  createdAt: isoText(task.createdAt),
  updatedAt: isoText(task.updatedAt),
  completedAt: isoText(task.completedAt) as SQL<string | null>,
};

/** A row as listed: with the title sort's key as Postgres computes it. */
type ListedRow = Task & { titleKey?: string };

function cursorValue(row: ListedRow, sort: Sort, order: "asc" | "desc"): string | number {
  switch (sort) {
    case "created":
      return row.createdAt;
    case "title":
      // Postgres's lower(), not JavaScript's: they differ ("ΑΣ", "İ"), and a cursor from the
      // wrong one skips or repeats rows.
      if (row.titleKey === undefined) throw new Error("A title-sorted page must select titleKey");
      return row.titleKey;
    case "priority":
      return { high: 3, medium: 2, low: 1 }[row.priority];
    case "due":
      return row.dueDate ?? (order === "asc" ? "9999-12-31" : "0001-01-01");
  }
}

function castCursor(sort: Sort, value: string | number): SQL {
  switch (sort) {
    case "created":
      return sql`${value}::timestamptz`;
    case "due":
      return sql`${value}::date`;
    case "priority":
      return sql`${value}::int`;
    case "title":
      return sql`${value}::text`;
  }
}

/**
 * Where a page ended: the sort key, then (for sorts other than created) the creation time,
 * then the id. Tasks with the same key (same due date, priority or title) come in creation
 * order, in the sort's direction, rather than in the order of their random ids.
 */
type Cursor = { s: Sort; o: "asc" | "desc"; v: string | number; c?: string; id: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

/** A cursor from another sort, or one that was tampered with, starts from the top. */
function decodeCursor(raw: string | undefined, sort: Sort, order: "asc" | "desc"): Cursor | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Cursor;
    if (c.s !== sort || c.o !== order || typeof c.id !== "string" || !isTaskIdShape(c.id)) return null;
    // Only values this module writes, so Postgres never sees one it cannot take: an exact
    // ISO timestamp, a date Postgres stores, a priority rank, a title without NUL.
    if (sort === "priority" ? ![1, 2, 3].includes(c.v as number) : typeof c.v !== "string") return null;
    if (sort === "created" && !isIsoTimestamp(String(c.v))) return null;
    if (sort !== "created" && (typeof c.c !== "string" || !isIsoTimestamp(c.c))) return null;
    // Any stored date: rows from before the 1000-9999 rule must still page on.
    if (sort === "due" && !isStoredDate(String(c.v))) return null;
    if (sort === "title" && (String(c.v).length > 4 * TITLE_MAX || String(c.v).includes("\u0000"))) return null;
    return c;
  } catch {
    return null;
  }
}

/** A cursor the list can continue from: one it wrote for this sort and order (the JSON API refuses others). */
export function isUsableCursor(raw: string, sort: Sort, order: "asc" | "desc" | undefined): boolean {
  return decodeCursor(raw, sort, order ?? DEFAULT_ORDER[sort]) !== null;
}

/** Exactly as toISOString writes it, with a four-digit year (JavaScript's +275760 is not Postgres's). */
function isIsoTimestamp(value: string): boolean {
  const time = Date.parse(value);
  return !Number.isNaN(time) && /^\d{4}-/.test(value) && new Date(time).toISOString() === value;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export type ListOptions = ListQuery & { limit?: number; today?: string };
export type TaskPage = { tasks: Task[]; nextCursor: string | null };

/** What narrows a list view besides its status tab: search, priority, tag and due date. */
export type ViewFilter = Partial<Pick<ListQuery, "q" | "priority" | "tag" | "due">>;

export function isFilteredView(view: ViewFilter): boolean {
  return Boolean(view.q || view.priority || view.tag || view.due);
}

/** The owner's tasks in a view (its status tab aside), for its list, counts and bulk actions. */
function viewConditions(userId: string, view: ViewFilter, today: string): (SQL | undefined)[] {
  const filters: (SQL | undefined)[] = [eq(task.userId, userId)];
  if (view.priority) filters.push(eq(task.priority, view.priority));
  if (view.tag) filters.push(sql`${task.tags} @> array[${view.tag}]::text[]`);
  if (view.q) {
    const pattern = `%${escapeLike(view.q)}%`;
    filters.push(or(ilike(task.title, pattern), ilike(task.description, pattern)));
  }
  if (view.due === "overdue") filters.push(and(lt(task.dueDate, today), eq(task.completed, false)));
  if (view.due === "today") filters.push(eq(task.dueDate, today));
  if (view.due === "week") filters.push(sql`${task.dueDate} between ${today}::date and ${addDays(today, 6)}::date`);
  if (view.due === "none") filters.push(isNull(task.dueDate));
  return filters;
}

/** A list view: its filters and its status tab. */
export type ListedView = ViewFilter & Partial<Pick<ListQuery, "status">>;

/** The owner's tasks a list view shows: its filters and its status tab. */
function listConditions(userId: string, view: ListedView, today: string): (SQL | undefined)[] {
  const filters = viewConditions(userId, view, today);
  if (view.status === "active") filters.push(eq(task.completed, false));
  if (view.status === "completed") filters.push(eq(task.completed, true));
  return filters;
}

/** Active and completed tasks in a filtered view (countTasks has the owner's totals). */
export async function countView(userId: string, view: ViewFilter, today = todayUTC()): Promise<{ active: number; completed: number }> {
  const [row] = await db
    .select({
      active: sql<number>`count(*) filter (where not ${task.completed})::int`,
      completed: sql<number>`count(*) filter (where ${task.completed})::int`,
    })
    .from(task)
    .where(and(...viewConditions(userId, view, today)));
  return { active: row?.active ?? 0, completed: row?.completed ?? 0 };
}

/**
 * Whether a view (its status tab included) lists this task: a task just added from a view
 * that hides it is named as such, or it would seem to vanish. Asks the database, so the
 * answer is the list's own, filters and all.
 */
export async function isInView(userId: string, taskId: string, view: ListedView, today = todayUTC()): Promise<boolean> {
  const filters = listConditions(userId, view, today);
  if (filters.length === 1) return true; // the owner's whole list
  const rows = await db
    .select({ id: task.id })
    .from(task)
    .where(and(eq(task.id, taskId), ...filters));
  return rows.length > 0;
}

export async function listTasks(userId: string, query: ListOptions): Promise<TaskPage> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 100);
  const today = query.today ?? todayUTC();
  const order = query.order ?? DEFAULT_ORDER[query.sort];
  const filters = listConditions(userId, query, today);

  const key = sortKey(query.sort, order);
  const cursor = decodeCursor(query.cursor, query.sort, order);
  const unfiltered = filters.length === 1;
  if (unfiltered && !cursor && query.sort === "created" && order === "desc") {
    // The default view (first page, newest first) is most of the traffic: prepared once.
    const rows = await newestFirst.execute({ userId, limit: limit + 1 });
    return toPage(rows, limit, query.sort, order);
  }
  // The created sort's key is the creation time already.
  const keys = query.sort === "created" ? [key, sql`${task.id}`] : [key, sql`${task.createdAt}`, sql`${task.id}`];
  if (cursor) {
    const values = [castCursor(query.sort, cursor.v), ...(query.sort === "created" ? [] : [sql`${cursor.c}::timestamptz`]), sql`${cursor.id}`];
    const row = (parts: SQL[]) => sql`(${sql.join(parts, sql`, `)})`;
    filters.push(order === "asc" ? sql`${row(keys)} > ${row(values)}` : sql`${row(keys)} < ${row(values)}`);
  }
  const direction = order === "asc" ? asc : desc;
  const rows = await db
    .select(query.sort === "title" ? { ...listedColumns, titleKey: sql<string>`${key}` } : listedColumns)
    .from(task)
    .where(and(...filters))
    .orderBy(...keys.map((k) => direction(k)))
    .limit(limit + 1);

  return toPage(rows, limit, query.sort, order);
}

const newestFirst = db
  .select(listedColumns)
  .from(task)
  .where(eq(task.userId, sql.placeholder("userId")))
  .orderBy(desc(task.createdAt), desc(task.id))
  .limit(sql.placeholder("limit"))
  .prepare("tasks_newest_first");

/** One page from limit + 1 rows: the extra row only says whether there is a next page. */
function toPage(rows: ListedRow[], limit: number, sort: Sort, order: "asc" | "desc"): TaskPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ s: sort, o: order, v: cursorValue(last, sort, order), ...(sort === "created" ? {} : { c: last.createdAt }), id: last.id })
      : null;
  return { tasks: sort === "title" ? page.map(({ titleKey: _, ...listed }) => listed) : page, nextCursor };
}

export async function countTasks(userId: string): Promise<{ total: number; active: number; completed: number }> {
  const [row] = await countsOf.execute({ userId });
  const total = row?.total ?? 0;
  const completed = row?.completed ?? 0;
  return { total, completed, active: total - completed };
}

// task_count is kept by triggers in the database (drizzle/0002_task_count.sql); a user
// without tasks has no row.
const countsOf = db
  .select({ total: taskCount.total, completed: taskCount.completed })
  .from(taskCount)
  .where(eq(taskCount.userId, sql.placeholder("userId")))
  .prepare("task_counts_of_user");

/** Every tag the user has used, for the tag filter. */
export async function listTags(userId: string): Promise<string[]> {
  const rows = await tagsOf.execute({ userId });
  return rows.map((r) => r.tag);
}

// task_tag is kept by triggers in the database (drizzle/0001_task_tag.sql).
const tagsOf = db
  .select({ tag: taskTag.tag })
  .from(taskTag)
  .where(eq(taskTag.userId, sql.placeholder("userId")))
  .orderBy(taskTag.tag)
  .limit(200)
  .prepare("task_tags_of_user");

// ---- one task --------------------------------------------------------------------------

const owned = (userId: string, id: string) => and(eq(task.id, id), eq(task.userId, userId));

// Ids come from URLs and form fields; one that cannot be a task id (a NUL in it would fail
// the query) is not found, without asking the database.
export async function getTask(userId: string, id: string): Promise<Task | null> {
  if (!isTaskIdShape(id)) return null;
  const [row] = await db.select().from(task).where(owned(userId, id)).limit(1);
  return row ? toTask(row) : null;
}

/** A one-time key for a page's create form (see createTask). */
export const newCreateKey = (): string => randomUUID();

/**
 * Adds a task. With a `createKey` (the page form's one-time key, without JavaScript), a
 * second create with the same key, such as a double-click, returns the task the first one
 * made instead of adding another: the unique index decides, so it holds across instances.
 */
export async function createTask(userId: string, input: TaskInput, options: ChangeOptions & { createKey?: string } = {}): Promise<Task> {
  // Read before the insert, not in it (which keeps creates lock-free): two creates at the
  // limit at once can both pass, so an account may end a few over. A bound, not a quota.
  if ((await countTasks(userId)).total >= TASKS_PER_USER_MAX) throw new TaskLimitError();
  const now = new Date();
  const { createKey } = options;
  // Only reached on a key conflict, so with a key.
  const existing = async (query: Pick<typeof db, "select">) => {
    const [row] = await query.select().from(task).where(and(eq(task.userId, userId), eq(task.createKey, createKey!))).limit(1);
    return toTask(row!);
  };
  const row = (completed: boolean) => ({
    id: randomUUID(),
    userId,
    createKey,
    title: input.title,
    description: input.description,
    priority: input.priority,
    tags: input.tags,
    dueDate: input.dueDate,
    recurrence: input.recurrence,
    completed,
    completedAt: completed ? now : null,
    createdAt: now,
    updatedAt: now,
  });
  if (!(input.completed && input.recurrence)) {
    // One statement, so no owner lock: its first lock others may hold is the user's task_count
    // row (the triggers' first), and it holds nothing they could be waiting for meanwhile. An
    // account deletion makes it wait, then fail its foreign key.
    try {
      const [created] = await db.insert(task).values(row(input.completed)).onConflictDoNothing(KEY_CONFLICT).returning();
      return created ? toTask(created) : await existing(db);
    } catch (error) {
      if (sqlState(error) === FOREIGN_KEY_VIOLATION) throw new OwnerGoneError();
      throw error;
    }
  }
  // A repeating task created already completed schedules its next one, as completing it would.
  const created = await ownerTransaction(userId, async (tx) => {
    const [created] = await tx.insert(task).values(row(false)).onConflictDoNothing(KEY_CONFLICT).returning({ id: task.id });
    if (!created) return existing(tx);
    return (await applyChangeIn(tx, userId, created.id, { completed: true }, options))!;
  });
  if (!created) throw new OwnerGoneError();
  return created;
}

const FOREIGN_KEY_VIOLATION = "23503";

/** A create whose key the user has used already (task_user_create_key_idx) adds nothing. */
const KEY_CONFLICT = { target: [task.userId, task.createKey], where: sql`create_key is not null` };

type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

/** The account holds TASKS_PER_USER_MAX tasks already. */
export class TaskLimitError extends Error {
  constructor() {
    super("The account holds the most tasks it can");
  }
}

/** The account was deleted while a request of its own was on the way. */
export class OwnerGoneError extends Error {
  constructor() {
    super("The task's owner no longer exists");
  }
}

/**
 * The first step of every transaction that writes tasks. One user's writes lock rows in
 * different orders (a task, then the trigger-kept task_count and task_tag rows; "Complete
 * all" the counters first, then each repeating task), so two at once could deadlock, and
 * one of them failed; the advisory lock lets one user's writes run one at a time instead
 * (different users' writes still run side by side). The user row, held FOR KEY SHARE, makes
 * an account deletion wait until the write is done, or the write find the account gone
 * (false), rather than the two deadlocking over the user's tasks.
 */
async function lockOwner(tx: Tx, userId: string): Promise<boolean> {
  const owner = await tx
    .select({ locked: sql`pg_advisory_xact_lock(hashtext(${`tasklane.tasks:${userId}`}))` })
    .from(user)
    .where(eq(user.id, userId))
    .for("key share");
  return owner.length > 0;
}

/** Runs a write of a user's tasks in a transaction that holds the owner's lock; null when the owner is gone. */
function ownerTransaction<T>(userId: string, work: (tx: Tx) => Promise<T>): Promise<T | null> {
  return db.transaction(async (tx: Tx) => ((await lockOwner(tx, userId)) ? work(tx) : null));
}

/** The caller's calendar day (a repeating task without a due date repeats from it); default UTC. */
export type ChangeOptions = {
  /** The caller's calendar day; without it (the JSON API, a page before JavaScript ran) UTC's. */
  today?: string;
  /** The updatedAt the editor saw: if the task has changed since, nothing is written (EditConflictError). */
  ifUnchangedSince?: string;
};

/** The task changed after the editor loaded it (another tab or device saved in between). */
export class EditConflictError extends Error {
  constructor(readonly current: Task) {
    super("The task changed since it was loaded");
  }
}

function applyChange(
  userId: string,
  id: string,
  change: TaskPatch | ((current: TaskRow) => TaskPatch),
  options: ChangeOptions,
): Promise<Task | null> {
  if (!isTaskIdShape(id)) return Promise.resolve(null);
  return ownerTransaction(userId, (tx) => applyChangeIn(tx, userId, id, change, options));
}

/**
 * Applies a change inside a transaction: keeps completedAt in step with completed, and
 * when a recurring task becomes complete for the first time, creates its next occurrence.
 */
async function applyChangeIn(
  tx: Tx,
  userId: string,
  id: string,
  change: TaskPatch | ((current: TaskRow) => TaskPatch),
  { today, ifUnchangedSince }: ChangeOptions,
): Promise<Task | null> {
  const [current] = await tx.select().from(task).where(owned(userId, id)).for("update").limit(1);
  if (!current) return null;
  // Checked under the row lock, so two saves of the same version cannot both pass.
  if (ifUnchangedSince !== undefined && current.updatedAt.toISOString() !== ifUnchangedSince) throw new EditConflictError(toTask(current));
  const patch = typeof change === "function" ? change(current) : change;
  // A save that changes nothing (the edit form sent as it was, a PUT repeated) writes
  // nothing: updatedAt stays, so another tab's open form is not made stale by it.
  if (!changesAnything(current, patch)) return toTask(current);
  const now = new Date();
  const completing = patch.completed === true && !current.completed;
  const values: Partial<typeof task.$inferInsert> = { updatedAt: now };
  for (const field of TASK_FIELDS) {
    if (patch[field] !== undefined) (values as Record<string, unknown>)[field] = patch[field];
  }
  // A due date or recurrence set by hand starts the series afresh, on the due date's day.
  const restarts =
    (patch.dueDate !== undefined && patch.dueDate !== current.dueDate) ||
    (patch.recurrence !== undefined && patch.recurrence !== current.recurrence);
  if (restarts) values.monthDay = null;
  if (patch.completed !== undefined && patch.completed !== current.completed) {
    values.completed = patch.completed;
    values.completedAt = patch.completed ? now : null;
  }
  // Reopening undoes the completion: the next occurrence it created goes too, unless the
  // user has since changed or completed it (otherwise an untick left two open copies).
  if (patch.completed === false && current.completed && current.nextTaskId) {
    const untouched = and(owned(userId, current.nextTaskId), eq(task.completed, false), eq(task.updatedAt, task.createdAt));
    const removed = await tx.delete(task).where(untouched).returning({ id: task.id });
    if (removed.length > 0) values.nextTaskId = null;
  }
  const recurrence = patch.recurrence !== undefined ? patch.recurrence : current.recurrence;
  if (completing && recurrence && !current.nextTaskId) {
    const callersToday = today ?? todayUTC(now);
    const due = (patch.dueDate !== undefined ? patch.dueDate : current.dueDate) ?? callersToday;
    const seriesDay = (restarts ? null : current.monthDay) ?? Number(due.slice(8));
    // UTC's day may be a day ahead of a caller whose day is unknown: a task due on their
    // today, completed on time, must not skip a day. Only dates before UTC's are surely past.
    const nextDue = nextDueAfter(due, recurrence, seriesDay, today ?? addDays(callersToday, -1));
    if (nextDue) {
      const nextId = randomUUID();
      await tx.insert(task).values({
        id: nextId,
        userId,
        title: values.title ?? current.title,
        description: values.description !== undefined ? values.description : current.description,
        priority: values.priority ?? current.priority,
        tags: values.tags ?? current.tags,
        recurrence,
        dueDate: nextDue,
        // A monthly series on the 31st goes on to Mar 31 from Feb 28.
        monthDay: recurrence === "monthly" ? seriesDay : null,
        createdAt: now,
        updatedAt: now,
      });
      values.nextTaskId = nextId;
    }
  }
  const [row] = await tx.update(task).set(values).where(owned(userId, id)).returning();
  return row ? toTask(row) : null;
}

function changesAnything(current: TaskRow, patch: TaskPatch): boolean {
  return ([...TASK_FIELDS, "completed"] as const).some(
    (field) => patch[field] !== undefined && JSON.stringify(patch[field]) !== JSON.stringify(current[field]),
  );
}

export function updateTask(userId: string, id: string, patch: TaskPatch, options: ChangeOptions = {}): Promise<Task | null> {
  return applyChange(userId, id, patch, options);
}

/** A full replace (PUT): every field takes the given value or its default. */
export function replaceTask(userId: string, id: string, input: TaskInput, options: ChangeOptions = {}): Promise<Task | null> {
  return applyChange(userId, id, input, options);
}

export function setCompleted(userId: string, id: string, completed: boolean, options: ChangeOptions = {}): Promise<Task | null> {
  return applyChange(userId, id, { completed }, options);
}

export function toggleTask(userId: string, id: string, options: ChangeOptions = {}): Promise<Task | null> {
  return applyChange(userId, id, (current) => ({ completed: !current.completed }), options);
}

export async function deleteTask(userId: string, id: string): Promise<boolean> {
  if (!isTaskIdShape(id)) return false;
  const deleted = await ownerTransaction(userId, (tx) => tx.delete(task).where(owned(userId, id)).returning({ id: task.id }));
  return (deleted?.length ?? 0) > 0;
}

/**
 * Completes the owner's open tasks, or only those in a filtered view (what the page shows),
 * all or nothing; recurring ones roll forward. Returns how many.
 */
export async function completeAll(userId: string, options: ChangeOptions & { view?: ViewFilter } = {}): Promise<number> {
  const now = new Date();
  const open = and(...viewConditions(userId, options.view ?? {}, options.today ?? todayUTC()), eq(task.completed, false));
  const completed = await ownerTransaction(userId, async (tx) => {
    // Plain tasks in one statement; recurring ones one by one, as each rolls forward.
    const plain = await tx
      .update(task)
      .set({ completed: true, completedAt: now, updatedAt: now })
      .where(and(open, isNull(task.recurrence)))
      .returning({ id: task.id });
    const recurring = await tx.select({ id: task.id }).from(task).where(and(open, isNotNull(task.recurrence)));
    for (const { id } of recurring) await applyChangeIn(tx, userId, id, { completed: true }, options);
    return plain.length + recurring.length;
  });
  return completed ?? 0;
}

/** Deletes the owner's completed tasks, or only those in a filtered view. */
export async function clearCompleted(userId: string, options: { view?: ViewFilter; today?: string } = {}): Promise<number> {
  const inView = viewConditions(userId, options.view ?? {}, options.today ?? todayUTC());
  const deleted = await ownerTransaction(userId, (tx) =>
    tx.delete(task).where(and(...inView, eq(task.completed, true))).returning({ id: task.id }),
  );
  return deleted?.length ?? 0;
}
