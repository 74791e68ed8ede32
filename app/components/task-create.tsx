import { Form, useFetcher, useRouteLoaderData, useSubmit } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { showClientToast } from "~/client-toast";
import { ErrorAutoFocus, validateBeforeSubmit } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";
import { TaskDetailFields, taskInputForm } from "~/components/task-fields";
import type { FieldErrors } from "~/forms";
import type { loader as rootLoader } from "~/root";
import { isAddedMessage, TITLE_MAX, type Task } from "~/task-constants";

type CreateResult = { ok: true; task: Task } | { ok: false; fieldErrors?: FieldErrors; values?: Record<string, string>; error?: string };

type Refused = Extract<CreateResult, { ok: false }>;
/** An add on its way: its fetcher's key and what it sent, to put back if it is refused. */
type Sent = { key: string; values: Record<string, string> };

/**
 * The "Add task" form. Without JavaScript it is a plain POST with a redirect back. With
 * it, each add is its own fetcher submission: the form clears at once, so the next task
 * can be typed while the last is on its way, and a second add never cancels the first.
 */
export function TaskCreateForm({ returnTo, serverResult, submissionKey }: { returnTo: string; serverResult?: CreateResult; submissionKey: string }) {
  const hydrated = useHydrated();
  const submit = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  // Adds on their way, one fetcher each (`sent` numbers their keys).
  const sent = useRef(0);
  const [inFlight, setInFlight] = useState<Sent[]>([]);
  const [usedFetchers, setUsedFetchers] = useState(false);
  // `key` (the refused add's) rebuilds the fields with its values, one refusal after another.
  const [refusal, setRefusal] = useState<(Sent & { result: Refused }) | null>(null);
  // The page's own refusal (a plain POST before JavaScript ran) counts until the first add.
  const pageRefusal = !usedFetchers && serverResult && !serverResult.ok ? serverResult : undefined;
  const refused = refusal?.result ?? pageRefusal;
  const errors: FieldErrors = clientErrors ?? refused?.fieldErrors ?? {};
  const values = refusal ? (refusal.result.values ?? refusal.values) : (pageRefusal?.values ?? {});
  const validate = validateBeforeSubmit(taskInputForm, setClientErrors);
  // Kept in state: an `open` that errors set and then dropped would close it under the user.
  const [moreOpen, setMoreOpen] = useState(false);
  const fieldsKey = refusal?.key ?? (pageRefusal ? "page" : "new");

  const settled = useCallback(({ key, values }: Sent, result: CreateResult) => {
    setInFlight((adds) => adds.filter((add) => add.key !== key));
    if (result.ok) return;
    // A refused add comes back into the form, unless the user has started on another task
    // (any field changed): that is never overwritten, and a toast names what was not added.
    if (!startedAnother(formRef.current)) return setRefusal({ key, result, values });
    const why =
      result.error === "unreachable"
        ? "Tasklane could not be reached. Check your connection and add it again."
        : (Object.values(result.fieldErrors ?? {}).find(Boolean) ?? result.error);
    showClientToast({ type: "error", message: `“${values.title ?? ""}” was not added`, description: why });
  }, []);

  // An add clears a refusal, whose key rebuilt the fields: the title the submit focused is
  // then replaced by a new one, so focus goes to that one once it is there (it fell to <body>,
  // and the next task typed went nowhere).
  const focusTitleAfterSubmit = useRef(false);
  useEffect(() => {
    if (!focusTitleAfterSubmit.current) return;
    focusTitleAfterSubmit.current = false;
    titleRef.current?.focus();
  }, [fieldsKey]);

  useEffect(() => {
    if (!refusal) return;
    (formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? titleRef.current)?.focus();
  }, [refusal]);

  useEffect(() => {
    // Without JavaScript the server re-rendered the page; put focus on the first error.
    if (serverResult && !serverResult.ok) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverResult]);

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    // Before the schema has arrived an add goes straight to the server, which checks it too:
    // held until then, the form would be sent as it is then, with the next task typed meanwhile.
    if (taskInputForm.current) {
      validate.onSubmit(event);
      if (event.defaultPrevented) return; // invalid: the errors are showing
    } else void taskInputForm.load();
    event.preventDefault();
    const form = event.currentTarget;
    const key = `create:${++sent.current}`;
    const values = Object.fromEntries([...new FormData(form)].filter((e): e is [string, string] => typeof e[1] === "string"));
    submit(form, { method: "post", navigate: false, fetcherKey: key }); // reads the form now
    setInFlight((adds) => [...adds, { key, values }]);
    setUsedFetchers(true);
    setRefusal(null);
    form.reset();
    titleRef.current?.focus();
    focusTitleAfterSubmit.current = fieldsKey !== "new";
  };

  // Without JavaScript the server re-rendered this page: autofocus its first error.
  const serverErrors = serverResult && !serverResult.ok ? serverResult.fieldErrors : undefined;
  const firstServerError = Object.keys(serverErrors ?? {})[0];
  // A page loaded after an add without JavaScript (its toast says so) puts focus back in
  // Title for the next task, as the enhanced form keeps it there.
  const afterAdd = isAddedMessage(useRouteLoaderData<typeof rootLoader>("root")?.toast?.message);
  return (
    <ErrorAutoFocus fieldErrors={serverErrors}>
    <Form method="post" ref={formRef} noValidate className="card create-form" aria-label="Add a task" onFocus={validate.onFocus} onSubmit={onSubmit}>
      <input type="hidden" name="intent" value="create" />
      <input type="hidden" name="returnTo" value={returnTo} />
      {/* Without JavaScript, a one-time key: the same form sent twice adds one task. */}
      {hydrated ? <input type="hidden" name="via" value="fetcher" /> : <input type="hidden" name="submission" value={submissionKey} />}
      <div className="field create-title">
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
          key={fieldsKey}
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={errors.title ? "new-title-error" : undefined}
          autoFocus={firstServerError === "title" || (afterAdd && !firstServerError) || undefined}
        />
        {errors.title ? (
          <p className="field-error" id="new-title-error">
            {errors.title}
          </p>
        ) : null}
      </div>
      <details
        className="more-options"
        open={moreOpen || Object.keys(errors).some((k) => k !== "title") || undefined}
        onToggle={(e) => setMoreOpen(e.currentTarget.open)}
      >
        <summary>More options</summary>
        <TaskDetailFields key={fieldsKey} idPrefix="new" values={values} errors={errors} />
      </details>
      {/* Add comes after the options in the page's order (beside Title on wide screens): on a
          phone it is below the options just filled in, and Tab from the last option reaches it. */}
      <button type="submit" className="button primary add-button" data-pending={inFlight.length > 0 || undefined} onClick={ignoreSecondClickOfEmpty}>
        {inFlight.length > 0 ? "Adding…" : "Add task"}
      </button>
      {inFlight.map((add) => (
        <AddWatcher key={add.key} add={add} onSettled={settled} />
      ))}
    </Form>
    </ErrorAutoFocus>
  );
}

