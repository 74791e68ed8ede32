import { Link, useFetcher } from "@remix-run/react";
import { useRef } from "react";
import { useHydrated } from "~/components/hydrated";
import type { Task } from "~/task-constants";

const dateFormat = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

export function formatDue(date: string): string {
  return dateFormat.format(new Date(`${date}T00:00:00Z`));
}

export function dueState(task: Pick<Task, "dueDate" | "completed">, today: string): "overdue" | "today" | null {
  if (!task.dueDate || task.completed) return null;
  if (task.dueDate < today) return "overdue";
  if (task.dueDate === today) return "today";
  return null;
}

type Props = { task: Task; today: string; returnTo: string; onDeleted: (li: HTMLLIElement | null) => void };

/** One row of the list. Toggle and delete go through fetchers when JavaScript runs. */
export function TaskItem({ task, today, returnTo, onDeleted }: Props) {
  const hydrated = useHydrated();
  const toggle = useFetcher<{ ok: boolean }>();
  const remove = useFetcher<{ ok: boolean }>();
  const liRef = useRef<HTMLLIElement>(null);

  // Optimistic: show the state being asked for until the server answers; a failed
  // request drops the pending value, so the row rolls back by itself.
  const pendingCompleted = toggle.formData?.get("completed");
  const completed = pendingCompleted ? pendingCompleted === "true" : task.completed;
  if (remove.state !== "idle" || remove.data?.ok) return null;

  const due = dueState({ dueDate: task.dueDate, completed }, today);
  return (
    <li ref={liRef} className={`task${completed ? " done" : ""}${due ? ` due-${due}` : ""}`} data-task-id={task.id}>
      <toggle.Form method="post" className="task-toggle">
        <input type="hidden" name="intent" value="toggle" />
        <input type="hidden" name="id" value={task.id} />
        <input type="hidden" name="completed" value={completed ? "false" : "true"} />
        <input type="hidden" name="returnTo" value={returnTo} />
        {hydrated ? <input type="hidden" name="via" value="fetcher" /> : null}
        <button type="submit" className="check" aria-pressed={completed} aria-label={`${completed ? "Mark as not done" : "Mark as done"}: ${task.title}`}>
          <span aria-hidden="true">{completed ? "✓" : ""}</span>
        </button>
      </toggle.Form>
      <div className="task-body">
        <Link to={`/tasks/${task.id}`} className="task-title">
          {task.title}
        </Link>
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
            <Link key={tag} to={`/tasks?tag=${encodeURIComponent(tag)}`} className="pill tag" aria-label={`Show tasks tagged ${tag}`}>
              #{tag}
            </Link>
          ))}
        </div>
      </div>
      {hydrated ? (
        <remove.Form
          method="post"
          onSubmit={(event) => {
            if (!window.confirm(`Delete “${task.title}”? This cannot be undone.`)) event.preventDefault();
            else onDeleted(liRef.current);
          }}
        >
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="id" value={task.id} />
          <input type="hidden" name="via" value="fetcher" />
          <button type="submit" className="button small quiet" aria-label={`Delete: ${task.title}`}>
            Delete
          </button>
        </remove.Form>
      ) : (
        // Without JavaScript there is no dialog: deleting goes through a confirmation page.
        <Link to={`/tasks/${task.id}?delete=confirm`} className="button small quiet" aria-label={`Delete: ${task.title}`}>
          Delete
        </Link>
      )}
    </li>
  );
}
