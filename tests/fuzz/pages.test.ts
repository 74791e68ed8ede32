// Property-based fuzzing of the HTML pages over real HTTP: random paths, query strings,
// methods, form bodies, cookies (garbage sessions, forged toasts, odd time zones) and
// headers. Whatever comes in, the answer is never a 5xx and never shows a stack trace.
// PAGE_FUZZ_RUNS sets the number of requests per backend (default 5000; 10 000 over both backends).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp, SESSION_COOKIE } from "../helpers/client";
import { backends, startServer, type TestServer } from "../helpers/server";

const RUNS = Number(process.env.PAGE_FUZZ_RUNS ?? 5000);
const PARALLEL = 4;

// /sign-out is left out: a valid post would end the session the rest of the run uses.
const pagePaths = ["/", "/sign-in", "/sign-up", "/settings", "/tasks", "/forgot-password", "/reset-password", "/healthz", "/readyz", "/tasks.data", "/settings.data"];
const intents = ["create", "toggle", "delete", "update", "complete-all", "clear-completed", "update-name", "change-password", "revoke-session", "delete-account", "create-token", "", "launch"];

// "binary" reaches every code point, control characters and NUL included (the default unit
// is printable ASCII only).
const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: max }),
    fc.string({ unit: "grapheme", maxLength: max }),
    fc.string({ unit: "binary", maxLength: max }),
    fc.constantFrom("", " ", "%", "%%", "\u0000", "a\u0000b", "<script>", "../..", "a".repeat(300)),
  );

type Sent = { method: string; path: string; headers: Record<string, string>; body?: string };

describe.each(backends)("page fuzz (%s)", (backend) => {
  let server: TestServer;
  let session = "";
  let taskId = "";

  beforeAll(async () => {
    server = await startServer(backend);
    const { client } = await signUp(server, { name: "Fuzzy" });
    session = client.cookies.get(SESSION_COOKIE)!;
    await client.post("/tasks", { intent: "create", title: "Fuzz target" });
    const html = await (await client.get("/tasks")).text();
    taskId = html.match(/data-task-id="([^"]+)"/)![1]!;
  }, 120_000);
  afterAll(async () => server?.stop());

  it(`answers ${RUNS} random requests with no 5xx and no stack trace`, async () => {
    const path = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...pagePaths) },
      { weight: 2, arbitrary: fc.oneof(fc.constant(taskId), fc.uuid(), text(40)).map((id) => `/tasks/${encodeURIComponent(id)}`) },
      { weight: 1, arbitrary: text(30).map((p) => `/${encodeURIComponent(p)}`) },
    );
    const query = fc.dictionary(
      fc.constantFrom("status", "q", "priority", "tag", "due", "sort", "order", "cursor", "redirectTo", "token", "delete", "index", "_data", "x"),
      fc.oneof(text(60), fc.constantFrom("all", "active", "completed", "overdue", "today", "week", "none", "created", "due", "priority", "title", "asc", "desc", "//evil.example", "confirm", "routes/tasks")),
      { maxKeys: 4 },
    );
    const form = fc.dictionary(
      fc.constantFrom("intent", "id", "title", "description", "priority", "tags", "dueDate", "recurrence", "completed", "returnTo", "via", "name", "email", "password", "currentPassword", "newPassword", "confirmPassword", "sessionId", "token", "redirectTo"),
      fc.oneof(text(120), fc.constantFrom(...intents), fc.constant(taskId), fc.constantFrom("fetcher", "true", "false", "on", "2030-02-30", "high", "weekly")),
      { maxKeys: 8 },
    );
    const cookie = fc.oneof(
      fc.constant(`${SESSION_COOKIE}=${session}`),
      fc.constant(""),
      text(60).map((v) => `${SESSION_COOKIE}=${encodeURIComponent(v)}`),
      fc.constant(`${SESSION_COOKIE}=${session.slice(0, -3)}abc`),
      fc.tuple(text(40), text(40)).map(([tz, toast]) => `${SESSION_COOKIE}=${session}; tz=${encodeURIComponent(tz)}; toast=${encodeURIComponent(toast)}`),
    );
    const request = fc.record({
      method: fc.constantFrom("GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"),
      path,
      query,
      form,
      cookie,
      origin: fc.oneof(fc.constant("self"), fc.constant("none"), fc.constantFrom("https://evil.example", "null"), text(30)),
      contentType: fc.constantFrom("application/x-www-form-urlencoded", "application/x-www-form-urlencoded", "multipart/form-data", "application/json", "text/plain", ""),
      accept: fc.constantFrom("text/html", "*/*", "application/json", ""),
    });

    const seen = new Map<number, number>();
    let done = 0;
    const samples = fc.sample(request, { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261124) });
    const one = async (r: (typeof samples)[number]) => {
      const qs = new URLSearchParams(r.query).toString();
      const headers: Record<string, string> = {};
      if (r.cookie) headers.Cookie = r.cookie;
      if (r.origin === "self") headers.Origin = server.url;
      else if (r.origin !== "none") headers.Origin = r.origin.replace(/[^\x20-\x7e]/g, "");
      if (r.contentType) headers["Content-Type"] = r.contentType;
      if (r.accept) headers.Accept = r.accept;
      const hasBody = !["GET", "HEAD"].includes(r.method);
      const sent: Sent = { method: r.method, path: r.path + (qs ? `?${qs}` : ""), headers, body: hasBody ? new URLSearchParams(r.form).toString() : undefined };
      let res: Response;
      try {
        res = await fetch(new URL(sent.path, server.url), { method: sent.method, headers: sent.headers, body: sent.body, redirect: "manual" });
      } catch (error) {
        throw new Error(`request failed: ${JSON.stringify(sent).slice(0, 500)}: ${(error as Error).message}`);
      }
      const body = r.method === "HEAD" ? "" : await res.text();
      const where = `${JSON.stringify(sent).slice(0, 600)} → ${res.status} ${body.slice(0, 200)}`;
      expect(res.status, where).toBeLessThan(500);
      expect(body, where).not.toMatch(/node_modules|\bat [\w.<>]+ \(\/|\bat \/[\w/.-]+:\d+:\d+/);
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      done++;
    };
    for (let i = 0; i < samples.length; i += PARALLEL) {
      await Promise.all(samples.slice(i, i + PARALLEL).map(one));
    }
    expect(done).toBe(RUNS);
    // The server is still healthy afterwards.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    console.log(`[page fuzz ${backend}] ${done} requests, statuses ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
  }, 600_000);
});
