import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";

// One JSON object per line (pino), every line inside a request carrying its request id.
// server.mjs runs each request inside this store; the key on globalThis lets the server
// and the app bundle share it. Callers pass event names and plain fields — never a
// password, token, cookie or link; the redact list is a second line of defence.
type RequestContext = { requestId: string };
const key = Symbol.for("tasklane.requestContext");
const globalStore = globalThis as typeof globalThis & { [key]?: AsyncLocalStorage<RequestContext> };
export const requestContext: AsyncLocalStorage<RequestContext> = (globalStore[key] ??= new AsyncLocalStorage<RequestContext>());

const logger = pino({
  base: undefined,
  messageKey: "event",
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  mixin: () => {
    const requestId = requestContext.getStore()?.requestId;
    return requestId ? { requestId } : {};
  },
  redact: {
    paths: ["password", "newPassword", "currentPassword", "token", "cookie", "authorization", "secret", "*.password", "*.token", "*.cookie", "*.authorization"],
    censor: "[redacted]",
  },
});

type Fields = Record<string, string | number | boolean | null | undefined>;

export const log = {
  info: (event: string, fields: Fields = {}) => logger.info(fields, event),
  warn: (event: string, fields: Fields = {}) => logger.warn(fields, event),
  error: (event: string, fields: Fields = {}) => logger.error(fields, event),
};

type QueryError = Error & { query: string; params: unknown[]; cause?: { message?: string; code?: string } };

/**
 * What a log line may say about an error. drizzle writes a failed query's parameters into its
 * message (emails, session and reset tokens, task titles), so for a failed query this is the
 * SQL text, the SQLSTATE and the driver's message, never the parameters.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // A wrapper (Better Auth's, say) may carry the query's message in its own: the query wins.
  for (let e: unknown = error, i = 0; e instanceof Error && i < 4; e = e.cause, i++) {
    if ("query" in e && "params" in e) {
      const { query, cause } = e as QueryError;
      return `Failed query: ${query} (${cause?.code ?? "no code"}: ${cause?.message ?? "no message"})`;
    }
  }
  return error.message;
}

/** Where an error was thrown: the first frames of its stack, without its message (see describeError). */
export function whereThrown(error: unknown, frames = 5): string | undefined {
  const lines = (error as Error | null)?.stack?.split("\n").filter((line) => /^\s+at /.test(line));
  return lines?.slice(0, frames).map((line) => line.trim()).join(" | ");
}
