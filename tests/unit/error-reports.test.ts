// What the server says about a failure: to its log (never a failed query's parameters, which
// hold emails and tokens) and to itself (is the database away, so the answer is a 503?).
import postgres from "postgres";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { isDbUnavailable } from "~/db-errors";
import { describeError, whereThrown } from "~/log.server";

const RESET_TOKEN = "SecretResetToken123456";

function failedQuery() {
  const driver = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" });
  return new DrizzleQueryError('insert into "auth_limit" ("key", "count") values ($1, $2)', [`reset-password:account:token:${RESET_TOKEN}`, 1], driver);
}

/** The error a query gets from postgres.js when nothing answers at `url`. */
async function connectionError(url: string): Promise<unknown> {
  const sql = postgres(url, { connect_timeout: 2, max: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
    throw new Error(`${url} answered`);
  } catch (error) {
    return error;
  } finally {
    await sql.end({ timeout: 0 });
  }
}

describe("error descriptions in the log", () => {
  it("say which query failed and why, without its parameters", () => {
    const error = failedQuery();
    expect(error.message).toContain(RESET_TOKEN); // drizzle's own message has them
    const text = describeError(error);
    expect(text).not.toContain(RESET_TOKEN);
    expect(text).toBe('Failed query: insert into "auth_limit" ("key", "count") values ($1, $2) (22021: invalid byte sequence for encoding "UTF8": 0x00)');
  });

  it("find the failed query inside an error that wraps it", () => {
    const wrapped = new Error(`Failed to create: ${failedQuery().message}`, { cause: failedQuery() });
    expect(describeError(wrapped)).not.toContain(RESET_TOKEN);
    expect(describeError(wrapped)).toMatch(/^Failed query: insert into "auth_limit"/);
  });

  it("keep any other error's message, and a stack's frames without its message", () => {
    expect(describeError(new TypeError("x is not a function"))).toBe("x is not a function");
    expect(describeError("a string")).toBe("a string");
    const where = whereThrown(failedQuery());
    expect(where).toMatch(/error-reports\.test\.ts:\d+:\d+/);
    expect(where).not.toContain(RESET_TOKEN);
    expect(where).not.toContain("Failed query");
  });
});

describe("telling a database that is away from a bad query", () => {
  it("is away: nothing listens on its port", async () => {
    const error = await connectionError("postgres://postgres@127.0.0.1:1/none");
    expect((error as { code?: string }).code).toBe("ECONNREFUSED");
    expect(isDbUnavailable(error)).toBe(true);
  });

  it("is away: its host name does not resolve", async () => {
    const error = await connectionError("postgres://postgres@tasklane-db.invalid:5432/none");
    expect(["ENOTFOUND", "EAI_AGAIN"]).toContain((error as { code?: string }).code);
    expect(isDbUnavailable(error)).toBe(true);
  });

  it.each([
    ["the server shutting down", "57P01"],
    ["the server starting up", "57P03"],
    ["a host that cannot be routed to", "EHOSTUNREACH"],
    ["a network that is down", "ENETUNREACH"],
  ])("is away: %s (%s)", (_, code) => {
    expect(isDbUnavailable(Object.assign(new Error("away"), { code }))).toBe(true);
  });

  it("is not away: a query Postgres refused, or any other error", () => {
    expect(isDbUnavailable(failedQuery())).toBe(false);
    expect(isDbUnavailable(failedQuery().cause)).toBe(false);
    expect(isDbUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDbUnavailable(new Error("boom"))).toBe(false);
    expect(isDbUnavailable(null)).toBe(false);
  });
});
