// Property-based fuzzing of the JSON API over real HTTP: random bodies, headers, methods,
// path parameters and query strings. Whatever comes in, the answer is never a 5xx, and every
// error is an RFC 9457 problem whose status matches the HTTP status.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startServer, type TestServer } from "../helpers/server";
import { apiUser, createTask, type ApiUser } from "./api-client";

const RUNS = Number(process.env.API_FUZZ_RUNS ?? 150);

type Sent = { method: string; path: string; headers: Record<string, string>; body?: string | Uint8Array };

async function send(server: TestServer, sent: Sent) {
  const response = await fetch(new URL(sent.path, server.url), {
    method: sent.method,
    headers: sent.headers,
    body: sent.method === "GET" || sent.method === "HEAD" ? undefined : (sent.body as BodyInit | undefined),
    redirect: "manual",
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** The invariant: no 5xx; errors are problem+json with a matching status; successes are JSON. */
function check(sent: Sent, res: Awaited<ReturnType<typeof send>>) {
  const where = `${sent.method} ${sent.path} ${JSON.stringify(sent.headers)} body=${String(sent.body).slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get("content-type"), where).toBe("application/problem+json");
    if (sent.method === "HEAD") return; // same headers as GET, no body
    const problem = JSON.parse(res.text);
    expect(problem.status, where).toBe(res.status);
    expect(typeof problem.title, where).toBe("string");
    expect(typeof problem.detail, where).toBe("string");
    expect(res.text, where).not.toMatch(/node_modules|\bat .+:\d+:\d+/);
  } else if (res.status !== 204 && sent.method !== "HEAD" && sent.method !== "OPTIONS") {
    expect(res.headers.get("content-type") ?? "", where).toMatch(/^application\/json/);
    JSON.parse(res.text);
  }
}

const methods = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

/** JSON that looks like task input often, and like anything at all sometimes. */
const taskish = fc.record(
  {
    title: fc.oneof(fc.string({ maxLength: 250 }), fc.constant(""), fc.integer(), fc.constant(null), fc.string({ unit: "grapheme", maxLength: 30 })),
    description: fc.oneof(fc.string({ maxLength: 1100 }), fc.constant(null), fc.boolean()),
    priority: fc.oneof(fc.constantFrom("low", "medium", "high", "urgent", ""), fc.anything()),
    tags: fc.oneof(fc.array(fc.string({ maxLength: 40 }), { maxLength: 12 }), fc.string(), fc.anything()),
    dueDate: fc.oneof(fc.constantFrom("2030-01-31", "2030-02-30", "31/01/2030", "", "0000-00-00", "9999-12-31"), fc.string(), fc.integer()),
    recurrence: fc.oneof(fc.constantFrom("daily", "weekly", "monthly", "none", "hourly", ""), fc.constant(null), fc.anything()),
    completed: fc.oneof(fc.boolean(), fc.constantFrom("true", "false", "on", "yes", 1, 0), fc.constant(null)),
  },
  { requiredKeys: [] },
);

const bodies = fc.oneof(
  { weight: 5, arbitrary: taskish.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }) },
  { weight: 1, arbitrary: taskish.map((v) => JSON.stringify(v).replace(/"([^"]*)"/, '"$1\\u0000"')) },
);

const contentTypes = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom("application/json; charset=utf-8", "application/merge-patch+json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "", "*/*") },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter((s) => /^[\x21-\x7e ]*$/.test(s)) },
);

/** Header values fetch accepts (visible ASCII and spaces, no leading/trailing space). */
const headerValue = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x21-\x7e ]/g, "").trim());

describe.each(backends)("API fuzz (%s)", (backend) => {
  let server: TestServer;
  const users: ApiUser[] = [];
  let taskIds: string[] = [];

  beforeAll(async () => {
    server = await startServer(backend);
    // One user per property, so no property runs into the per-user rate limit.
    for (let i = 0; i < 4; i++) users.push(await apiUser(server, `fuzz${i}`));
    taskIds = [];
    for (const user of users) taskIds.push((await createTask(server, user.token, { title: "seed task", recurrence: "daily" })).id);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const paths = (user: ApiUser, otherTask: string) =>
    fc.oneof(
      fc.constant("/api/tasks"),
      fc.constantFrom(...taskIds).map((id) => `/api/tasks/${id}`),
      fc.constantFrom(...taskIds).map((id) => `/api/${user.id}/tasks/${id}`),
      fc.constantFrom(...taskIds).map((id) => `/api/${user.id}/tasks/${id}/complete`),
      fc.constant(`/api/${user.id}/tasks`),
      fc.constant(`/api/tasks/${otherTask}`),
    );

  it("bodies: any body and content type on every writing route", async () => {
    const user = users[0]!;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("POST", "PUT", "PATCH"), paths(user, taskIds[1]!), bodies, contentTypes, async (method, path, body, type) => {
        const sent: Sent = { method, path, body, headers: { Authorization: `Bearer ${user.token}`, ...(type ? { "Content-Type": type } : {}) } };
        check(sent, await send(server, sent));
      }),
      { numRuns: RUNS },
    );
  });

  it("headers: any Authorization, Origin, Accept and content headers", async () => {
    const user = users[1]!;
    const token = user.token;
    const authorization = fc.oneof(
      fc.constant(`Bearer ${token}`),
      headerValue,
      headerValue.map((v) => `Bearer ${v}`),
      fc.nat({ max: token.length - 1 }).chain((i) =>
        fc.constantFrom("A", "_", "-", ".", "").map((c) => `Bearer ${token.slice(0, i)}${c}${token.slice(i + 1)}`),
      ),
      fc.constantFrom("Bearer", "Bearer ", "Basic Zm9vOmJhcg==", `bearer ${token}`, `Bearer  ${token}`, `Token ${token}`),
    );
    await fc.assert(
      fc.asyncProperty(
        methods,
        paths(user, taskIds[0]!),
        authorization,
        fc.option(headerValue),
        fc.option(fc.constantFrom("application/json", "text/html", "*/*", "application/problem+json", "image/png")),
        contentTypes,
        async (method, path, auth, origin, accept, type) => {
          const headers: Record<string, string> = { Authorization: auth, "Content-Type": type };
          if (origin) headers.Origin = origin;
          if (accept) headers.Accept = accept;
          if (method === "OPTIONS") headers["Access-Control-Request-Method"] = "POST";
          const sent: Sent = { method, path, headers, body: JSON.stringify({ title: "from the header fuzz" }) };
          check(sent, await send(server, sent));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("params: any task id, user id and query string", async () => {
    const user = users[2]!;
    const segment = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: "grapheme", maxLength: 20 }),
      fc.constantFrom(...taskIds),
      fc.constantFrom(user.id, users[3]!.id, "tasks", "auth", "..", ".", "%", "openapi.json"),
    );
    const queryKey = fc.oneof(
      fc.constantFrom("status", "q", "priority", "tag", "due", "sort", "order", "cursor", "limit", "tz"),
      fc.string({ maxLength: 10 }).filter((k) => k !== "_data"),
    );
    const queryValue = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom("all", "active", "completed", "pending", "high", "overdue", "today", "week", "none", "due", "title", "priority", "asc", "desc", "0", "1", "100", "101", "-5", "Europe/Berlin", "Not/AZone"),
      fc.base64String({ maxLength: 80 }),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
    );
    const query = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString());
    const template = fc.constantFrom("/api/tasks/{a}", "/api/{a}/tasks", "/api/{a}/tasks/{b}", "/api/{a}/tasks/{b}/complete", "/api/tasks", "/api/{a}/{b}", "/api/{a}");
    await fc.assert(
      fc.asyncProperty(methods, template, segment, segment, query, async (method, tpl, a, b, q) => {
        const path = tpl.replace("{a}", encodeURIComponent(a)).replace("{b}", encodeURIComponent(b)) + (q ? `?${q}` : "");
        // Dot segments ("/api/../tasks") leave /api before the request is even sent; and
        // Better Auth owns /api/auth/*: its answers are its own format, not ours to check.
        const pathname = new URL(path, server.url).pathname;
        if (!/^\/api(\/|$)/.test(pathname) || /^\/api\/auth(\/|$)/.test(pathname)) return;
        const sent: Sent = {
          method,
          path,
          headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ title: "from the params fuzz", completed: true }),
        };
        check(sent, await send(server, sent));
      }),
      { numRuns: RUNS },
    );
  });

  it("the server is still healthy and consistent afterwards", async () => {
    const user = users[3]!;
    const res = await fetch(`${server.url}/api/tasks?limit=100`, { headers: { Authorization: `Bearer ${user.token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { tasks: unknown[] }).tasks.length).toBeGreaterThan(0);
    expect(server.logs()).not.toMatch(/"event":"api\.failed"/);
  });
});
