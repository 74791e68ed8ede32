import type { ApiParams } from "~/api-paths";
import { z } from "zod";
import { apiRoute, invalid, json, notFound, problem, type ApiContext, type FieldError, type Handlers } from "~/api.server";
import {
  completedSchema,
  isTaskIdShape,
  parseListQuery,
  taskInputSchema,
  taskPatchSchema,
  type Task,
  type TaskInput,
} from "~/tasks";
import { isUsableCursor, listTasks, type ListOptions } from "~/tasks.server";

// What the task API routes share: list parameters, ids, and the seed-compatible shape.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;
/** The seed's list answered with every task as one array; we stop at this many. */
export const SEED_LIST_MAX = 1000;

function todayIn(timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  } catch {
    return null;
  }
}

/**
 * The list query of /tasks (status, q, priority, tag, due, sort, order — unknown values
 * fall back to the default view, as on the page), plus `cursor`, `limit` (1–100, default
 * 50) and `tz` (an IANA zone for the due filters; default UTC), which are checked strictly.
 */
export function listOptions(params: URLSearchParams): ListOptions {
  const errors: FieldError[] = [];
  for (const [key, value] of params) {
    if (value.includes("\u0000")) errors.push({ field: key, message: "Must not contain NUL characters" });
  }
  let limit = DEFAULT_LIMIT;
  const rawLimit = params.get("limit");
  if (rawLimit !== null && rawLimit !== "") {
    limit = /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : 0;
    if (limit < 1 || limit > MAX_LIMIT) errors.push({ field: "limit", message: `Must be a whole number from 1 to ${MAX_LIMIT}` });
  }
  let today: string | undefined;
  const tz = params.get("tz");
  if (tz) {
    today = (tz.length <= 64 && todayIn(tz)) || undefined;
    if (!today) errors.push({ field: "tz", message: "Must be an IANA time zone such as Europe/Berlin" });
  }
  const query = parseListQuery(params);
  // The page falls back to the first page; a client would silently read it again.
  if (query.cursor && !isUsableCursor(query.cursor, query.sort, query.order)) {
    errors.push({ field: "cursor", message: "Must be a nextCursor of this list, with the same sort and order" });
  }
  if (errors.length) throw invalid(errors);
  return { ...query, limit, today };
}

/** A task id from the path; anything that cannot be one of ours is simply not found. */
export function taskId(params: ApiParams): string {
  const id = params.id ?? "";
  if (!isTaskIdShape(id)) throw notFound();
  return id;
}

export const found = (task: Task | null) => (task ? json(task) : notFound());

// ---- seed-compatible routes ------------------------------------------------------------------

/** The seed's FastAPI task shape (snake_case). */
export type SeedTask = {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
};

export function toSeedTask(task: Task, userId: string): SeedTask {
  return {
    id: task.id,
    user_id: userId,
    title: task.title,
    description: task.description,
    completed: task.completed,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
  };
}

export const seedFound = (task: Task | null, userId: string) => (task ? json(toSeedTask(task, userId)) : notFound());

/** The seed's create body: title, and optionally description and completed. */
export const seedCreateSchema = taskInputSchema.pick({ title: true, description: true, completed: true });
/** The seed's PUT: title and description replaced, completed only when given. Other fields stay. */
export const seedReplaceSchema = taskInputSchema.pick({ title: true, description: true }).extend({
  completed: completedSchema.optional(),
});
export const seedPatchSchema = taskPatchSchema.pick({ title: true, description: true, completed: true });
export const seedCompleteSchema = z.object({ completed: completedSchema });

export function seedInput(body: z.output<typeof seedCreateSchema>): TaskInput {
  return { priority: "medium", tags: [], dueDate: null, recurrence: null, ...body };
}

/** Seed list parameters onto ours: status=pending means active; sort=due_date/created_at. */
function seedParams(params: URLSearchParams): URLSearchParams {
  const mapped = new URLSearchParams(params);
  if (mapped.get("status") === "pending") mapped.set("status", "active");
  const sort = mapped.get("sort");
  if (sort === "due_date") mapped.set("sort", "due");
  if (sort === "created_at") mapped.set("sort", "created");
  mapped.delete("limit");
  mapped.delete("cursor");
  return mapped;
}

/** Every matching task (up to SEED_LIST_MAX), as the seed's list did: one JSON array. */
export async function listAllSeed(userId: string, params: URLSearchParams): Promise<SeedTask[]> {
  const options = listOptions(seedParams(params));
  const all: SeedTask[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTasks(userId, { ...options, limit: MAX_LIMIT, cursor });
    for (const task of page.tasks) all.push(toSeedTask(task, userId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < SEED_LIST_MAX);
  return all.slice(0, SEED_LIST_MAX);
}

/**
 * A seed route: `/api/:userId/…` must name the token's own user, checked before anything
 * else is looked up (403 otherwise), exactly as the seed's backend did.
 */
export function seedRoute(handlers: Handlers<ApiContext>) {
  const guarded: Handlers<ApiContext> = {};
  for (const [method, handler] of Object.entries(handlers) as [keyof Handlers<ApiContext>, NonNullable<Handlers<ApiContext>[keyof Handlers<ApiContext>]>][]) {
    guarded[method] = (context) => {
      if (context.params.userId !== context.user.id) {
        throw problem(403, "The user id in the path is not the user of this token.");
      }
      return handler(context);
    };
  }
  return apiRoute(guarded);
}
