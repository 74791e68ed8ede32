import { data, redirect } from "@remix-run/node";
import { keptValues, parseForm } from "~/forms";
import { jsonWithError, jsonWithSuccess, redirectWithError, redirectWithSuccess } from "~/toast.server";
import {
  clearCompleted,
  completeAll,
  createTask,
  deleteTask,
  EditConflictError,
  isInView,
  OwnerGoneError,
  TaskLimitError,
  todayUTC,
  toggleTask,
  updateTask,
  type ListedView,
} from "~/tasks.server";
import { addedMessage, TASK_FIELDS, TASK_LIMIT_MESSAGE } from "~/task-constants";
import { taskInputSchema, taskPatchSchema } from "~/tasks";


// Same-site paths a task form may go back to: a list view (/tasks?…) or a task's page.
const LIST_VIEW = /^\/tasks(\?[^\s\\]*)?$/;
const TASK_PAGE = /^\/tasks\/[\w-]+(\?[^\s\\]*)?$/;

/** Where a task form goes back to: the list view it came from, never off the task pages. */
export function returnPath(formData: FormData, fallback = "/tasks"): string {
  const to = formData.get("returnTo");
  return typeof to === "string" && (LIST_VIEW.test(to) || TASK_PAGE.test(to)) ? to : fallback;
}

/** A list view's path (/tasks?…) from a URL parameter, or null: where a task page goes back to. */
export function listViewPath(value: string | null): string | null {
  return value && LIST_VIEW.test(value) ? value : null;
}

/** A task's page, carrying the list view it was opened from (`from`) when there is one. */
export function taskPagePath(id: string, from: string | null): string {
  return from ? `/tasks/${id}?from=${encodeURIComponent(from)}` : `/tasks/${id}`;
}

/** The list view a task page's path was opened from, if that path is this task's page. */
function listViewOf(path: string, id?: string): string | null {
  const url = new URL(path, "http://tasklane.invalid");
  if (!TASK_PAGE.test(path) || (id !== undefined && url.pathname !== `/tasks/${id}`)) return null;
  return listViewPath(url.searchParams.get("from"));
}

const completedMessage = (task: { title: string; recurrence: unknown }) =>
  task.recurrence ? `Completed “${task.title}”. The next one is scheduled.` : `Completed “${task.title}”.`;

/**
 * Ends a task mutation. A fetcher (JavaScript on, marked by the "via" field) gets JSON
 * and stays on the page; a plain form gets a redirect back to its view. Both carry a toast.
 */
async function done(formData: FormData, message: string | { message: string; description: string }, extra: Record<string, unknown> = {}, to?: string) {
  if (formData.get("via") === "fetcher") return jsonWithSuccess({ ok: true as const, ...extra }, message);
  return redirectWithSuccess(to ?? returnPath(formData), message);
}

async function gone(formData: FormData) {
  const message = "That task no longer exists. It may have been deleted in another tab.";
  if (formData.get("via") === "fetcher") return jsonWithError({ ok: false as const, error: message }, message, { status: 404 });
  // Not back to the task's own page, which is now a 404: to the list it was opened from.
  const back = returnPath(formData);
  return redirectWithError(TASK_PAGE.test(back) ? listViewOf(back) ?? "/tasks" : back, message);
}

/** A refused create or save: the form again, with what was sent kept (the task page's tick too). */
function refused(intent: string, formData: FormData, status: number, answer: { fieldErrors: Record<string, string | undefined>; formError?: string; seenUpdatedAt?: string }) {
  const kept = intent === "update" ? keptValues(formData, ...TASK_FIELDS, "completed") : keptValues(formData, ...TASK_FIELDS);
  return data({ ok: false as const, intent, ...answer, values: kept }, { status });
}

/** The create form's one-time key, when it is one the loader could have made (a UUID). */
function submissionKey(formData: FormData): string | undefined {
  const key = formData.get("submission");
  return typeof key === "string" && /^[0-9a-f-]{36}$/.test(key) ? key : undefined;
}

function taskId(formData: FormData): string {
  const id = formData.get("id");
  if (typeof id !== "string" || id.length === 0 || id.length > 100) {
    throw data({ message: "This form is missing which task it is for." }, { status: 400 });
  }
  return id;
}

/**
 * The task intents shared by /tasks and /tasks/:id. Unknown intents are a 400. `today` is
 * the user's calendar day when it is known (knownToday), from which a repeating task without
 * a due date repeats. `view` is the list view the form was posted from: its bulk actions
 * cover only the tasks it shows, and a task added where it would not show is said to be hidden.
 */
