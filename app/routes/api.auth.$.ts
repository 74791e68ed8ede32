import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { allowCorsOrigin, preflight } from "~/api.server";
import { auth } from "~/auth.server";
import { isDbUnavailable } from "~/db.server";
import { describeError, log } from "~/log.server";
import { limitAuthAttempt, refundAuthAttempt, type AuthAction } from "~/rate-limit.server";

// Better Auth's endpoints, with the same per-account limits as the HTML forms in front of
// the ones that check a password or a reset token (Better Auth's own limiter only knows
// client IPs, and without a trusted proxy there are none).
// The bucket is the account the body names (its email, or the reset link's token), or for
// the endpoints that need a session the signed-in user's, shared with /settings.
const limited: Record<string, { action: AuthAction; account: "email" | "token" | "session" }> = {
  "/api/auth/sign-in/email": { action: "sign-in", account: "email" },
  "/api/auth/sign-up/email": { action: "sign-up", account: "email" },
  "/api/auth/request-password-reset": { action: "forgot-password", account: "email" },
  "/api/auth/reset-password": { action: "reset-password", account: "token" },
  "/api/auth/change-password": { action: "change-password", account: "session" },
  "/api/auth/delete-user": { action: "delete-account", account: "session" },
};

function tooMany(retryAfter: number) {
  return Response.json(
    { code: "TOO_MANY_REQUESTS", message: "Too many attempts. Try again later." },
    { status: 429, headers: { "Retry-After": String(retryAfter), "X-Retry-After": String(retryAfter) } },
  );
}

// Sign-in and sign-up take urlencoded bodies as well as JSON (their allowedMediaTypes; the
// other endpoints take JSON only), so the limiter reads both: reading JSON only let
// form-encoded guesses through unlimited.
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json/i;

async function bodyOf(request: Request): Promise<Record<string, unknown> | null> {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  try {
    if (JSON_TYPE.test(type)) return (await request.clone().json()) as Record<string, unknown>;
    if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(await request.clone().formData());
  } catch {
    // Malformed: Better Auth answers it with a 400 itself.
  }
  return null;
}

async function accountOf(request: Request, body: Record<string, unknown> | null, account: "email" | "token" | "session"): Promise<string | null> {
  if (account === "session") {
    // Better Auth's own lookup, not getSession(): its errors reach respond() raw, so an
    // outage is this endpoint's JSON 503 rather than a page's.
    return (await auth.api.getSession({ headers: request.headers }))?.user.id ?? null;
  }
  const value = body?.[account];
  if (typeof value !== "string") return null;
  return account === "token" ? `token:${value}` : value.slice(0, 320);
}

/**
 * Sessions, tokens and account data must not sit in a shared or browser cache (a token
 * from /api/auth/token, a sign-in's set-auth-token); the public keys may. Origins in
 * CORS_ORIGINS may run the token flow from a browser, without cookies: they need to read
 * set-auth-token.
 */
function finish(request: Request, path: string, response: Response): Response {
  const copy = new Response(response.body, response); // Better Auth's headers may be immutable
  if (path !== "/api/auth/jwks" && !copy.headers.has("cache-control")) copy.headers.set("Cache-Control", "no-store");
  allowCorsOrigin(request, copy.headers, "set-auth-token, Retry-After");
  return copy;
}

/**
 * Node's fetch (Deno's and Bun's too) sends Sec-Fetch-Mode: cors but no Origin, which Better
 * Auth takes for a browser hiding its origin and refuses (403 MISSING_OR_NULL_ORIGIN): the
 * token flow of DESIGN.md failed from a plain script (an API review). Browsers send Origin
 * with every POST, so a POST with no Origin, Referer or cookie is not a browser's and has no
 * credentials a forged request could borrow: its Sec-Fetch-* headers are dropped.
 */
function withoutScriptFetchMetadata(request: Request): Request {
  const { headers } = request;
  if (request.method !== "POST" || headers.has("origin") || headers.has("referer") || headers.has("cookie")) return request;
  const names = [...headers.keys()].filter((name) => name.startsWith("sec-fetch-"));
  if (names.length === 0) return request;
  const copy = new Headers(headers);
  for (const name of names) copy.delete(name);
  return new Request(request, { headers: copy });
}

async function refusedAsCommon(response: Response): Promise<boolean> {
  if (response.status !== 400) return false;
  const body = (await response.clone().json().catch(() => null)) as { code?: unknown } | null;
  return body?.code === "PASSWORD_COMPROMISED";
}

/**
 * Postgres cannot store text holding a NUL character, so Better Auth's queries with one (an
 * email, a name, a reset token, in the body or the URL) failed with a 500 (an API review).
 * Iterative: a JSON body may nest thousands of levels.
 */
function holdsNulCharacter(url: URL, body: Record<string, unknown> | null): boolean {
  if (/%00/i.test(url.pathname)) return true;
  const pending: unknown[] = [...url.searchParams.keys(), ...url.searchParams.values(), body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string" && value.includes("\0")) return true;
    if (value && typeof value === "object") for (const [key, item] of Object.entries(value)) pending.push(key, item);
  }
  return false;
}

async function respond(request: Request, path: string): Promise<Response> {
  if (request.method === "OPTIONS") return preflight(request, ["GET", "POST", "OPTIONS"]);
  try {
    // Read once, for the NUL check and the limiter's account.
    const body = request.method === "POST" ? await bodyOf(request) : null;
    if (holdsNulCharacter(new URL(request.url), body)) {
      return Response.json({ code: "INVALID_CHARACTER", message: "Text cannot contain a NUL character (\\u0000)." }, { status: 400 });
    }
    const rule = request.method === "POST" ? limited[path] : undefined;
    const account = rule ? await accountOf(request, body, rule.account) : null;
    if (rule) {
      const result = await limitAuthAttempt(rule.action, { account, request });
      if (!result.allowed) return tooMany(result.retryAfter);
    }
    const response = await auth.handler(withoutScriptFetchMetadata(request));
    // Only failed sign-ins use up the limit (refundAuthAttempt says why). A new password
    // refused as too common tells nothing about the account, and trying a few must not use
    // up an email's sign-ups: given back too, as the pages check it before counting.
    if (rule && (rule.action === "sign-in" ? response.ok : await refusedAsCommon(response))) await refundAuthAttempt(rule.action, { account, request });
    // Better Auth's own 500s (an APIError it threw, answered by better-call) are failures too.
    if (response.status >= 500) log.error("auth.handler_failed", { path, status: response.status });
    return response;
  } catch (error) {
    if (isDbUnavailable(error)) {
      return Response.json({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable." }, { status: 503, headers: { "Retry-After": "5" } });
    }
    log.error("auth.handler_failed", { message: describeError(error) });
    return Response.json({ code: "INTERNAL_ERROR", message: "Something went wrong." }, { status: 500 });
  }
}

async function handle(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  return finish(request, path, await respond(request, path));
}

export const loader = ({ request }: LoaderFunctionArgs) => handle(request);
export const action = ({ request }: ActionFunctionArgs) => handle(request);
