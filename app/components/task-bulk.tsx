import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { SubmitButton } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";
import { viewUrl } from "~/components/task-filters";
import type { ListQuery } from "~/tasks";

type Props = {
  query: ListQuery;
  returnTo: string;
  /** A filtered view (search, priority, tag, due): the buttons cover only the tasks it shows. */
  scoped: boolean;
  /** The view's counts as they will be once the requests in flight land, so the buttons agree with the rows. */
  activeLeft: number;
  completedNow: number;
  /** The view's URL asked to confirm clearing (?confirm=clear-completed): the page without JavaScript. */
  confirmingClear: boolean;
};

const tasks = (n: number, scoped = false) => `${n} completed task${n === 1 ? "" : "s"}${scoped ? " in this view" : ""}`;

/**
 * "Mark all complete" and "Clear completed". Clearing deletes for good, so it asks first:
 * a browser dialog with JavaScript, a confirmation panel in the page without. In a filtered
 * view they act on the tasks it shows, and say so: acting on every task from a view of
 * two deleted tasks the user could not see (an exploratory review).
 */
export function BulkActions({ query, returnTo, scoped, activeLeft, completedNow, confirmingClear }: Props) {
  const hydrated = useHydrated();
  const view = viewUrl(query, {});
  return (
    <>
      {confirmingClear && completedNow > 0 ? (
        <section className="card danger-zone" role="alertdialog" aria-labelledby="clear-heading" aria-describedby="clear-text">
          <h2 id="clear-heading">Clear completed tasks?</h2>
          <p id="clear-text">{tasks(completedNow, scoped)} will be deleted for good.</p>
          <Form method="post" className="actions">
            <input type="hidden" name="returnTo" value={view} />
            <SubmitButton intent="clear-completed" pendingLabel="Clearing…" className="button danger" autoFocus>
              Yes, delete {tasks(completedNow, scoped)}
            </SubmitButton>
            <Link to={view} className="button">
              Cancel
            </Link>
          </Form>
        </section>
      ) : null}
      <div className="bulk actions">
        {/* Each tab offers only what acts on the tasks it can show: on Completed, "Mark all
            complete" completed open tasks the user could not see (a UI review). */}
        {query.status !== "completed" ? (
          <Form method="post">
            <input type="hidden" name="returnTo" value={returnTo} />
            <SubmitButton intent="complete-all" pendingLabel="Completing…" className="button small" disabled={activeLeft === 0}>
              {scoped ? "Complete all shown" : "Mark all complete"}
            </SubmitButton>
          </Form>
        ) : null}
        {query.status === "active" ? null : hydrated || completedNow === 0 ? (
          <Form method="post" onSubmit={(e) => !window.confirm(`Delete ${tasks(completedNow, scoped)}?`) && e.preventDefault()}>
            <input type="hidden" name="returnTo" value={returnTo} />
            <SubmitButton intent="clear-completed" pendingLabel="Clearing…" className="button small" disabled={completedNow === 0}>
              {scoped ? "Clear completed shown" : "Clear completed"}
            </SubmitButton>
          </Form>
        ) : (
          <Link to={`${view}${view.includes("?") ? "&" : "?"}confirm=clear-completed`} className="button small">
            {scoped ? "Clear completed shown" : "Clear completed"}
          </Link>
        )}
      </div>
    </>
  );
}

/**
 * After "Mark all complete" or "Clear completed" the button pressed is disabled (nothing
 * left for it to do) or gone with the whole bar, and focus fell to <body>. It goes to the
 * other bulk button when that can act now, else to the list. Called by the page, which
 * outlives the bar.
 */
export function useFocusAfterBulkAction() {
  const navigation = useNavigation();
  const intent = navigation.state === "idle" ? null : navigation.formData?.get("intent");
  const busy = intent === "complete-all" || intent === "clear-completed";
  const wasBusy = useRef(false);
  useEffect(() => {
    if (busy) {
      wasBusy.current = true;
      return;
    }
    if (!wasBusy.current) return;
    wasBusy.current = false;
    const active = document.activeElement;
    if (active && active !== document.body && !active.matches(":disabled")) return;
    const next = document.querySelector<HTMLElement>(".bulk button:not(:disabled), .bulk a");
    (next ?? document.getElementById("list-heading"))?.focus({ preventScroll: true });
  }, [busy]);
}