/** Follows one add's fetcher (keeping it alive) and reports its answer once. */
function AddWatcher({ add, onSettled }: { add: Sent; onSettled: (add: Sent, result: CreateResult) => void }) {
  const fetcher = useFetcher<CreateResult>({ key: add.key });
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) onSettled(add, fetcher.data);
  }, [fetcher.state, fetcher.data, add, onSettled]);
  return null;
}

/**
 * The second click of a double-click on Add would send the form the first click has just
 * cleared, and show "Enter a title" under the task just added: it is dropped when Title is
 * empty. (A refused add puts its title back, so a double-click then still sends it again.)
 */
function ignoreSecondClickOfEmpty(event: React.MouseEvent<HTMLButtonElement>) {
  const title = event.currentTarget.form?.elements.namedItem("title");
  if (event.detail > 1 && title instanceof HTMLInputElement && !title.value.trim()) event.preventDefault();
}

/** Whether the user has started on another task: any field changed from its default. */
function startedAnother(form: HTMLFormElement | null): boolean {
  return [...(form?.elements ?? [])].some((el) => {
    if (el instanceof HTMLInputElement) return el.type !== "hidden" && (el.type === "checkbox" ? el.checked !== el.defaultChecked : el.value !== el.defaultValue);
    if (el instanceof HTMLTextAreaElement) return el.value !== el.defaultValue;
    if (el instanceof HTMLSelectElement) {
      // With no default option (a refused value matched none) the browser shows the first.
      const fallback = [...el.options].findIndex((option) => option.defaultSelected);
      return el.selectedIndex !== Math.max(fallback, 0);
    }
    return false;
  });
}
