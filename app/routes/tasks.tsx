import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useFetchers, useLoaderData, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { clientActionWithOfflineToast, skipRevalidationWhenUnreachable } from "~/components/offline-action";
import { BulkActions, useFocusAfterBulkAction } from "~/components/task-bulk";
import { TaskCreateForm } from "~/components/task-create";
import { TaskFilters, viewUrl } from "~/components/task-filters";
import { TaskList } from "~/components/task-list";
import { requireSameSite } from "~/security.server";
import { requireUser, rethrowDbUnavailable } from "~/session.server";
import { handleTaskIntent } from "~/task-actions.server";
import { countTasks, countView, isFilteredView, listTags, listTasks, newCreateKey, toListItem } from "~/tasks.server";
import { pendingTasks } from "~/pending-tasks";
import { parseListQuery, type ListQuery } from "~/tasks";
import { knownToday, userToday } from "~/today.server";
import { readFormData } from "~/form-data.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Tasks (${data.counts.active} left) · Tasklane` : "Tasks · Tasklane" },
];

export const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const query = parseListQuery(new URL(request.url).searchParams);
  const today = userToday(request);
  const [page, counts, tags, viewCounts] = await Promise.all([
    listTasks(user.id, { ...query, limit: PAGE_SIZE, today }),
    countTasks(user.id),
    listTags(user.id),
    // The bulk actions of a filtered view cover the tasks it shows, so they count those.
    isFilteredView(query) ? countView(user.id, query, today) : null,
  ]).catch(rethrowDbUnavailable);
  return { tasks: page.tasks.map(toListItem), nextCursor: page.nextCursor, counts, viewCounts, tags, query, today, submissionKey: newCreateKey() };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameSite(request);
  const user = await requireUser(request);
  // The page posts to its own URL, so the view's filters come with it (for the bulk actions).
  const view = parseListQuery(new URL(request.url).searchParams);
  return handleTaskIntent(user.id, await readFormData(request), knownToday(request), view).catch(rethrowDbUnavailable);
}

function emptyMessage(query: ListQuery, counts: { total: number; active: number; completed: number }) {
  if (counts.total === 0) return { title: "No tasks yet", body: "Add your first task above. Press Enter to save it." };
  const filtered = query.q || query.priority || query.tag || query.due;
  if (filtered) return { title: "No tasks match this view", body: "Try other filters, or clear them.", clear: true };
  if (query.status === "active") return { title: "All done!", body: "Nothing left to do. Enjoy the quiet." };
  if (query.status === "completed") return { title: "No completed tasks", body: "Tasks you finish show up here until you clear them." };
  return { title: "No tasks here", body: "" };
}

export default function Tasks() {
  const { tasks, nextCursor, counts, viewCounts, tags, query, today, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const location = useLocation();
  // The page's forms come back to this view, but not to its "Clear completed?" panel
  // (?confirm=clear-completed, the page without JavaScript): ticking a task off under the
  // panel brought the panel back.
  const search = new URLSearchParams(location.search);
  const confirmingClear = search.get("confirm") === "clear-completed";
  search.delete("confirm");
  const rest = search.toString(); // not search.size: Safari before 17 has none
  const returnTo = location.pathname + (rest ? `?${rest}` : "");

  // Optimistic rows for creates still on their way, and counts that already count every
  // create, toggle and delete in flight (the bulk buttons must agree with the rows).
  const pending = pendingTasks(useFetchers(), tasks);
  const activeLeft = Math.max(0, counts.active + pending.activeDelta);
  const completedNow = Math.max(0, counts.completed + pending.completedDelta);
  const inView = viewCounts ?? counts;

  const empty = tasks.length === 0 && pending.creates.length === 0 ? emptyMessage(query, counts) : null;
  const focusListOnPage = useFocusListAfterPaging(query.cursor);
  useFocusAfterBulkAction();
  const createResult = actionData && "intent" in actionData && actionData.intent === "create" ? actionData : undefined;
  return (
    <div className="tasks-page">
      <div className="page-head">
        <h1>Tasks</h1>
        <p className="counter" aria-live="polite">
          <strong>{activeLeft}</strong> left
        </p>
      </div>
      <TaskCreateForm returnTo={returnTo} serverResult={createResult} submissionKey={submissionKey} />
      <TaskFilters query={query} tags={tags} />
      {counts.total > 0 ? (
        <BulkActions
          query={query}
          returnTo={returnTo}
          scoped={viewCounts !== null}
          activeLeft={Math.max(0, inView.active + pending.activeDelta)}
          completedNow={Math.max(0, inView.completed + pending.completedDelta)}
          confirmingClear={confirmingClear}
        />
      ) : null}
      <h2 className="visually-hidden" id="list-heading" tabIndex={-1}>
        Task list
      </h2>
      {empty ? (
        <div className="card empty-state">
          <h3>{empty.title}</h3>
          {empty.body ? <p className="muted">{empty.body}</p> : null}
          {empty.clear ? <Link to={viewUrl({ ...query, q: "", priority: undefined, tag: undefined, due: undefined }, {})}>Clear filters</Link> : null}
        </div>
      ) : (
        <TaskList tasks={tasks} today={today} returnTo={returnTo} pending={pending} />
      )}
      {query.cursor || nextCursor ? (
        <nav className="pager" aria-label="Pages">
          {query.cursor ? (
            <Link to={viewUrl(query, {})} onClick={focusListOnPage}>
              First page
            </Link>
          ) : null}
          {nextCursor ? (
            <Link to={viewUrl(query, { cursor: nextCursor })} rel="next" onClick={focusListOnPage}>
              {query.sort === "created" && (query.order ?? "desc") === "desc" ? "Older tasks" : "More tasks"}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}

/**
 * The page scrolls to the top on a new page of the list, but focus stayed on the pager link
 * at the bottom, and screen readers heard nothing: it moves to the list's heading once the
 * new page is shown.
 */
function useFocusListAfterPaging(cursor: string | undefined) {
  const paging = useRef(false);
  useEffect(() => {
    if (!paging.current) return;
    paging.current = false;
    document.getElementById("list-heading")?.focus({ preventScroll: true });
  }, [cursor]);
  return () => {
    paging.current = true;
  };
}

export const clientAction = clientActionWithOfflineToast;
export const shouldRevalidate = skipRevalidationWhenUnreachable;

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
