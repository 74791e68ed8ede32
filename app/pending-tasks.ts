import type { Task } from "~/task-constants";

/** What /tasks needs of a Remix fetcher (the shape of `useFetchers()` items). */
export type PendingFetcher = {
  key: string;
  state: "idle" | "submitting" | "loading";
  formData?: FormData;
  data?: unknown;
};

export type PendingTasks = {
  /** New tasks on their way to the server, newest first as the list shows them: "Saving…" rows. */
  creates: { key: string; title: string }[];
  /** How the "N left" counter moves once the requests in flight land. */
  activeDelta: number;
  /** How the number of completed tasks moves, so "Clear completed" agrees with the rows. */
  completedDelta: number;
  /** The state each toggle in flight asks for, by task id: the row shows it at once. */
  toggling: Map<string, boolean>;
  /** Tasks being deleted: their rows are hidden until the server answers. */
  deleting: Set<string>;
};

type ListedTask = Pick<Task, "id" | "completed" | "recurrence">;

/**
 * The list's optimistic state, worked out from the fetchers in flight. Each change is
 * compared with the loader's current data, not assumed: once a revalidation has brought
 * the server's answer (or another tab's), the change no longer counts, so nothing is
 * counted twice and a failed request rolls back as soon as its fetcher drops its form data.
 */
export function pendingTasks(fetchers: PendingFetcher[], tasks: ListedTask[]): PendingTasks {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const creates: PendingTasks["creates"] = [];
  const toggling: PendingTasks["toggling"] = new Map();
  const deleting: PendingTasks["deleting"] = new Set();
  // Whether each task a request touches will still count as left, and as completed, once
  // the requests land. A delete wins over a toggle of the same task, whichever was sent first.
  const after = new Map<ListedTask, { active: boolean; completed: boolean }>();
  for (const fetcher of fetchers) {
    const form = fetcher.formData;
    if (fetcher.state === "idle" || !form) continue;
    const intent = form.get("intent");
    if (intent === "create") {
      // While the list revalidates ("loading") the answer is already here: a refusal is
      // not a task, and a task the new list already shows is not pending any more.
      const answer = fetcher.data as { ok?: boolean; task?: { id: string } } | undefined;
      const title = String(form.get("title") ?? "").trim();
      // Fetchers come oldest first; the list (by default) is newest first, and a row that
      // moved below the next one as it landed would jump.
      if (title && answer?.ok !== false && !(answer?.task && byId.has(answer.task.id))) creates.unshift({ key: fetcher.key, title });
      continue;
    }
    const id = String(form.get("id"));
    if (intent === "delete") deleting.add(id);
    if (intent !== "toggle") continue;
    const completes = form.get("completed") === "true";
    toggling.set(id, completes);
    // A task not in the list (another tab deleted it) changes no count.
    const task = byId.get(id);
    // Completing a repeating task schedules its next one: still as many left (unless the
    // loader already shows it completed, and so its next one too).
    const scheduling = completes && task?.recurrence != null && !task.completed;
    if (task) after.set(task, { active: !completes || scheduling, completed: completes });
  }
  for (const id of deleting) {
    const task = byId.get(id);
    if (task) after.set(task, { active: false, completed: false });
  }
  let activeDelta = creates.length;
  let completedDelta = 0;
  for (const [task, { active, completed }] of after) {
    activeDelta += Number(active) - Number(!task.completed);
    completedDelta += Number(completed) - Number(task.completed);
  }
  return { creates, activeDelta, completedDelta, toggling, deleting };
}
