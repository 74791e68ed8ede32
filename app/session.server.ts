import { createHmac, timingSafeEqual } from "node:crypto";
import { data, redirect } from "@remix-run/node";
import { parseSessionOutput, parseUserOutput } from "better-auth/db";
import { eq, sql } from "drizzle-orm";
import { auth, type AuthSession } from "~/auth.server";
import { db, isDbUnavailable } from "~/db.server";
import { session, user } from "~/db/schema";
import { describeError, log } from "~/log.server";
import { safeRedirect } from "~/redirect";

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
  if (isDbUnavailable(error)) serviceUnavailable();
  throw error;
}

/** The signed-in session, or null for a missing, expired, revoked or tampered cookie. */
export function getSession(request: Request): Promise<SignedIn | null> {
  let pending = perRequest.get(request);
  if (!pending) {
    pending = lookUpSession(request).catch((error: unknown) => {
      if (isDbUnavailable(error)) {
        serviceUnavailable();
      }
      log.error("session.lookup_failed", { message: describeError(error) });
      serviceUnavailable();
    });
    perRequest.set(request, pending);
  }
  return pending;
}

/**
 * Every page asks this, so the usual case (a valid cookie for a live session that needs no
 * refresh) is one prepared, indexed query and a synchronous HMAC: going through
 * auth.api.getSession cost about 8% of a page's CPU (its endpoint context, a WebCrypto key
 * import per request, two unprepared queries). Whatever writes or is unusual (an expired
 * session to delete, the sliding expiry to extend, "don't remember me", a Bearer header) is
 * left to Better Auth, so the result is the same; a test compares the two.
 */
async function lookUpSession(request: Request): Promise<SignedIn | null> {
  const context = await auth.$context;
  const cookie = request.headers.get("cookie");
  const signed = readCookie(cookie, context.authCookies.sessionToken.name);
  if (request.headers.has("authorization") || readCookie(cookie, context.authCookies.dontRememberToken.name) !== null) {
    return auth.api.getSession({ headers: request.headers });
  }
  if (!signed) return null;
  const token = verifiedToken(signed, context.secret);
  if (!token) return null;
  const [row] = await sessionByToken.execute({ token });
  if (!row) return null;
  const expiresAt = row.session.expiresAt.getTime();
  const { expiresIn, updateAge } = context.sessionConfig;
  if (expiresAt <= Date.now() || expiresAt - expiresIn * 1000 + updateAge * 1000 <= Date.now()) {
    return auth.api.getSession({ headers: request.headers });
  }
  return {
    session: parseSessionOutput(auth.options, row.session),
    user: parseUserOutput(auth.options, row.user),
  } as SignedIn;
}

const sessionByToken = db
  .select({ session, user })
  .from(session)
  .innerJoin(user, eq(user.id, session.userId))
  .where(eq(session.token, sql.placeholder("token")))
  .limit(1)
  .prepare("page_session_by_token");

/** The first cookie of that name, decoded, as Better Auth reads it. */
function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}

/** The token of a Better Auth signed cookie (`token.base64(HMAC-SHA256)`), or null if forged. */
function verifiedToken(signed: string, secret: string): string | null {
  const dot = signed.lastIndexOf(".");
  if (dot < 1) return null;
  const signature = signed.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return null;
  const token = signed.slice(0, dot);
  const expected = createHmac("sha256", secret).update(token).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
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

/**
 * Sign-in and sign-up are for visitors: a signed-in user goes where the page was asked to
 * send them (`redirectTo`, as after signing in), else to their tasks.
 */
export async function requireAnonymous(request: Request): Promise<void> {
  if (await getSession(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
}

/** Better Auth answers with Set-Cookie headers; a redirect must carry them on. */
export function cookieHeaders(from: Headers): Headers {
  const headers = new Headers();
  for (const cookie of from.getSetCookie()) headers.append("Set-Cookie", cookie);
  return headers;
}
