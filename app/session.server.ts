import { data, redirect } from "@remix-run/node";
import { auth, type AuthSession } from "~/auth.server";
import { isDbUnavailable } from "~/db.server";
import { log } from "~/log.server";

export type SignedIn = AuthSession;

// The root loader and the page's loader both ask; one lookup per request is enough.
const perRequest = new WeakMap<Request, Promise<SignedIn | null>>();

export function serviceUnavailable(): never {
  throw data(
    { message: "Tasklane cannot reach its database right now. Please try again in a moment." },
    { status: 503, statusText: "Service Unavailable", headers: { "Retry-After": "5" } },
  );
}

/** For `.catch()` on database calls: an outage becomes the friendly 503 page, not a 500. */
export function rethrowDbUnavailable(error: unknown): never {
  if (isDbUnavailable(error) || isDbUnavailable((error as { cause?: unknown })?.cause)) serviceUnavailable();
  throw error;
}

/** The signed-in session, or null for a missing, expired, revoked or tampered cookie. */
export function getSession(request: Request): Promise<SignedIn | null> {
  let pending = perRequest.get(request);
  if (!pending) {
    pending = auth.api.getSession({ headers: request.headers }).catch((error: unknown) => {
      if (isDbUnavailable(error) || isDbUnavailable((error as { cause?: unknown })?.cause)) {
        serviceUnavailable();
      }
      log.error("session.lookup_failed", { message: (error as Error).message });
      serviceUnavailable();
    });
    perRequest.set(request, pending);
  }
  return pending;
}

export async function getUser(request: Request) {
  return (await getSession(request))?.user ?? null;
}

/** The session, or a thrown redirect to sign-in that brings the user back here after. */
export async function requireSession(request: Request): Promise<SignedIn> {
  const session = await getSession(request);
  if (!session) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/sign-in?redirectTo=${encodeURIComponent(back)}`);
  }
  return session;
}

export async function requireUser(request: Request) {
  return (await requireSession(request)).user;
}

/** Sign-in, sign-up and reset pages are for visitors; a signed-in user goes to their tasks. */
export async function requireAnonymous(request: Request): Promise<void> {
  if (await getSession(request)) throw redirect("/tasks");
}

/** Better Auth answers with Set-Cookie headers; a redirect must carry them on. */
export function cookieHeaders(from: Headers): Headers {
  const headers = new Headers();
  for (const cookie of from.getSetCookie()) headers.append("Set-Cookie", cookie);
  return headers;
}
