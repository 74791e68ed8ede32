import type { z } from "zod";
import { isApiPath, type ApiParams } from "~/api-paths";
import { requireBearer, unauthorized, type ApiUser } from "~/api-auth.server";
import { isDbUnavailable, sqlState } from "~/db.server";
import { env } from "~/env.server";
import { describeError, log } from "~/log.server";
import { invalid, problem, type FieldError } from "~/api-problem.server";
import { TASK_LIMIT_MESSAGE } from "~/task-constants";
import { OwnerGoneError, TaskLimitError } from "~/tasks.server";

export { invalid, json, noContent, notFound, problem, type FieldError } from "~/api-problem.server";
export { isApiPath };

// The JSON API's plumbing: one wrapper per route answers CORS preflights, 405 with Allow,
// checks the bearer token, and turns every failure into an RFC 9457 problem — never an
// HTML page, never a stack trace.

export const MAX_BODY_BYTES = 64 * 1024;
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

// ---- request bodies ----------------------------------------------------------------------

function isJsonType(contentType: string | null): boolean {
  if (!contentType) return false;
  const [mediaType, ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
  if (!mediaType || !/^application\/([a-z0-9.+-]+\+)?json$/.test(mediaType)) return false;
  const charset = params.find((p) => p.startsWith("charset="));
  return !charset || /^charset="?utf-8"?$/.test(charset);
}

/** True when the request carries no body at all (no length or length 0, and no chunks). */
export function hasNoBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return !request.headers.has("transfer-encoding") && (length === null || length.trim() === "0");
}

