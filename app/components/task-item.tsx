import type { Task, TaskListItem } from "~/task-constants";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "Jan 31, 2030", as Intl's en format writes it, but spelled out here: the server and every
 * browser agree whatever their ICU data, and Intl cost ~1% of a page's server CPU.
 */
export function formatDue(date: string): string {
  const [year, month, day] = date.split("-");
  return `${MONTHS[Number(month) - 1]} ${Number(day)}, ${Number(year)}`;
}

export function dueState(task: Pick<Task, "dueDate" | "completed">, today: string): "overdue" | "today" | null {
  if (!task.dueDate || task.completed) return null;
  if (task.dueDate < today) return "overdue";
  if (task.dueDate === today) return "today";
  return null;
}

type Props = {
  task: TaskListItem;
  today: string;
  returnTo: string;
  /** Where the row's forms post: the page's own URL, as Remix's <Form> would resolve it. */
  formAction: string;
  hydrated: boolean;
  /** The state a toggle still on its way asks for: shown at once, dropped if it fails. */
  pendingCompleted?: boolean;
};

/**
 * One row of the list, in plain markup: no router hooks here. Fifty rows each calling
 * Remix's <Link> and useFetcher hooks cost about a quarter of the page's server CPU (bench,
 * paired runs), so TaskList turns the rows' link clicks into client-side navigations and
 * their form submissions into fetcher submissions, once for the whole list.
 */
export function TaskItem({ task, today, returnTo, formAction, hydrated, pendingCompleted }: Props) {
  const completed = pendingCompleted ?? task.completed;
  const due = dueState({ dueDate: task.dueDate, completed }, today);
  // The view this row is listed in, so the task's page (and its delete panel) can go back
  // to it; the default view's links stay short.
  const from = returnTo === "/tasks" ? "" : `from=${encodeURIComponent(returnTo)}`;
  return (
    <li className={`task${completed ? " done" : ""}${due ? ` due-${due}` : ""}`} id={`task-${task.id}`} data-task-id={task.id}>
      <form method="post" action={formAction} className="task-toggle">
        <input type="hidden" name="intent" value="toggle" />
        <input type="hidden" name="id" value={task.id} />
        <input type="hidden" name="completed" value={completed ? "false" : "true"} />
        <input type="hidden" name="returnTo" value={returnTo} />
        {hydrated ? <input type="hidden" name="via" value="fetcher" /> : null}
        <button type="submit" className="check" aria-pressed={completed} aria-label={`${completed ? "Mark as not done" : "Mark as done"}: ${task.title}`}>
          <span aria-hidden="true">{completed ? "✓" : ""}</span>
        </button>
      </form>
      <div className="task-body">
        <a href={`/tasks/${task.id}${from && `?${from}`}`} className="task-title" data-discover="true">
          {task.title}
        </a>
        <div className="task-meta">
          {task.priority !== "medium" ? <span className={`pill priority-${task.priority}`}>{task.priority === "high" ? "High priority" : "Low priority"}</span> : null}
          {task.dueDate ? (
            <span className={`pill due${due ? ` ${due}` : ""}`}>
              {due === "overdue" ? "Overdue · " : due === "today" ? "Due today · " : "Due "}
              <time dateTime={task.dueDate}>{formatDue(task.dueDate)}</time>
            </span>
          ) : null}
          {task.recurrence ? <span className="pill">Repeats {task.recurrence}</span> : null}
          {task.tags.map((tag) => (
            <a key={tag} href={`/tasks?tag=${encodeURIComponent(tag)}`} className="pill tag" aria-label={`Show tasks tagged ${tag}`} data-discover="true">
              #{tag}
            </a>
          ))}
        </div>
      </div>
      {hydrated ? (
        <form method="post" action={formAction} data-confirm={`Delete “${task.title}”? This cannot be undone.`}>
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="id" value={task.id} />
          <input type="hidden" name="via" value="fetcher" />
          <button type="submit" className="button small quiet" aria-label={`Delete: ${task.title}`}>
            Delete
          </button>
        </form>
      ) : (
        // Without JavaScript there is no dialog: deleting goes through a confirmation page,
        // which goes back to this view (`from`) when done or cancelled.
        <a href={`/tasks/${task.id}?delete=confirm${from && `&${from}`}`} className="button small quiet" aria-label={`Delete: ${task.title}`} data-discover="true">
          Delete
        </a>
      )}
    </li>
  );
}