export async function handleTaskIntent(userId: string, formData: FormData, today: string | undefined, view: ListedView = {}) {
  const intent = formData.get("intent");
  switch (intent) {
    case "create": {
      const parsed = parseForm(taskInputSchema, formData);
      if (!parsed.success) {
        return refused(intent, formData, 400, { fieldErrors: parsed.fieldErrors });
      }
      // A plain form sends a one-time key: sent twice (a double-click), it adds one task.
      const task = await createTask(userId, parsed.data, { today, createKey: submissionKey(formData) }).catch((error: unknown) => {
        // The account was deleted (in another tab) while this form was on its way.
        if (error instanceof OwnerGoneError) throw redirect("/sign-in");
        if (error instanceof TaskLimitError) return null;
        throw error;
      });
      if (!task) {
        return refused(intent, formData, 409, { fieldErrors: { title: TASK_LIMIT_MESSAGE } });
      }
      const message = addedMessage(task.title);
      // Added from a view that hides it (the Completed tab, a filter), it would seem to vanish.
      if (await isInView(userId, task.id, view, today ?? todayUTC())) return done(formData, message, { task });
      const why = view.status === "completed" ? "New tasks are open, so Completed does not list it." : "It does not match this view's filters, so it is not listed here.";
      return done(formData, { message, description: why }, { task });
    }
    case "update": {
      const id = taskId(formData);
      // A checkbox sends nothing when unchecked; the edit form always means a full set.
      if (!formData.has("completed")) formData.set("completed", "false");
      const parsed = parseForm(taskInputSchema, formData);
      if (!parsed.success) {
        return refused(intent, formData, 400, { fieldErrors: parsed.fieldErrors });
      }
      // The version the form was loaded with (the task page sends it): a save over a change
      // made meanwhile in another tab or device is refused, and the edits stay in the form.
      const seen = formData.get("seenUpdatedAt");
      let task;
      try {
        task = await updateTask(userId, id, parsed.data, { today, ifUnchangedSince: typeof seen === "string" && seen ? seen : undefined });
      } catch (error) {
        if (!(error instanceof EditConflictError)) throw error;
        const { title, updatedAt } = error.current;
        const message = `This task was changed in another tab or device after you opened it (its title is now “${title}”). Your edits are still below: save again to keep them, or reload the page to see the other changes.`;
        return refused(intent, formData, 409, { fieldErrors: {}, formError: message, seenUpdatedAt: updatedAt });
      }
      if (!task) return gone(formData);
      // Completed by this save (completedAt is the write's time), a repeating task rolls on.
      const rolledOn = task.completed && task.recurrence && task.completedAt === task.updatedAt;
      // Back to this task's page, with the list view it was opened from (`from`) kept.
      const page = taskPagePath(task.id, listViewOf(returnPath(formData), task.id));
      return done(formData, rolledOn ? completedMessage(task) : "Task saved.", { task }, page);
    }
    case "toggle": {
      const id = taskId(formData);
      const completed = parseForm(taskPatchSchema.pick({ completed: true }), formData);
      const task =
        completed.success && completed.data.completed !== undefined
          ? await updateTask(userId, id, { completed: completed.data.completed }, { today })
          : await toggleTask(userId, id, { today });
      if (!task) return gone(formData);
      const message = task.completed ? completedMessage(task) : `“${task.title}” is open again.`;
      // Back at the row, not the top of a long list (without JavaScript the page reloads).
      const back = returnPath(formData);
      return done(formData, message, { task }, LIST_VIEW.test(back) ? `${back}#task-${task.id}` : back);
    }
    case "delete": {
      const id = taskId(formData);
      if (!(await deleteTask(userId, id))) return gone(formData);
      const back = returnPath(formData);
      return done(formData, "Task deleted.", {}, back.startsWith(`/tasks/${id}`) ? "/tasks" : back);
    }
    case "complete-all": {
      const n = await completeAll(userId, { today, view });
      return done(formData, n ? `Marked ${n} task${n === 1 ? "" : "s"} complete.` : "Nothing left to complete.");
    }
    case "clear-completed": {
      const n = await clearCompleted(userId, { today, view });
      return done(formData, n ? `Cleared ${n} completed task${n === 1 ? "" : "s"}.` : "No completed tasks to clear.");
    }
    default:
      throw data({ message: "This form asked for something Tasklane does not know how to do." }, { status: 400 });
  }
}
