/**
 * Errors that mean "the database is not there", as opposed to a bad query: the error itself,
 * or the driver error it wraps (drizzle's, Better Auth's).
 */
export function isDbUnavailable(error: unknown): boolean {
  return isUnavailable(error) || isUnavailable((error as { cause?: unknown } | null)?.cause);
}

function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  // Socket and DNS failures (a database on another host: unreachable, its name not resolving),
  // postgres.js's own, and Postgres shutting down or refusing connections.
  const codes = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "57P01", "57P03", "08006", "08001", "08003"];
  if (e.code && codes.includes(e.code)) return true;
  return /PGlite is closed|connection (terminated|refused)|write CONNECTION_CLOSED/i.test(e.message ?? "");
}

/** Postgres SQLSTATE of an error or of its cause (drizzle wraps driver errors). */
export function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}
