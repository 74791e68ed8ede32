import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigate } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { errorTitle, GeneralErrorBoundary, type ErrorData } from "~/components/error-boundary";
import { clientActionWithOfflineToast, skipRevalidationWhenUnreachable } from "~/components/offline-action";
import { ErrorAutoFocus, FormError, SubmitButton, useFocusFirstError, validateBeforeSubmit } from "~/components/forms";
import { TaskDetailFields, taskInputForm } from "~/components/task-fields";
import { dueState, formatDue } from "~/components/task-item";
import type { FieldErrors } from "~/forms";
import { requireSameSite } from "~/security.server";
import { requireUser, rethrowDbUnavailable } from "~/session.server";
import { handleTaskIntent, listViewPath, taskPagePath } from "~/task-actions.server";
import { getTask } from "~/tasks.server";
import { TITLE_MAX } from "~/task-constants";
import { knownToday, userToday } from "~/today.server";
import { readFormData } from "~/form-data.server";

export const meta: MetaFunction<typeof loader> = ({ data, error }) => [{ title: data ? `${data.task.title} · Tasklane` : errorTitle(error) }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const task = await getTask(user.id, params.id ?? "").catch(rethrowDbUnavailable);
  const search = new URL(request.url).searchParams;
  // The list view this task was opened from (its title or Delete link carries it): the back
  // link, a delete and the list's own Delete's Cancel go back to it, filters and page kept.
  const from = listViewPath(search.get("from"));
  const back = from ?? "/tasks";
  // Missing and someone else's look the same: a task's existence is not revealed. Most
  // often it was deleted (Back after a delete, an old tab), so the way on is the list.
  if (!task) throw data(taskGone(back), { status: 404 });
  const confirmDelete = search.get("delete") === "confirm";
  // This page as it is now, `from` kept, so a save or the page's own Delete… keeps it too.
  const pagePath = taskPagePath(task.id, from);
  const cancelTo = search.get("cancel") === "page" ? pagePath : back;
  return { task, confirmDelete, back, pagePath, cancelTo, today: userToday(request) };
}

const taskGone = (back: string): ErrorData => ({
  message: "This task does not exist, or it is not yours. It may have been deleted.",
  next: { to: back, label: "Back to your tasks" },
});

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameSite(request);
  const user = await requireUser(request);
  const formData = await readFormData(request);
  formData.set("id", params.id ?? "");
  return handleTaskIntent(user.id, formData, knownToday(request)).catch(rethrowDbUnavailable);
}

