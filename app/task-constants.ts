// Task limits, enums and types, without zod: page components import these, and the schemas
// in ~/tasks (and zod) reach the browser only when a form needs them.
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 1000;
export const TAGS_MAX = 10;
export const TAG_MAX = 30;
/** The most tasks one account holds: a bound on what a script with a session can store. */
export const TASKS_PER_USER_MAX = 100_000;
export const TASK_LIMIT_MESSAGE = `You have ${TASKS_PER_USER_MAX.toLocaleString("en")} tasks, the most an account can hold. Delete some to add more.`;
export const PRIORITIES = ["low", "medium", "high"] as const;
/** A task's fields that forms and the API set (completed aside). */
export const TASK_FIELDS = ["title", "description", "priority", "tags", "dueDate", "recurrence"] as const;
export const RECURRENCES = ["daily", "weekly", "monthly"] as const;
/** The toast an add ends with; seen after a reload, it says the page follows an add. */
export const addedMessage = (title: string) => `Added “${title}”.`;
export const isAddedMessage = (message: string | undefined) => Boolean(message?.startsWith("Added “") && message.endsWith("”."));

export type Priority = (typeof PRIORITIES)[number];
export type Recurrence = (typeof RECURRENCES)[number];

export type Task = {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: Priority;
  tags: string[];
  dueDate: string | null;
  recurrence: Recurrence | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
};

/** What a row of the task list shows; the list page sends the browser no more than this. */
export type TaskListItem = Pick<Task, "id" | "title" | "completed" | "priority" | "tags" | "dueDate" | "recurrence">;

/** A real date written YYYY-MM-DD (rejects 2026-02-30) that Postgres can store: no year 0000. */
export function isStoredDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith("0000")) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * A due date Tasklane accepts: a real date in the years 1000-9999 (JavaScript's Date.UTC
 * reads years below 100 as 19xx). Rows stored before this rule may be earlier.
 */
export function isCalendarDate(value: string): boolean {
  return value >= "1000" && isStoredDate(value);
}

/** Whether a string could be a task id (ours are UUIDs); anything else is simply not found. */
export function isTaskIdShape(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

export const STATUSES = ["all", "active", "completed"] as const;
export const DUE_FILTERS = ["overdue", "today", "week", "none"] as const;
export const SORTS = ["created", "due", "priority", "title"] as const;
export type Sort = (typeof SORTS)[number];

/** Natural direction of each sort: newest, soonest, most important, A to Z. */
export const DEFAULT_ORDER: Record<Sort, "asc" | "desc"> = {
  created: "desc",
  due: "asc",
  priority: "desc",
  title: "asc",
};
