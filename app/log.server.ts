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
