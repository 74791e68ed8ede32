import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRevalidator,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { errorTitle, GeneralErrorBoundary } from "~/components/error-boundary";
import { CLIENT_TOAST_EVENT, type ClientToast } from "~/client-toast";
import { SubmitButton } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";
import { skipRevalidationWhenUnreachable } from "~/components/offline-action";
import { useNonce } from "~/nonce";
import { getUser } from "~/session.server";
import styles from "~/styles.css?url";
import { getToast } from "~/toast.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ error }) => [
  { title: error ? errorTitle(error) : "Tasklane" },
  { name: "description", content: "A fast, simple task manager that works in any browser." },
];

// A 503 page (database away) keeps its Retry-After; Remix forwards only Set-Cookie itself.
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const retryAfter = errorHeaders?.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, { toast, headers }] = await Promise.all([getUser(request), getToast(request)]);
  return data(
    { user: user ? { name: user.name, email: user.email } : null, toast: toast ?? null },
    { headers },
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const rootData = useRouteLoaderData<typeof loader>("root");
  const user = rootData?.user ?? null;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container header-inner">
            <Link to={user ? "/tasks" : "/"} className="brand">
              Tasklane
            </Link>
            <nav aria-label="Main">
              {user ? (
                <ul className="nav-list">
                  <li>
                    <NavLink to="/tasks">Tasks</NavLink>
                  </li>
                  <li>
                    <NavLink to="/settings">Settings</NavLink>
                  </li>
                  <li className="user-name" title={`Signed in as ${user.email}`}>
                    <span className="visually-hidden">Signed in as </span>
                    {user.name}
                  </li>
                  <li>
                    <Form method="post" action="/sign-out">
                      {/* Says it is working, and a second click does not send it again. */}
                      <SubmitButton intent="sign-out" pendingLabel="Signing out…" className="button link-button">
                        Sign out
                      </SubmitButton>
                    </Form>
                  </li>
                </ul>
              ) : (
                <ul className="nav-list">
                  <li>
                    <NavLink to="/sign-in">Sign in</NavLink>
                  </li>
                  <li>
                    <NavLink to="/sign-up" className="button primary small">
                      Sign up
                    </NavLink>
                  </li>
                </ul>
              )}
            </nav>
          </div>
        </header>
        <FocusOnNavigation />
        <main id="main" className="container" tabIndex={-1}>
          {/* In <main>: without JavaScript the toast is the page's news, and "Skip to content" must not skip it. */}
          <ToastRegion toast={rootData?.toast ?? null} />
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/**
 * A client-side navigation to another page moves focus to its content, as a page load
 * would put it at the top: otherwise focus stays on a link of the page that is gone (or
 * drops to <body>) and screen readers hear nothing of the new page. A new query on the same
 * page (filters, paging) leaves focus where it is, and so does a page that focused a field.
 */
function FocusOnNavigation() {
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    const main = document.getElementById("main");
    const active = document.activeElement;
    if (!main || (active && main.contains(active) && active !== main && active.matches("input, select, textarea, button"))) return;
    main.focus({ preventScroll: true });
  }, [pathname]);
  return null;
}

type Toast = { message: string; description?: string; type: "info" | "success" | "error" | "warning" };

/** Rendered by the server, so a toast shows without JavaScript; with it, it can be dismissed. */
function ToastRegion({ toast: serverToast }: { toast: Toast | null }) {
  const [hidden, setHidden] = useState<Toast | null>(null);
  const [clientToast, setClientToast] = useState<Toast | null>(null);
  const hydrated = useHydrated();
  useEffect(() => {
    const onToast = (event: Event) => setClientToast({ ...(event as CustomEvent<ClientToast>).detail });
    window.addEventListener(CLIENT_TOAST_EVENT, onToast);
    return () => window.removeEventListener(CLIENT_TOAST_EVENT, onToast);
  }, []);
  // A newer toast from the server replaces one made here, except good news over an error
  // (a request that never arrived): that stays until dismissed, or it went unseen when a
  // slower add that did arrive answered after it.
  useEffect(() => setClientToast((mine) => (mine?.type === "error" && serverToast?.type !== "error" ? mine : null)), [serverToast]);
  const toast = clientToast ?? serverToast;
  // Each toast is a new element, so the live region announces it even when its text is the
  // last one's (saving twice: "Task saved." again) and screen readers heard nothing.
  const shown = useRef({ toast, key: 0 });
  if (shown.current.toast !== toast) shown.current = { toast, key: shown.current.key + 1 };
  // Under the pointer or holding focus, a toast stays: still being read (WCAG 2.2.1).
  const [held, setHeld] = useState(false);
  useEffect(() => {
    // Unless this one was dismissed already (the server's, left behind a dismissed error).
    setHidden((dismissed) => (dismissed === toast ? dismissed : null));
    setHeld(false);
  }, [toast]);
  useEffect(() => {
    // Good news fades on its own, 6 s after it came or was let go; errors stay until dismissed.
    if (!toast || held || toast.type === "error" || toast.type === "warning") return;
    const timer = setTimeout(() => setHidden(toast), 6000);
    return () => clearTimeout(timer);
  }, [toast, held]);
  const visible = toast && toast !== hidden;
  // Where focus was before it reached the close button, to go back there on dismiss.
  const focusBefore = useRef<HTMLElement | null>(null);
  function dismiss(event: { currentTarget: HTMLButtonElement }) {
    // Dismissing an error made here dismisses the server's toast it stood over, too.
    if (toast === clientToast) {
      setClientToast(null);
      setHidden(serverToast);
    } else setHidden(toast);
    const back = focusBefore.current;
    focusBefore.current = null;
    // Only when focus is on the button (a click does not focus buttons in Safari).
    if (document.activeElement !== event.currentTarget) return;
    (back?.isConnected ? back : document.getElementById("main"))?.focus({ preventScroll: true });
  }
  return (
    // Without JavaScript a toast cannot be dismissed, so it sits in the page flow above the
    // content instead of floating over it.
    <div className={hydrated ? "toast-region floating" : "toast-region"} role="status" aria-live="polite">
      {visible ? (
        <div
          key={shown.current.key}
          className={`toast toast-${toast.type}`}
          data-toast={toast.type}
          onMouseEnter={() => setHeld(true)}
          onMouseLeave={() => setHeld(false)}
          onFocus={() => setHeld(true)}
          onBlur={() => setHeld(false)}
        >
          <div>
            <p className="toast-message">{toast.message}</p>
            {toast.description ? <p className="toast-description">{toast.description}</p> : null}
          </div>
          {hydrated ? (
            <button
              type="button"
              className="toast-close"
              aria-label="Dismiss"
              onFocus={(event) => (focusBefore.current = event.relatedTarget as HTMLElement | null)}
              onBlur={() => (focusBefore.current = null)}
              onClick={dismiss}
            >
              ×
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  useEffect(() => {
    // Lets the server work out "today" and "overdue" in the user's own time zone.
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!tz) return;
    const cookie = `tz=${encodeURIComponent(tz)}`;
    if (document.cookie.split("; ").includes(cookie)) return;
    document.cookie = `${cookie}; path=/; max-age=31536000; samesite=lax`;
    // This page was rendered with UTC's day (no cookie yet) or another zone's: its "Due
    // today" and "Overdue" may be a day off, so its data is loaded again with the right day.
    revalidator.revalidate();
  }, []);
  return <Outlet />;
}

export const shouldRevalidate = skipRevalidationWhenUnreachable;

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
