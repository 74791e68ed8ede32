import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

/** What a route may throw with its status: a message, and a better way on than the start page. */
export type ErrorData = { message?: string; next?: { to: string; label: string } };

function describe(error: unknown): { status: number; title: string; message: string } {
  if (isRouteErrorResponse(error)) {
    const message = (error.data as ErrorData | null)?.message;
    switch (error.status) {
      case 403:
        return { status: 403, title: "Request refused", message: message ?? "You cannot do that here." };
      case 404:
        return { status: 404, title: "Not found", message: message ?? "There is nothing at this address, or it is not yours." };
      case 405:
        return { status: 405, title: "Not allowed", message: "This page does not accept that kind of request." };
      case 503:
        return { status: 503, title: "Temporarily unavailable", message: message ?? "Tasklane is having trouble right now. Please try again in a moment." };
      default:
        return { status: error.status, title: error.statusText || "Something went wrong", message: message ?? "Please try again." };
    }
  }
  // Never show what went wrong inside: no messages or stack traces from the server.
  return { status: 500, title: "Something went wrong", message: "An unexpected error happened. Please try again." };
}

/** The page title of an error page: what went wrong first, so a tab or screen reader says it. */
export function errorTitle(error: unknown): string {
  return `${describe(error).title} · Tasklane`;
}

export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { status, title, message } = describe(error);
  const next = isRouteErrorResponse(error) ? (error.data as ErrorData | null)?.next : undefined;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">{status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{message}</p>
      <p>
        <Link to={next?.to ?? "/"}>{next?.label ?? "Go to the start page"}</Link>
      </p>
    </section>
  );
}
