import { Form, useFetcher, useSubmit } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { showClientToast } from "~/client-toast";
import { ErrorAutoFocus, validateBeforeSubmit } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";
import { TaskDetailFields, taskInputForm } from "~/components/task-fields";
import type { FieldErrors } from "~/forms";
import { TITLE_MAX, type Task } from "~/task-constants";

type CreateResult = { ok: true; task: Task } | { ok: false; fieldErrors?: FieldErrors; values?: Record<string, string>; error?: string };

type Refused = Extract<CreateResult, { ok: false }>;

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
  // Adds on their way (one fetcher each) and what each sent, to put back if it fails.
  const sent = useRef({ count: 0, values: new Map<string, Record<string, string>>() });
  const [inFlight, setInFlight] = useState<string[]>([]);
  const [usedFetchers, setUsedFetchers] = useState(false);
  const [refusal, setRefusal] = useState<{ result: Refused; values: Record<string, string> } | null>(null);
  // The page's own refusal (a plain POST before JavaScript ran) counts until the first add.
  const pageRefusal = !usedFetchers && serverResult && !serverResult.ok ? serverResult : undefined;
  const refused = refusal?.result ?? pageRefusal;
  const errors: FieldErrors = clientErrors ?? refused?.fieldErrors ?? {};
  const values = refusal ? (refusal.result.values ?? refusal.values) : (pageRefusal?.values ?? {});
  const validate = validateBeforeSubmit(taskInputForm, setClientErrors);

  const settled = useCallback((key: string, result: CreateResult) => {
    setInFlight((keys) => keys.filter((k) => k !== key));
    const values = sent.current.values.get(key) ?? {};
    sent.current.values.delete(key);
    if (result.ok) return;
    // A refused add comes back into the form, unless the user is already typing the next
    // one: that is never overwritten, and a toast says what was not added.
    if (!titleRef.current?.value.trim()) setRefusal({ result, values });
    else if (result.error !== "unreachable") {
      // (An add that never arrived has had its toast from the offline handler.)
      const why = Object.values(result.fieldErrors ?? {}).find(Boolean) ?? result.error;
      showClientToast({ type: "error", message: `“${values.title ?? ""}” was not added`, description: why });
    }
  }, []);

  useEffect(() => {
    if (refusal) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus() ?? titleRef.current?.focus();
  }, [refusal]);

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
    sent.current.values.set(key, Object.fromEntries([...new FormData(form)].filter((e): e is [string, string] => typeof e[1] === "string")));
    submit(form, { method: "post", navigate: false, fetcherKey: key }); // reads the form now
    setInFlight((keys) => [...keys, key]);
    setUsedFetchers(true);
    setRefusal(null);
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
        <button type="submit" className="button primary add-button" data-pending={inFlight.length > 0 || undefined}>
          {inFlight.length > 0 ? "Adding…" : "Add task"}
        </button>
      </div>
      <details className="more-options" open={Object.keys(errors).some((k) => k !== "title") || undefined}>
        <summary>More options</summary>
        <TaskDetailFields key={refusal ? sent.current.count : undefined} idPrefix="new" values={values} errors={errors} />
      </details>
      {inFlight.map((key) => (
        <AddWatcher key={key} fetcherKey={key} onSettled={settled} />
      ))}
    </Form>
    </ErrorAutoFocus>
  );
}

/** Follows one add's fetcher (keeping it alive) and reports its answer once. */
function AddWatcher({ fetcherKey, onSettled }: { fetcherKey: string; onSettled: (key: string, result: CreateResult) => void }) {
  const fetcher = useFetcher<CreateResult>({ key: fetcherKey });
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) onSettled(fetcherKey, fetcher.data);
  }, [fetcher.state, fetcher.data, fetcherKey, onSettled]);
  return null;
}
