import { useFormAction, useLocation, useNavigate, useSubmit } from "@remix-run/react";
import type { FormEvent, MouseEvent } from "react";
import { useHydrated } from "~/components/hydrated";
import { TaskItem } from "~/components/task-item";
import type { PendingTasks } from "~/pending-tasks";
import type { TaskListItem } from "~/task-constants";

type Props = {
  tasks: TaskListItem[];
  today: string;
  returnTo: string;
  pending: Pick<PendingTasks, "creates" | "toggling" | "deleting">;
};

/**
 * The task list. Its rows are plain links and forms (see TaskItem); with JavaScript, the
 * list handles them all at once, as Remix's <Link> and useFetcher().Form would one by one:
 * a link click becomes a client-side navigation, a toggle or delete a fetcher submission
 * (keyed by task, so a second click on the same row replaces the first request, as a
 * row's own fetcher did), whose form data the page reads back through useFetchers().
 */
export function TaskList({ tasks, today, returnTo, pending }: Props) {
  const hydrated = useHydrated();
  const formAction = useFormAction();
  const location = useLocation();
  const navigate = useNavigate();
  const submit = useSubmit();

  function onClick(event: MouseEvent<HTMLUListElement>) {
    const link = (event.target as Element).closest("a");
    if (!link || !isPlainClick(event, link)) return;
    event.preventDefault();
    const to = link.pathname + link.search + link.hash;
    // <Link> replaces rather than pushes a link to the page you are on.
    navigate(to, { replace: to === location.pathname + location.search + location.hash });
  }

  function onSubmit(event: FormEvent<HTMLUListElement>) {
    const form = event.target as HTMLFormElement;
    event.preventDefault();
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value;
    const confirmText = form.dataset.confirm;
    if (confirmText) {
      if (!window.confirm(confirmText)) return;
      focusNearbyRow(form.closest("li"));
    } else if (field("intent") === "toggle" && /[?&](status=(active|completed)|due=overdue)(&|$)/.test(location.search)) {
      // In the Active, Completed or Overdue view the row leaves the list, and its button with it.
      focusNearbyRow(form.closest("li"));
    }
    submit(form, { method: "post", navigate: false, fetcherKey: `${field("intent")}:${field("id")}` });
  }

  return (
    <ul className="task-list" aria-labelledby="list-heading" onClick={onClick} onSubmit={onSubmit}>
      {pending.creates.map((p) => (
        <li key={p.key} className="task pending" aria-busy="true">
          <span className="check" aria-hidden="true" />
          <div className="task-body">
            <span className="task-title">{p.title}</span>
            <div className="task-meta muted small">Saving…</div>
          </div>
        </li>
      ))}
      {tasks.map((task) =>
        pending.deleting.has(task.id) ? null : (
          <TaskItem
            key={task.id}
            task={task}
            today={today}
            returnTo={returnTo}
            formAction={formAction}
            hydrated={hydrated}
            pendingCompleted={pending.toggling.get(task.id)}
          />
        ),
      )}
    </ul>
  );
}

/** A left click without modifier keys on a same-origin link that opens in this tab. */
function isPlainClick(event: MouseEvent, link: HTMLAnchorElement) {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return false;
  if ((link.target && link.target !== "_self") || link.hasAttribute("download")) return false;
  return link.origin === window.location.origin;
}

/** After a delete, keep keyboard focus nearby instead of dropping it to <body>. */
function focusNearbyRow(li: HTMLLIElement | null) {
  const next = (li?.nextElementSibling ?? li?.previousElementSibling) as HTMLElement | null;
  requestAnimationFrame(() => (next?.querySelector("button") ?? document.getElementById("new-title"))?.focus());
}
