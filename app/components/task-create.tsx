import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { ErrorAutoFocus, validateBeforeSubmit } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";
import { TaskDetailFields, taskInputForm } from "~/components/task-fields";
import type { FieldErrors } from "~/forms";
import { TITLE_MAX, type Task } from "~/task-constants";

type CreateResult = { ok: true; task: Task } | { ok: false; fieldErrors?: FieldErrors; values?: Record<string, string>; error?: string };

/**
 * The "Add task" form. Without JavaScript it is a plain POST with a redirect back; with
 * it, a fetcher adds the task without leaving the page and focus stays in Title.
 */
export function TaskCreateForm({ returnTo, serverResult }: { returnTo: string; serverResult?: CreateResult }) {
  const hydrated = useHydrated();
  const fetcher = useFetcher<CreateResult>();
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const result = fetcher.data ?? serverResult;
  const errors: FieldErrors = clientErrors ?? (result && !result.ok ? result.fieldErrors ?? {} : {});
  const values = result && !result.ok ? result.values ?? {} : {};

  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) {
      formRef.current?.reset();
      titleRef.current?.focus();
    } else {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  }, [fetcher.state, fetcher.data]);

  useEffect(() => {
    // Without JavaScript the server re-rendered the page; put focus on the first error.
    if (serverResult && !serverResult.ok) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverResult]);

  const pending = fetcher.state !== "idle";
  // Without JavaScript the server re-rendered this page: autofocus its first error.
  const serverErrors = serverResult && !serverResult.ok ? serverResult.fieldErrors : undefined;
  const firstServerError = Object.keys(serverErrors ?? {})[0];
  return (
    <ErrorAutoFocus fieldErrors={serverErrors}>
    <fetcher.Form method="post" ref={formRef} noValidate className="card create-form" aria-label="Add a task" {...validateBeforeSubmit(taskInputForm, setClientErrors)}>
      <input type="hidden" name="intent" value="create" />
      <input type="hidden" name="returnTo" value={returnTo} />
      {hydrated ? <input type="hidden" name="via" value="fetcher" /> : null}
      <div className="create-row">
        <div className="field grow">
          <label htmlFor="new-title">Title</label>
          <input
            ref={titleRef}
            id="new-title"
            name="title"
            type="text"
            required
            maxLength={TITLE_MAX}
            placeholder="What needs doing?"
            autoComplete="off"
            defaultValue={values.title}
            key={values.title}
            aria-invalid={errors.title ? true : undefined}
            aria-describedby={errors.title ? "new-title-error" : undefined}
            autoFocus={firstServerError === "title" || undefined}
          />
          {errors.title ? (
            <p className="field-error" id="new-title-error">
              {errors.title}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button primary add-button" data-pending={pending || undefined}>
          {pending ? "Adding…" : "Add task"}
        </button>
      </div>
      <details className="more-options" open={Object.keys(errors).some((k) => k !== "title") || undefined}>
        <summary>More options</summary>
        <TaskDetailFields idPrefix="new" values={values} errors={errors} />
      </details>
    </fetcher.Form>
    </ErrorAutoFocus>
  );
}