export default function TaskPage() {
  const { task, confirmDelete, back, pagePath, cancelTo, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const failed = actionData && "fieldErrors" in actionData ? actionData : undefined;
  const conflict = failed && "seenUpdatedAt" in failed ? failed : undefined;
  const errors: FieldErrors = clientErrors ?? failed?.fieldErrors ?? {};
  const values = failed?.values ?? {
    title: task.title,
    description: task.description ?? "",
    priority: task.priority,
    tags: task.tags.join(", "),
    dueDate: task.dueDate ?? "",
    recurrence: task.recurrence ?? "",
  };
  const formRef = useFocusFirstError(failed);
  const due = dueState(task, today);
  const deleteLinkRef = useRef<HTMLAnchorElement>(null);
  // The edit form is rebuilt after a save, and the panel goes after a cancel: either way
  // the focused button disappears, so focus goes back where the user was.
  const seen = useRef({ confirmDelete, updatedAt: task.updatedAt });
  useEffect(() => {
    const before = seen.current;
    if (before.confirmDelete && !confirmDelete) deleteLinkRef.current?.focus();
    else if (before.updatedAt !== task.updatedAt && document.activeElement === document.body) {
      formRef.current?.querySelector<HTMLElement>('button[value="update"]')?.focus();
    }
    seen.current = { confirmDelete, updatedAt: task.updatedAt };
  }, [confirmDelete, task.updatedAt, formRef]);
  return (
    <div className="task-page">
      <p>
        <Link to={back}>{back === "/tasks" ? "← All tasks" : "← Back to the list"}</Link>
      </p>
      {confirmDelete ? <DeletePanel title={task.title} back={back} cancelTo={cancelTo} /> : null}
      <ErrorAutoFocus fieldErrors={failed?.fieldErrors} formError={conflict?.formError}>
      <div className="card">
        <h1>Edit task</h1>
        <FormError message={conflict?.formError} />
        <p className="muted small">
          {task.completed ? "Completed" : "Open"}
          {task.dueDate ? ` · due ${formatDue(task.dueDate)}` : ""}
          {due === "overdue" ? " · overdue" : due === "today" ? " · due today" : ""}
        </p>
        {/* A save comes back to this page: the phone's view stays at the Save button. */}
        <Form method="post" preventScrollReset noValidate ref={formRef} {...validateBeforeSubmit(taskInputForm, setClientErrors)} key={task.updatedAt}>
          <input type="hidden" name="returnTo" value={pagePath} />
          {/* The version these fields were loaded from; after a conflict, the newer one, so saving again overwrites it on purpose. */}
          <input type="hidden" name="seenUpdatedAt" value={conflict?.seenUpdatedAt ?? task.updatedAt} />
          <div className="field">
            <label htmlFor="edit-title">Title</label>
            <input id="edit-title" name="title" type="text" required maxLength={TITLE_MAX} defaultValue={values.title} aria-invalid={errors.title ? true : undefined} aria-describedby={errors.title ? "edit-title-error" : undefined} autoFocus={Object.keys(failed?.fieldErrors ?? {})[0] === "title" || undefined} />
            {errors.title ? (
              <p className="field-error" id="edit-title-error">
                {errors.title}
              </p>
            ) : null}
          </div>
          <TaskDetailFields idPrefix="edit" values={values} errors={errors} />
          <label className="checkbox">
            {/* A refused save keeps the tick as sent (the action always sends "true" or "false"). */}
            <input type="checkbox" name="completed" value="true" defaultChecked={failed?.values.completed ? failed.values.completed === "true" : task.completed} />
            Completed
          </label>
          <div className="actions">
            <SubmitButton intent="update" pendingLabel="Saving…">
              Save changes
            </SubmitButton>
            {confirmDelete ? null : (
              <Link ref={deleteLinkRef} to={`${pagePath}${pagePath.includes("?") ? "&" : "?"}delete=confirm&cancel=page`} state={{ openedHere: true }} className="button quiet">
                Delete…
              </Link>
            )}
          </div>
        </Form>
      </div>
      </ErrorAutoFocus>
    </div>
  );
}

/** "Delete this task?": deleting goes to the list view `back`; Cancel and Escape to `cancelTo`. */
function DeletePanel({ title, back, cancelTo }: { title: string; back: string; cancelTo: string }) {
  const navigate = useNavigate();
  // Opened from this page's own Delete… (with JavaScript): closing it goes back one history
  // entry, so Back afterwards leaves the page instead of reopening the panel.
  const openedHere = (useLocation().state as { openedHere?: boolean } | null)?.openedHere === true;
  const close = () => (openedHere ? navigate(-1) : navigate(cancelTo, { replace: true }));
  return (
    <section className="card danger-zone" aria-labelledby="confirm-heading" role="alertdialog" aria-describedby="confirm-text" onKeyDown={(e) => e.key === "Escape" && close()}>
      <h2 id="confirm-heading">Delete this task?</h2>
      <p id="confirm-text">“{title}” will be deleted for good.</p>
      <Form method="post" className="actions">
        <input type="hidden" name="returnTo" value={back} />
        <SubmitButton intent="delete" pendingLabel="Deleting…" className="button danger" autoFocus>
          Yes, delete it
        </SubmitButton>
        <Link to={cancelTo} className="button" onClick={(e) => {
            if (!openedHere) return;
            e.preventDefault();
            close();
          }}
        >
          Cancel
        </Link>
      </Form>
    </section>
  );
}

export const clientAction = clientActionWithOfflineToast;
export const shouldRevalidate = skipRevalidationWhenUnreachable;

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