async function readLimited(request: Request): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared.trim()) || Number(declared) > MAX_BODY_BYTES)) {
    throw tooLarge({ Connection: "close" });
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // Content-Length can be absent (chunked) or wrong: count what actually arrives.
    if (total > MAX_BODY_BYTES) {
      // Stop reading, answer, and close the connection after the answer (cancelling the
      // stream would destroy the socket before the 413 could be written).
      reader.releaseLock();
      throw tooLarge({ Connection: "close" });
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const tooLarge = (headers?: HeadersInit) =>
  problem(413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`, { headers });

type PathLink = { key: string; parent: PathLink | null } | null;

/**
 * The path of the first string that contains a NUL character, which Postgres text cannot
 * hold. Iterative, and paths are shared links, so a deeply nested body costs neither stack
 * nor memory.
 */
function findNul(root: unknown): string[] | null {
  const stack: [unknown, PathLink][] = [[root, null]];
  while (stack.length) {
    const [value, link] = stack.pop()!;
    if (typeof value === "string") {
      if (!value.includes("\u0000")) continue;
      const path: string[] = [];
      for (let l = link; l; l = l.parent) path.push(l.key);
      return path.reverse();
    }
    if (value && typeof value === "object") {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], { key: entries[i]![0], parent: link }]);
    }
  }
  return null;
}

const fieldName = (path: readonly PropertyKey[]) =>
  path.length === 0 ? "body" : path.slice(0, 8).map(String).join(".") + (path.length > 8 ? ".…" : "");

/** Validation issues as one entry per field (the first message for each). */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const seen = new Map<string, string>();
  for (const issue of issues) {
    const field = fieldName(issue.path);
    if (!seen.has(field)) seen.set(field, issue.message);
  }
  return [...seen].map(([field, message]) => ({ field, message }));
}

/**
 * Reads a JSON body of at most 64 KiB and validates it: 415 for another media type, 413 too
 * large, 400 not UTF-8 JSON, 422 with an entry per field when the schema refuses it.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  if (!isJsonType(request.headers.get("content-type"))) {
    throw problem(415, "Send the body as application/json (UTF-8).");
  }
  const bytes = await readLimited(request);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw problem(400, "The request body is not valid UTF-8.");
  }
  if (text.trim() === "") throw problem(400, "The request body is empty; send a JSON object.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw problem(400, "The request body is not valid JSON.");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid([{ field: "body", message: "Send a JSON object" }]);
  }
  const nul = findNul(value);
  if (nul) throw invalid([{ field: fieldName(nul), message: "Must not contain NUL characters" }]);
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(fieldErrors(result.error.issues));
  return result.data;
}

// ---- the route wrapper ----------------------------------------------------------------------

export type PublicContext = { request: Request; params: ApiParams; url: URL };
export type ApiContext = PublicContext & { user: ApiUser };

export type Handlers<C> = Partial<Record<Method, (context: C) => Response | Promise<Response>>>;

function allowedMethods(handlers: Handlers<never>): string[] {
  const methods: string[] = [];
  for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const) {
    if (method === "HEAD" ? handlers.GET : handlers[method]) methods.push(method);
  }
  return [...methods, "OPTIONS"];
}

/** The request's Origin when CORS_ORIGINS allows it. */
function corsOrigin(request: Request): string | null {
  const origin = request.headers.get("origin");
  return origin && env.corsOrigins.includes(origin) ? origin : null;
}

/**
 * CORS on an answer (the API's and /api/auth/*'s): Access-Control-Allow-Origin and the
 * headers a page may read, for the configured origins only.
 */
export function allowCorsOrigin(request: Request, headers: Headers, exposed: string) {
  headers.append("Vary", "Origin");
  const origin = corsOrigin(request);
  if (!origin) return;
  headers.set("Access-Control-Allow-Origin", origin);
  headers.set("Access-Control-Expose-Headers", exposed);
}

/** Headers every API response carries, CORS ones only for the configured origins. */
function finish(request: Request, response: Response): Response {
  const h = response.headers;
  h.set("Cache-Control", "no-store");
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  allowCorsOrigin(request, h, "Location, Retry-After, WWW-Authenticate, Allow");
  return response;
}

export function preflight(request: Request, allow: string[]): Response {
  const headers = new Headers({ Allow: allow.join(", ") });
  if (corsOrigin(request) && request.headers.has("access-control-request-method")) {
    headers.set("Access-Control-Allow-Methods", allow.join(", "));
    headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    headers.set("Access-Control-Max-Age", "600");
  }
  return new Response(null, { status: 204, headers });
}

function failure(request: Request, error: unknown): Response {
  if (error instanceof Response) return error;
  if (isDbUnavailable(error)) {
    return problem(503, "The database is unavailable. Try again shortly.", { headers: { "Retry-After": "5" } });
  }
  // The account was deleted while this request was on its way: its token is no longer good.
  if (error instanceof OwnerGoneError) return unauthorized("The account this token was for no longer exists.", true);
  if (error instanceof TaskLimitError) return problem(409, TASK_LIMIT_MESSAGE);
  const path = new URL(request.url).pathname;
  const state = sqlState(error);
  // Deadlock or serialization failure: the change did not happen and may simply be retried.
  if (state === "40P01" || state === "40001") {
    log.warn("api.conflict", { method: request.method, path, sqlState: state });
    return problem(503, "Another change got in the way. Try again.", { headers: { "Retry-After": "1" } });
  }
  // Class 22 is "data exception": a value from the request the database cannot take.
  if (state?.startsWith("22")) {
    log.warn("api.bad_value", { method: request.method, path, sqlState: state });
    return problem(400, "A value in the request cannot be used.");
  }
  log.error("api.failed", { method: request.method, path, message: describeError(error) });
  return problem(500, "Something went wrong on our side. Please try again.");
}

/** One API path's answer to every method: what the router calls once the path matched. */
export type ApiHandler = (request: Request, url: URL, params: ApiParams) => Promise<Response>;

function dispatch<C extends PublicContext>(handlers: Handlers<C>, context: (base: PublicContext) => Promise<C>): ApiHandler {
  const allow = allowedMethods(handlers as Handlers<never>);
  return async (request, url, params) => {
    let response: Response;
    try {
      const method = request.method.toUpperCase();
      // Remix's own data requests (?_data=) are not API calls: nothing runs for them.
      if (url.searchParams.has("_data")) return apiNotFound(request);
      if (method === "OPTIONS") {
        response = preflight(request, allow);
      } else {
        const handler = handlers[(method === "HEAD" ? "GET" : method) as Method];
        response = handler
          ? await handler(await context({ request, params, url }))
          : problem(405, `${method} is not allowed here.`, { headers: { Allow: allow.join(", ") } });
      }
    } catch (error) {
      response = failure(request, error);
    }
    return finish(request, response);
  };
}

/** A route for signed-in API clients: every handler gets the token's user. */
export function apiRoute(handlers: Handlers<ApiContext>) {
  return dispatch(handlers, async (base) => ({ ...base, user: await requireBearer(base.request) }));
}

/** A route anyone may call (the OpenAPI document, the 404 catch-all). */
export function publicApiRoute(handlers: Handlers<PublicContext>) {
  return dispatch(handlers, async (base) => base);
}

export function apiNotFound(request: Request): Response {
  return finish(request, problem(404, "There is no API endpoint here. See GET /api/openapi.json."));
}
