import type { ClientActionFunctionArgs, ShouldRevalidateFunction } from "@remix-run/react";
import { isRouteErrorResponse } from "@remix-run/react";
import { showClientToast } from "~/client-toast";

/**
 * A route's clientAction: passes the submission to the server, and when the request does
 * not get there (network down, server restarting) answers the fetcher with a failure
 * instead of replacing the page with an error — so optimistic rows roll back — and says so.
 */
export async function clientActionWithOfflineToast({ request, serverAction }: ClientActionFunctionArgs) {
  try {
    return await serverAction();
  } catch (error) {
    if (error instanceof Response || isRouteErrorResponse(error)) throw error;
    // Cancelled by the app itself (a newer submission with the same fetcher key): not a
    // network failure, and Remix drops the answer anyway.
    if (request.signal.aborted) throw error;
    showClientToast({
      type: "error",
      message: "Tasklane could not be reached",
      description: "Your change was not saved and has been undone. Check your connection and try again.",
    });
    return { ok: false as const, error: "unreachable" };
  }
}

/** After a submission that never reached the server, reloading data would fail the same way. */
export const skipRevalidationWhenUnreachable: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as { error?: string } | undefined)?.error === "unreachable" ? false : defaultShouldRevalidate;
