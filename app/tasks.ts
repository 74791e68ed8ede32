import { z } from "zod";
import {
  DESCRIPTION_MAX,
  DUE_FILTERS,
  isCalendarDate,
  PRIORITIES,
  RECURRENCES,
  SORTS,
  STATUSES,
  TAG_MAX,
  TAGS_MAX,
  TITLE_MAX,
} from "~/task-constants";

export * from "~/task-constants";

// Task input and list-query schemas, shared by the server (pages and API) and the browser,
// which loads this module (and zod with it) only once a task form is used.
const emptyToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);

export const titleSchema = z
  .string({ error: "Enter a title" })
  .trim()
  .min(1, "Enter a title")
  .max(TITLE_MAX, `Title must be at most ${TITLE_MAX} characters`);

export const descriptionSchema = z.preprocess(
  emptyToNull,
  z.string({ error: "Description must be text" }).max(DESCRIPTION_MAX, `Description must be at most ${DESCRIPTION_MAX} characters`).nullable(),
);

export const prioritySchema = z.enum(PRIORITIES, { error: "Choose low, medium or high" });

/** Tags from a list or from "work, home" as typed in a form: trimmed, lower-cased, unique. */
export const tagsSchema = z
  .union([z.string(), z.array(z.string({ error: "Each tag must be text" }))], { error: "Tags must be a list of words" })
  .transform((v) => (typeof v === "string" ? v.split(",") : v))
  .transform((tags) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))])
  .pipe(
    z
      .array(z.string().max(TAG_MAX, `Each tag must be at most ${TAG_MAX} characters`))
      .max(TAGS_MAX, `At most ${TAGS_MAX} tags`),
  );

export const dueDateSchema = z.preprocess(
  emptyToNull,
  z
    .string({ error: "Enter a date like 2026-12-31" })
    .refine(isCalendarDate, "Enter a real date like 2026-12-31")
    .nullable(),
);

export const recurrenceSchema = z.preprocess(
  (v) => (v === "" || v === "none" ? null : v),
  z.enum(RECURRENCES, { error: "Choose daily, weekly, monthly or none" }).nullable(),
);

export const completedSchema = z.preprocess(
  (v) => (v === "true" || v === "on" ? true : v === "false" ? false : v),
  z.boolean({ error: "Must be true or false" }),
);

/** Every editable field; the shape of a create or a full replace. */
export const taskInputSchema = z.object({
  title: titleSchema,
  description: descriptionSchema.default(null),
  priority: prioritySchema.default("medium"),
  tags: tagsSchema.default([]),
  dueDate: dueDateSchema.default(null),
  recurrence: recurrenceSchema.default(null),
  completed: completedSchema.default(false),
});
export type TaskInput = z.output<typeof taskInputSchema>;

/** A partial update: only the fields given change. */
export const taskPatchSchema = z.object({
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  priority: prioritySchema.optional(),
  tags: tagsSchema.optional(),
  dueDate: dueDateSchema.optional(),
  recurrence: recurrenceSchema.optional(),
  completed: completedSchema.optional(),
});
export type TaskPatch = z.output<typeof taskPatchSchema>;

// Unknown values in a shared or old URL fall back to the default view instead of failing
// (a value holding NUL, which Postgres cannot compare, too).
export const listQuerySchema = z.object({
  status: z.enum(STATUSES).catch("all"),
  // Searches past 200 characters are cut, not dropped (dropping showed every task); a tag
  // longer than any tag can be matches nothing, as it should.
  q: z.string().trim().transform((q) => q.slice(0, 200)).catch("").default(""),
  priority: prioritySchema.optional().catch(undefined),
  tag: z.string().trim().toLowerCase().transform((t) => t.slice(0, 4 * TAG_MAX)).optional().catch(undefined)
    .transform((v) => v || undefined),
  due: z.enum(DUE_FILTERS).optional().catch(undefined),
  sort: z.enum(SORTS).catch("created"),
  order: z.enum(["asc", "desc"]).optional().catch(undefined),
  // A title sort's cursor carries a lower-cased title of up to 200 characters, base64url.
  cursor: z.string().max(4096).optional().catch(undefined),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export function parseListQuery(params: URLSearchParams): ListQuery {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(listQuerySchema.shape)) {
    const value = params.get(key);
    if (value !== null && value !== "" && !value.includes("\u0000")) raw[key] = value;
  }
  return listQuerySchema.parse(raw);
}
