import { Form, Link, useNavigate } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { EnumOptions } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";
import { PRIORITIES } from "~/task-constants";
import type { ListQuery } from "~/tasks";

export function viewUrl(query: ListQuery, change: Partial<Record<keyof ListQuery, string | undefined>>): string {
  const merged = { ...query, cursor: undefined, ...change } as Record<string, string | undefined>;
  return listUrl(Object.entries(merged));
}

/** The list's URL for these parameters, without the empty and default ones (`q=&status=all`). */
function listUrl(entries: Iterable<[string, unknown]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of entries) {
    if (typeof value !== "string" || value.trim() === "") continue;
    if ((key === "status" && value === "all") || (key === "sort" && value === "created")) continue;
    params.set(key, value);
  }
  const search = params.toString();
  return search ? `/tasks?${search}` : "/tasks";
}

const STATUS_TABS = [
  { value: "all", label: "All" },
  { value: "active", label: "Active" },
  { value: "completed", label: "Completed" },
] as const;

/** Every filter lives in the URL (a GET form), so a view can be bookmarked and Back works. */
export function TaskFilters({ query, tags }: { query: ListQuery; tags: string[] }) {
  const hydrated = useHydrated();
  const navigate = useNavigate();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // The form is rebuilt for each view (its key) so its fields show the URL's values; the
  // field that was just changed gets focus back, or keyboard users would be thrown to <body>.
  const changed = useRef<string | null>(null);
  const formKey = JSON.stringify({ ...query, q: undefined, cursor: undefined });
  useEffect(() => {
    if (changed.current) document.getElementById(changed.current)?.focus();
    changed.current = null;
    // The search box is left out of the key (rebuilding it would lose what is being typed),
    // so a view change made elsewhere (Clear filters, Back) sets its text here.
    const search = document.getElementById("filter-q");
    if (search instanceof HTMLInputElement && search !== document.activeElement) search.value = query.q;
  }, [formKey, query.q]);
  // With JavaScript the view is opened at its short URL; a plain GET form sends every
  // field, empty or not (`/tasks?q=&priority=&tag=…`).
  // Each change is a history entry, as without JavaScript, so Back undoes the last one; only
  // a search being typed on replaces its own entry (one per pause in typing was noise).
  const apply = (form: HTMLFormElement | null, { delay = 0, replace = false } = {}) => {
    if (!form) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => navigate(listUrl(new FormData(form)), { replace, preventScrollReset: true }), delay);
  };
  const filtered = Boolean(query.q || query.priority || query.tag || query.due || query.status !== "all" || query.sort !== "created" || query.order);
  return (
    <section aria-label="Filters" className="filters">
      <nav aria-label="Status" className="tabs">
        {STATUS_TABS.map((tab) => (
          <Link key={tab.value} to={viewUrl(query, { status: tab.value })} aria-current={query.status === tab.value ? "page" : undefined} className="tab" preventScrollReset>
            {tab.label}
          </Link>
        ))}
      </nav>
      <Form
        key={formKey}
        method="get"
        action="/tasks"
        className="filter-form"
        role="search"
        onChange={(e) => {
          if (!hydrated) return;
          const field = e.target as HTMLElement;
          changed.current = field.id;
          const typing = field.getAttribute("type") === "search";
          apply(e.currentTarget, typing ? { delay: 300, replace: query.q !== "" } : {});
        }}
        onSubmit={(e) => {
          if (!hydrated) return;
          e.preventDefault();
          clearTimeout(timer.current);
          navigate(listUrl(new FormData(e.currentTarget)));
        }}
      >
        {query.status !== "all" ? <input type="hidden" name="status" value={query.status} /> : null}
        <div className="field grow">
          <label htmlFor="filter-q">Search</label>
          <input id="filter-q" type="search" name="q" defaultValue={query.q} placeholder="Title or description" maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="filter-priority">Priority</label>
          <select id="filter-priority" name="priority" defaultValue={query.priority ?? ""}>
            <option value="">Any</option>
            <EnumOptions values={PRIORITIES} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-tag">Tag</label>
          <select id="filter-tag" name="tag" defaultValue={query.tag ?? ""}>
            <option value="">Any</option>
            {[...new Set([...tags, ...(query.tag ? [query.tag] : [])])].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-due">Due</label>
          <select id="filter-due" name="due" defaultValue={query.due ?? ""}>
            <option value="">Any time</option>
            <option value="overdue">Overdue</option>
            <option value="today">Today</option>
            <option value="week">This week</option>
            <option value="none">No date</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-sort">Sort by</label>
          <select id="filter-sort" name="sort" defaultValue={query.sort}>
            <option value="created">Created</option>
            <option value="due">Due date</option>
            <option value="priority">Priority</option>
            <option value="title">Title</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-order">Order</label>
          {/* "Default" leaves the direction to the sort (newest, soonest, most important
              first, A to Z), so picking a new sort never keeps the old sort's direction. */}
          <select id="filter-order" name="order" defaultValue={query.order ?? ""}>
            <option value="">Default</option>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button">
            Apply
          </button>
          {filtered ? (
            <Link to="/tasks" className="small">
              Clear filters
            </Link>
          ) : null}
        </div>
      </Form>
    </section>
  );
}
