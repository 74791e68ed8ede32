import { createHash } from "node:crypto";
import type { HeadersFunction } from "@remix-run/node";
import { inArray, lt, sql } from "drizzle-orm";
import { db } from "~/db.server";
import { authLimit } from "~/db/schema";
import { env } from "~/env.server";

type Rule = { max: number; windowSeconds: number };

// Per account always; per client IP only when a trusted proxy tells us the IP. Never one
// global bucket: without an IP an attacker could otherwise lock every user out.
export const AUTH_LIMITS = {
  "sign-in": { account: { max: 10, windowSeconds: 15 * 60 }, ip: { max: 30, windowSeconds: 60 } },
  "sign-up": { account: { max: 5, windowSeconds: 60 * 60 }, ip: { max: 10, windowSeconds: 60 } },
  "forgot-password": { account: { max: 3, windowSeconds: 15 * 60 }, ip: { max: 10, windowSeconds: 15 * 60 } },
  "reset-password": { account: { max: 10, windowSeconds: 15 * 60 }, ip: { max: 10, windowSeconds: 15 * 60 } },
  "change-password": { account: { max: 5, windowSeconds: 15 * 60 }, ip: { max: 30, windowSeconds: 60 } },
  "delete-account": { account: { max: 5, windowSeconds: 15 * 60 }, ip: { max: 30, windowSeconds: 60 } },
} satisfies Record<string, { account: Rule; ip: Rule }>;

export type AuthAction = keyof typeof AUTH_LIMITS;

export type LimitResult = { allowed: true } | { allowed: false; retryAfter: number };

/** The client IP a trusted proxy put in CLIENT_IP_HEADER (the right-most entry, which it added). */
export function clientIp(request: Request): string | null {
  if (!env.clientIpHeader) return null;
  const value = request.headers.get(env.clientIpHeader);
  const ip = value?.split(",").pop()?.trim();
  return ip && ip.length <= 64 ? ip.toLowerCase() : null;
}

type Subject = { account?: string | null; request: Request };

/**
 * The buckets an attempt counts in: its account's, and its client IP's when one is known.
 * The account is stored as a hash: it is an email or a reset link's token, which the table
 * (and the log line of a failed insert, which quotes its parameters) must not hold, and
 * Postgres refuses text with a NUL character, which turned such input into a 500.
 */
function buckets(action: AuthAction, subject: Subject): { key: string; rule: Rule }[] {
  const rules = AUTH_LIMITS[action];
  const account = subject.account?.trim().toLowerCase();
  const ip = clientIp(subject.request);
  return [
    ...(account ? [{ key: `${action}:account:${createHash("sha256").update(account).digest("base64url")}`, rule: rules.account }] : []),
    ...(ip ? [{ key: `${action}:ip:${ip}`, rule: rules.ip }] : []),
  ];
}

/** One atomic upsert per bucket: concurrent requests on several instances count exactly. */
async function consume(key: string, rule: Rule, now: number): Promise<LimitResult> {
  const windowMs = rule.windowSeconds * 1000;
  const expired = now - windowMs;
  const [row] = await db
    .insert(authLimit)
    .values({ key, count: 1, windowStart: now })
    .onConflictDoUpdate({
      target: authLimit.key,
      set: {
        count: sql`case when ${authLimit.windowStart} <= ${expired} then 1 else ${authLimit.count} + 1 end`,
        windowStart: sql`case when ${authLimit.windowStart} <= ${expired} then ${now} else ${authLimit.windowStart} end`,
      },
    })
    .returning({ count: authLimit.count, windowStart: authLimit.windowStart });
  if (!row || row.count <= rule.max) return { allowed: true };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((row.windowStart + windowMs - now) / 1000)) };
}

let lastPrune = 0;

/**
 * Counts one attempt at `action` for this account (email or user id) and client IP.
 * Denied when any bucket is over its limit; retryAfter is in seconds.
 */
export async function limitAuthAttempt(action: AuthAction, subject: Subject): Promise<LimitResult> {
  const now = Date.now();
  const results: LimitResult[] = [];
  for (const { key, rule } of buckets(action, subject)) results.push(await consume(key, rule, now));
  if (now - lastPrune > 10 * 60 * 1000) {
    lastPrune = now;
    // Old buckets are dead weight; the longest window is an hour.
    await db.delete(authLimit).where(lt(authLimit.windowStart, now - 2 * 60 * 60 * 1000));
  }
  const denied = results.filter((r): r is { allowed: false; retryAfter: number } => !r.allowed);
  if (denied.length === 0) return { allowed: true };
  return { allowed: false, retryAfter: Math.max(...denied.map((d) => d.retryAfter)) };
}

/**
 * Gives back the attempt that a successful sign-in counted, so only failures use up the
 * limit: a user or an API client signing in often is never locked out by its own successes
 * (a security review: ten sign-ins in 15 minutes did). Failures before it still count, so
 * an attacker's guesses are not forgiven by the owner signing in.
 */
export async function refundAuthAttempt(action: AuthAction, subject: Subject): Promise<void> {
  const keys = buckets(action, subject).map((bucket) => bucket.key);
  if (keys.length === 0) return;
  await db
    .update(authLimit)
    .set({ count: sql`greatest(${authLimit.count} - 1, 0)` })
    .where(inArray(authLimit.key, keys));
}

export function retryMessage(retryAfter: number): string {
  const minutes = Math.ceil(retryAfter / 60);
  return retryAfter < 60
    ? `Too many attempts. Try again in ${retryAfter} seconds.`
    : `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * A route's `headers` export: Remix passes only Set-Cookie from an action or loader on to
 * the HTML response, so without this a 429 (or 503) page loses its Retry-After.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const headers = new Headers();
  // Retry-After for 429 pages; Cache-Control so a page showing a fresh API token (or
  // other per-user secrets) is never stored by a cache.
  for (const name of ["Retry-After", "Cache-Control"]) {
    const value = errorHeaders?.get(name) ?? actionHeaders.get(name) ?? loaderHeaders.get(name);
    if (value) headers.set(name, value);
  }
  return headers;
};
