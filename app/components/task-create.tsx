import { Form, useFetcher, useFetchers, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { ErrorAutoFocus, validateBeforeSubmit } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";
import { TaskDetailFields, taskInputForm } from "~/components/task-fields";
import type { FieldErrors } from "~/forms";
import { TITLE_MAX, type Task } from "~/task-constants";

type CreateResult = { ok: true; task: Task } | { ok: false; fieldErrors?: FieldErrors; values?: Record<string, string>; error?: string };

/**
 * The "Add task" form. Without JavaScript it is a plain POST with a redirect back. With
 * it, each add is its own fetcher submission: the form clears at once, so the next task
 * can be typed while the last is on its way, and a second add never cancels the first.
 */
export function TaskCreateForm({ returnTo, serverResult }: { returnTo: string; serverResult?: CreateResult }) {
  const hydrated = useHydrated();
  const submit = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  // The latest add: its answer (a refusal) is what the form shows.
  const sent = useRef({ count: 0, values: {} as Record<string, string> });
  const [lastKey, setLastKey] = useState<string>();
  const last = useFetcher<CreateResult>({ key: lastKey });
  const adding = useFetchers().some((f) => f.state !== "idle" && f.formData?.get("intent") === "create");
  const result = (lastKey ? last.data : undefined) ?? serverResult;
  const refused = result && !result.ok ? result : undefined;
  const errors: FieldErrors = clientErrors ?? refused?.fieldErrors ?? {};
  // A refused add comes back into the form: with the server's copy of the input, or, if
  // the request never got there, with what was sent.
  const values = refused ? (refused.values ?? (lastKey ? sent.current.values : {})) : {};
  const validate = validateBeforeSubmit(taskInputForm, setClientErrors);

  useEffect(() => {
    if (last.state === "idle" && last.data && !last.data.ok) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus() ?? titleRef.current?.focus();
    }
  }, [last.state, last.data]);

  useEffect(() => {
    // Without JavaScript the server re-rendered the page; put focus on the first error.
    if (serverResult && !serverResult.ok) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverResult]);

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    validate.onSubmit(event);
    if (event.defaultPrevented) return; // invalid, or held until the schema has loaded
    event.preventDefault();
    const form = event.currentTarget;
    const key = `create:${++sent.current.count}`;
    sent.current.values = Object.fromEntries([...new FormData(form)].filter((e): e is [string, string] => typeof e[1] === "string"));
    submit(form, { method: "post", navigate: false, fetcherKey: key }); // reads the form now
    setLastKey(key);
    form.reset();
    titleRef.current?.focus();
  };

  // Without JavaScript the server re-rendered this page: autofocus its first error.
  const serverErrors = serverResult && !serverResult.ok ? serverResult.fieldErrors : undefined;
  const firstServerError = Object.keys(serverErrors ?? {})[0];
  return (
    <ErrorAutoFocus fieldErrors={serverErrors}>
    <Form method="post" ref={formRef} noValidate className="card create-form" aria-label="Add a task" onFocus={validate.onFocus} onSubmit={onSubmit}>
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
        <button type="submit" className="button primary add-button" data-pending={adding || undefined}>
          {adding ? "Adding…" : "Add task"}
        </button>
      </div>
      <details className="more-options" open={Object.keys(errors).some((k) => k !== "title") || undefined}>
        <summary>More options</summary>
        <TaskDetailFields key={refused ? lastKey : undefined} idPrefix="new" values={values} errors={errors} />
      </details>
    </Form>
    </ErrorAutoFocus>
  );
}
