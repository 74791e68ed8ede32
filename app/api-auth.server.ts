import { and, eq, gt, sql } from "drizzle-orm";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
} from "jose";
import { problem } from "~/api-problem.server";
import { auth } from "~/auth.server";
import { db } from "~/db.server";
import { session } from "~/db/schema";
import { env } from "~/env.server";
import { describeError, log } from "~/log.server";

// Bearer tokens for the JSON API: JWTs minted by Better Auth's jwt() plugin, verified here
// with jose against an in-memory copy of its key set, then tied to a live session.

export type ApiUser = { id: string; sessionId: string };

/** Better Auth's jwt() plugin signs with Ed25519 (EdDSA); nothing else is accepted. */
const ALGORITHMS = ["EdDSA"];
/** The only JOSE header parameters a token may carry; jwk, jku, x5u, x5c, crit… are refused. */
const HEADER_PARAMS = new Set(["alg", "kid", "typ"]);
const MAX_TOKEN_LENGTH = 4096;
/** An unknown kid reloads the key set at most this often (a flood of random kids costs one query). */
const RELOAD_THROTTLE_MS = 10_000;
/** Even without an unknown kid, the set is refreshed in the background when this old. */
const MAX_KEYSET_AGE_MS = 10 * 60_000;

/** Built once: the session check runs on every API request (one primary-key lookup). */
const sessionAlive = db
  .select({ id: session.id })
  .from(session)
  .where(and(eq(session.id, sql.placeholder("sid")), eq(session.userId, sql.placeholder("sub")), gt(session.expiresAt, sql`now()`)))
  .limit(1)
  .prepare("api_session_alive");

// ---- the key set ------------------------------------------------------------------------

type KeySet = { resolve: ReturnType<typeof createLocalJWKSet>; kids: Set<string>; loadedAt: number };
let keySet: KeySet | null = null;
let loading: Promise<KeySet> | null = null;
let lastLoadStarted = 0;

/** Public Ed25519 keys only, with nothing but the members a verifier needs. */
function publicKeys(jwks: { keys: Record<string, unknown>[] }): JWK[] {
  return jwks.keys
    .filter((k) => k.kty === "OKP" && k.crv === "Ed25519" && typeof k.x === "string" && typeof k.kid === "string")
    .filter((k) => k.alg === undefined || ALGORITHMS.includes(k.alg as string))
    .map((k) => ({ kty: "OKP", crv: "Ed25519", x: k.x as string, kid: k.kid as string, alg: "EdDSA", use: "sig" }));
}

function loadKeys(): Promise<KeySet> {
  lastLoadStarted = Date.now();
  loading ??= (async () => {
    try {
      // Better Auth's own endpoint (called in-process): it creates the first key if none exists.
      const jwks = (await auth.api.getJwks()) as unknown as { keys: Record<string, unknown>[] };
      const keys = publicKeys(jwks);
      const set: JSONWebKeySet = { keys };
      keySet = { resolve: createLocalJWKSet(set), kids: new Set(keys.map((k) => k.kid!)), loadedAt: Date.now() };
      log.info("api.jwks_loaded", { keys: keys.length });
      return keySet;
    } finally {
      loading = null;
    }
  })();
  return loading;
}

async function currentKeys(): Promise<KeySet> {
  if (!keySet) return loadKeys();
  if (Date.now() - keySet.loadedAt > MAX_KEYSET_AGE_MS && !loading) {
    // Stale: keep answering from the old set while a fresh one loads.
    loadKeys().catch((error: unknown) => log.warn("api.jwks_reload_failed", { message: describeError(error) }));
  }
  return keySet;
}

/** jose key resolver: the cached set; an unknown kid triggers one throttled reload. */
async function resolveKey(header: JWSHeaderParameters, token: FlattenedJWSInput) {
  let keys = await currentKeys();
  if (header.kid && !keys.kids.has(header.kid) && Date.now() - lastLoadStarted >= RELOAD_THROTTLE_MS) {
    keys = await loadKeys();
  }
  return keys.resolve(header, token);
}

// ---- the per-user rate limit -----------------------------------------------------------------

// A fixed one-minute window per user, in this process's memory: a safety valve against a
// runaway client, not a billing quota (with N instances a user gets up to N× the limit).
const WINDOW_MS = 60_000;
const windows = new Map<string, { start: number; count: number }>();

/** Seconds to wait when the user is over the limit, else null (and the request is counted). */
function overLimit(userId: string, now = Date.now()): number | null {
  const limit = env.apiRateLimit;
  if (limit <= 0) return null;
  let window = windows.get(userId);
  if (!window || now - window.start >= WINDOW_MS) {
    if (windows.size > 50_000) {
      for (const [key, w] of windows) if (now - w.start >= WINDOW_MS) windows.delete(key);
    }
    window = { start: now, count: 0 };
    windows.set(userId, window);
  }
  window.count += 1;
  if (window.count <= limit) return null;
  return Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
}

// ---- requireBearer ---------------------------------------------------------------------------

const CHALLENGE = 'Bearer realm="tasklane"';

export function unauthorized(detail: string, tokenSent: boolean): Response {
  const challenge = tokenSent ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE;
  return problem(401, detail, { headers: { "WWW-Authenticate": challenge } });
}

/**
 * The token from `Authorization: Bearer <token>`; null when no bearer credentials were sent,
 * "" (refused as invalid_token) for a malformed Bearer header: a token followed by more, or
 * two Authorization headers, was sent, just not readably.
 */
function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header || !/^Bearer(\s|$)/i.test(header)) return null;
  return /^Bearer[ ]+(\S*)\s*$/i.exec(header)?.[1] ?? "";
}

const isId = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 255;

/**
 * The user an API request acts for. Throws a 401 problem unless the request carries a JWT
 * that Better Auth signed for this site (EdDSA, known kid, iss = aud = BETTER_AUTH_URL,
 * within exp/nbf, with sub and sid) whose session is still alive; 429 over the rate limit.
 */
export async function requireBearer(request: Request): Promise<ApiUser> {
  const token = bearerToken(request);
  if (token === null) throw unauthorized("Send Authorization: Bearer <token>; get a token from GET /api/auth/token.", false);
  const invalid = (detail = "The token is not valid.") => unauthorized(detail, true);
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw invalid();

  let header: JWSHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw invalid();
  }
  // jose's local key set never uses keys from the token; refuse such tokens outright anyway.
  if (Object.keys(header).some((name) => !HEADER_PARAMS.has(name))) throw invalid();
  if (typeof header.alg !== "string" || !ALGORITHMS.includes(header.alg) || !isId(header.kid)) throw invalid();
  if (header.typ !== undefined && (typeof header.typ !== "string" || header.typ.toUpperCase() !== "JWT")) throw invalid();

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, resolveKey, {
      algorithms: ALGORITHMS,
      issuer: env.baseURL,
      audience: env.baseURL,
      requiredClaims: ["sub", "sid", "exp", "iat"],
      // The same process mints and checks these tokens: there is no clock skew to allow for.
      clockTolerance: 0,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalid("The token has expired; get a new one from GET /api/auth/token.");
    if (error instanceof joseErrors.JOSEError) throw invalid();
    throw error; // e.g. the database was unreachable while loading keys
  }
  const { sub, sid } = payload;
  if (!isId(sub) || !isId(sid)) throw invalid();

  const retryAfter = overLimit(sub);
  if (retryAfter !== null) {
    throw problem(429, `Too many requests; at most ${env.apiRateLimit} a minute. Try again in ${retryAfter} s.`, {
      headers: { "Retry-After": String(retryAfter) },
    });
  }

  // One primary-key lookup: sign-out, revocation and account deletion end the token at once.
  const [alive] = await sessionAlive.execute({ sid, sub });
  if (!alive) throw invalid("The session of this token has ended; sign in again.");
  return { id: sub, sessionId: sid };
}
