// The JSON API's route table over real HTTP against the built server: both route families,
// paging and filters, every error status, CORS and the per-user limit — on PGlite, and on
// Postgres when TEST_DATABASE_URL is set.
import http from "node:http";
import net from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startServer, type TestServer } from "../helpers/server";
import { chunkedBody, rawRequest } from "../helpers/client";
import { TASK_LIMIT_MESSAGE, TASKS_PER_USER_MAX } from "~/task-constants";
import { apiUser, call, createTask, expectProblem, expectUnauthorized, type ApiUser } from "./api-client";

const APP_ORIGIN = "https://app.example.com";
const TASK_KEYS = ["id", "title", "description", "completed", "priority", "tags", "dueDate", "recurrence", "createdAt", "updatedAt", "completedAt"];
const SEED_KEYS = ["id", "user_id", "title", "description", "completed", "created_at", "updated_at"];

describe.each(backends)("task API routes (%s)", (backend) => {
  let server: TestServer;
  let user: ApiUser;

  beforeAll(async () => {
    server = await startServer(backend, { env: { CORS_ORIGINS: `${APP_ORIGIN}, https://other.example.org` } });
    user = await apiUser(server, "routes");
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  describe("canonical /api/tasks", () => {
    it("creates a task with defaults: 201, Location, the task", async () => {
      const created = await call(server, "POST", "/api/tasks", { token: user.token, json: { title: "  Buy milk  " } });
      expect(created.status).toBe(201);
      expect(created.headers.get("content-type")).toMatch(/^application\/json\b/);
      const task = created.body;
      expect(Object.keys(task).sort()).toEqual([...TASK_KEYS].sort());
      expect(task).toMatchObject({
        title: "Buy milk",
        description: null,
        completed: false,
        priority: "medium",
        tags: [],
        dueDate: null,
        recurrence: null,
        completedAt: null,
      });
      expect(new Date(task.createdAt).toISOString()).toBe(task.createdAt);
      expect(created.headers.get("location")).toBe(`/api/tasks/${task.id}`);
      const fetched = await call(server, "GET", created.headers.get("location")!, { token: user.token });
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(task);
    });

    it("creates a task with every field, normalising tags", async () => {
      const task = await createTask(server, user.token, {
        title: "Plan trip",
        description: "Book the train",
        priority: "high",
        tags: ["Travel", "travel", " family "],
        dueDate: "2030-05-17",
        recurrence: "weekly",
        completed: true,
      });
      expect(task).toMatchObject({
        title: "Plan trip",
        description: "Book the train",
        priority: "high",
        tags: ["travel", "family"],
        dueDate: "2030-05-17",
        recurrence: "weekly",
        completed: true,
      });
      expect(task.completedAt).toEqual(expect.any(String));
    });

    it("PUT replaces every field; omitted ones go back to their defaults", async () => {
      const task = await createTask(server, user.token, { title: "Old", description: "d", priority: "high", tags: ["x"], dueDate: "2030-01-01" });
      const put = await call(server, "PUT", `/api/tasks/${task.id}`, { token: user.token, json: { title: "New", priority: "low" } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id: task.id, title: "New", description: null, priority: "low", tags: [], dueDate: null, completed: false });
      expect(put.body.createdAt).toBe(task.createdAt);
      expect(Date.parse(put.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));
    });

    it("PATCH changes only the fields given", async () => {
      const task = await createTask(server, user.token, { title: "Keep me", description: "kept", tags: ["a"], priority: "high" });
      const patched = await call(server, "PATCH", `/api/tasks/${task.id}`, { token: user.token, json: { completed: true } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ title: "Keep me", description: "kept", tags: ["a"], priority: "high", completed: true });
      expect(patched.body.completedAt).toEqual(expect.any(String));
      const reopened = await call(server, "PATCH", `/api/tasks/${task.id}`, { token: user.token, json: { completed: false, title: "Renamed" } });
      expect(reopened.body).toMatchObject({ title: "Renamed", completed: false, completedAt: null, description: "kept" });
    });

    it("completing a recurring task through PATCH creates its next occurrence", async () => {
      const fresh = await apiUser(server, "recurring");
      const task = await createTask(server, fresh.token, { title: "Water plants", recurrence: "daily", dueDate: "2099-03-01" });
      await call(server, "PATCH", `/api/tasks/${task.id}`, { token: fresh.token, json: { completed: true } });
      const list = await call(server, "GET", "/api/tasks?status=active", { token: fresh.token });
      expect(list.body.tasks).toHaveLength(1);
      expect(list.body.tasks[0]).toMatchObject({ title: "Water plants", dueDate: "2099-03-02", recurrence: "daily", completed: false });
    });

    it("DELETE answers 204, then the task is gone for every method", async () => {
      const task = await createTask(server, user.token);
      const deleted = await call(server, "DELETE", `/api/tasks/${task.id}`, { token: user.token });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe("");
      for (const [method, json] of [["GET"], ["PUT", { title: "x" }], ["PATCH", { title: "x" }], ["DELETE"]] as const) {
        expectProblem(await call(server, method, `/api/tasks/${task.id}`, { token: user.token, json }), 404);
      }
    });

    it("answers 404 for ids that cannot exist", async () => {
      for (const id of ["nope", "00000000-0000-0000-0000-000000000000", "%00", "a%20b", "x".repeat(300), "%F0%9F%98%80"]) {
        expectProblem(await call(server, "GET", `/api/tasks/${id}`, { token: user.token }), 404);
      }
    });

    it("pages with limit and nextCursor, newest first, without gaps or repeats", async () => {
      const pager = await apiUser(server, "pager");
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await createTask(server, pager.token, { title: `Task ${i}` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/api/tasks?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page = await call(server, "GET", query, { token: pager.token });
        expect(page.status).toBe(200);
        expect(Object.keys(page.body).sort()).toEqual(["nextCursor", "tasks"]);
        expect(page.body.tasks.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.tasks.map((t: { id: string }) => t.id));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());
    });

    it("uses limit 50 by default and at most 100", async () => {
      const many = await apiUser(server, "many");
      for (let i = 0; i < 55; i++) await createTask(server, many.token, { title: `T${i}` });
      const first = await call(server, "GET", "/api/tasks", { token: many.token });
      expect(first.body.tasks).toHaveLength(50);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const all = await call(server, "GET", "/api/tasks?limit=100", { token: many.token });
      expect(all.body.tasks).toHaveLength(55);
      expect(all.body.nextCursor).toBeNull();
      for (const bad of ["0", "101", "-1", "abc", "1.5", "1e2"]) {
        const res = await call(server, "GET", `/api/tasks?limit=${bad}`, { token: many.token });
        const problem = expectProblem(res, 422);
        expect(problem.errors).toEqual([{ field: "limit", message: expect.any(String) }]);
      }
    });

    it("filters like the /tasks page: status, q, priority, tag, due, sort and order", async () => {
      const f = await apiUser(server, "filters");
      const today = new Date().toISOString().slice(0, 10);
      await createTask(server, f.token, { title: "Alpha report", priority: "high", tags: ["work"], dueDate: today });
      await createTask(server, f.token, { title: "beta groceries", description: "milk and eggs", priority: "low", tags: ["home"] });
      await createTask(server, f.token, { title: "Gamma done", completed: true, dueDate: "2000-01-01" });
      const titles = async (query: string) => {
        const res = await call(server, "GET", `/api/tasks?${query}`, { token: f.token });
        expect(res.status, res.text).toBe(200);
        return res.body.tasks.map((t: { title: string }) => t.title);
      };
      expect(await titles("status=completed")).toEqual(["Gamma done"]);
      expect(await titles("status=active&sort=title")).toEqual(["Alpha report", "beta groceries"]);
      expect(await titles("q=MILK")).toEqual(["beta groceries"]);
      expect(await titles("priority=high")).toEqual(["Alpha report"]);
      expect(await titles("tag=Home")).toEqual(["beta groceries"]);
      expect(await titles("due=today&tz=UTC")).toEqual(["Alpha report"]);
      expect(await titles("due=none")).toEqual(["beta groceries"]);
      expect(await titles("sort=title&order=desc")).toEqual(["Gamma done", "beta groceries", "Alpha report"]);
      // Unknown values fall back to the default view, as on the page.
      expect((await titles("status=bogus&sort=bogus")).length).toBe(3);
      expectProblem(await call(server, "GET", "/api/tasks?tz=Not/AZone", { token: f.token }), 422);
    });

    it("answers a cursor it did not write for this list with a 422 on the cursor field, never page 1 again", async () => {
      const encode = (c: object) => Buffer.from(JSON.stringify(c)).toString("base64url");
      const id = "8b1d5b7e-4a4e-4c55-9d55-5b3f0f1b2a10";
      for (const title of ["Page one", "Page two"]) await createTask(server, user.token, { title });
      const page = await call(server, "GET", "/api/tasks?limit=1", { token: user.token });
      const good = (page.body as { nextCursor: string }).nextCursor;
      expect(good).toBeTruthy();
      for (const cursor of [
        encode({ s: "created", o: "desc", v: "1", id: "x" }),
        encode({ s: "created", o: "desc", v: "+275760-09-13T00:00:00.000Z", id }), // a year Postgres cannot read
        "%%%",
        "e30",
        "garbage",
        "x".repeat(400),
      ]) {
        const res = await call(server, "GET", `/api/tasks?cursor=${encodeURIComponent(cursor)}`, { token: user.token });
        expectProblem(res, 422);
        expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field), cursor).toEqual(["cursor"]);
      }
      // One from another sort or order is not this list's either.
      expectProblem(await call(server, "GET", `/api/tasks?sort=title&cursor=${good}`, { token: user.token }), 422);
      expectProblem(await call(server, "GET", `/api/tasks?order=asc&cursor=${good}`, { token: user.token }), 422);
      expect((await call(server, "GET", `/api/tasks?limit=1&cursor=${good}`, { token: user.token })).status).toBe(200);
    });

    it("answers HEAD like GET, without a body", async () => {
      const res = await fetch(`${server.url}/api/tasks`, { method: "HEAD", headers: { Authorization: `Bearer ${user.token}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
    });
  });

  describe("seed-compatible /api/:userId/tasks", () => {
    it("creates (201, snake_case, Location) and lists as a JSON array", async () => {
      const seed = await apiUser(server, "seed");
      const created = await call(server, "POST", `/api/${seed.id}/tasks`, {
        token: seed.token,
        json: { title: "Seed task", description: "from the old client" },
      });
      expect(created.status).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual([...SEED_KEYS].sort());
      expect(created.body).toMatchObject({ user_id: seed.id, title: "Seed task", description: "from the old client", completed: false });
      expect(created.headers.get("location")).toBe(`/api/${seed.id}/tasks/${created.body.id}`);
      const list = await call(server, "GET", `/api/${seed.id}/tasks`, { token: seed.token });
      expect(list.status).toBe(200);
      expect(Array.isArray(list.body)).toBe(true);
      expect(list.body).toEqual([created.body]);
    });

    it("gets, replaces, patches, completes and deletes one task", async () => {
      const seed = await apiUser(server, "seed-one");
      const base = `/api/${seed.id}/tasks`;
      const { body: task } = await call(server, "POST", base, { token: seed.token, json: { title: "One" } });
      const got = await call(server, "GET", `${base}/${task.id}`, { token: seed.token });
      expect(got.body).toEqual(task);

      // PUT replaces the seed's fields and leaves the richer ones set elsewhere alone.
      await call(server, "PATCH", `/api/tasks/${task.id}`, { token: seed.token, json: { priority: "high", tags: ["kept"] } });
      const put = await call(server, "PUT", `${base}/${task.id}`, { token: seed.token, json: { title: "Two", description: "desc" } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id: task.id, title: "Two", description: "desc", completed: false });
      const canonical = await call(server, "GET", `/api/tasks/${task.id}`, { token: seed.token });
      expect(canonical.body).toMatchObject({ priority: "high", tags: ["kept"] });

      const patched = await call(server, "PATCH", `${base}/${task.id}`, { token: seed.token, json: { description: null } });
      expect(patched.body).toMatchObject({ title: "Two", description: null });

      const done = await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token, json: { completed: true } });
      expect(done.status).toBe(200);
      expect(done.body.completed).toBe(true);
      const again = await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token, json: { completed: true } });
      expect(again.body.completed).toBe(true);
      // No body at all: toggles, as the seed's endpoint did (also with a JSON content type).
      const toggled = await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token });
      expect(toggled.status).toBe(200);
      expect(toggled.body.completed).toBe(false);
      const typed = await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token, headers: { "Content-Type": "application/json" } });
      expect(typed.body.completed).toBe(true);
      const back = await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token, json: { completed: false } });
      expect(back.body.completed).toBe(false);
      expectProblem(await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token, json: { completed: "maybe" } }), 422);
      expectProblem(await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token, json: {} }), 422);

      const deleted = await call(server, "DELETE", `${base}/${task.id}`, { token: seed.token });
      expect(deleted.status).toBe(204);
      expectProblem(await call(server, "GET", `${base}/${task.id}`, { token: seed.token }), 404);
      expectProblem(await call(server, "PATCH", `${base}/${task.id}/complete`, { token: seed.token, json: { completed: true } }), 404);
    });

    it("lists every task in one array (past one page), with the seed's status and sort names", async () => {
      const seed = await apiUser(server, "seed-many");
      for (let i = 0; i < 105; i++) {
        await call(server, "POST", `/api/${seed.id}/tasks`, { token: seed.token, json: { title: `Item ${String(i).padStart(3, "0")}`, completed: i % 5 === 0 } });
      }
      const all = await call(server, "GET", `/api/${seed.id}/tasks`, { token: seed.token });
      expect(all.body).toHaveLength(105);
      expect(new Set(all.body.map((t: { id: string }) => t.id)).size).toBe(105);
      const pending = await call(server, "GET", `/api/${seed.id}/tasks?status=pending&sort=title`, { token: seed.token });
      expect(pending.body).toHaveLength(84);
      expect(pending.body.every((t: { completed: boolean }) => !t.completed)).toBe(true);
      expect(pending.body[0].title).toBe("Item 001");
      const completed = await call(server, "GET", `/api/${seed.id}/tasks?status=completed`, { token: seed.token });
      expect(completed.body).toHaveLength(21);
    });

    it("refuses another user's id in the path with 403, even for tasks that do not exist", async () => {
      for (const [method, path] of [
        ["GET", "/api/someone-else/tasks"],
        ["POST", "/api/someone-else/tasks"],
        ["GET", "/api/someone-else/tasks/nope"],
        ["DELETE", "/api/someone-else/tasks/nope"],
        ["PATCH", "/api/someone-else/tasks/nope/complete"],
      ] as const) {
        expectProblem(await call(server, method, path, { token: user.token, json: method === "POST" || method === "PATCH" ? { title: "x", completed: true } : undefined }), 403);
      }
    });
  });

  describe("errors", () => {
    it("refuses a create with 409 once the account holds the most tasks it can, on both route families", async () => {
      const full = await apiUser(server, "full");
      await createTask(server, full.token, { title: "The first" });
      // As if it held 100 000 tasks: the limit reads the trigger-kept count.
      await server.sql("update task_count set total = $2 where user_id = $1", [full.id, TASKS_PER_USER_MAX]);
      const canonical = expectProblem(await call(server, "POST", "/api/tasks", { token: full.token, json: { title: "One too many" } }), 409);
      expect(canonical.detail).toBe(TASK_LIMIT_MESSAGE);
      expectProblem(await call(server, "POST", `/api/${full.id}/tasks`, { token: full.token, json: { title: "One too many" } }), 409);
      // Reading, changing and deleting still work; below the limit, creating does again.
      expect((await call(server, "GET", "/api/tasks", { token: full.token })).body.tasks).toHaveLength(1);
      await server.sql("update task_count set total = $2 where user_id = $1", [full.id, TASKS_PER_USER_MAX - 1]);
      await createTask(server, full.token, { title: "Room for one" });
    });

    it("answers every route without a token with 401 and the bare challenge", async () => {
      for (const [method, path] of [
        ["GET", "/api/tasks"],
        ["POST", "/api/tasks"],
        ["GET", "/api/tasks/x"],
        ["PUT", "/api/tasks/x"],
        ["PATCH", "/api/tasks/x"],
        ["DELETE", "/api/tasks/x"],
        ["GET", `/api/${user.id}/tasks`],
        ["POST", `/api/${user.id}/tasks`],
        ["GET", `/api/${user.id}/tasks/x`],
        ["PUT", `/api/${user.id}/tasks/x`],
        ["PATCH", `/api/${user.id}/tasks/x`],
        ["DELETE", `/api/${user.id}/tasks/x`],
        ["PATCH", `/api/${user.id}/tasks/x/complete`],
      ]) {
        expectUnauthorized(await call(server, method!, path!), false);
      }
      // Credentials of another scheme, and cookies, are not bearer tokens.
      expectUnauthorized(await call(server, "GET", "/api/tasks", { headers: { Authorization: "Basic dXNlcjpwYXNz" } }), false);
    });

    it("answers 405 with Allow for methods a route does not have", async () => {
      const cases: [string, string, string][] = [
        ["DELETE", "/api/tasks", "GET, HEAD, POST, OPTIONS"],
        ["POST", "/api/tasks/x", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"],
        ["PATCH", `/api/${user.id}/tasks`, "GET, HEAD, POST, OPTIONS"],
        ["POST", `/api/${user.id}/tasks/x`, "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"],
        ["GET", `/api/${user.id}/tasks/x/complete`, "PATCH, OPTIONS"],
        ["POST", "/api/openapi.json", "GET, HEAD, OPTIONS"],
      ];
      for (const [method, path, allow] of cases) {
        const res = await call(server, method, path, { token: user.token });
        expectProblem(res, 405);
        expect(res.headers.get("allow")).toBe(allow);
      }
    });

    it("answers 415 for bodies that are not JSON", async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/jsonx"]) {
        const res = await call(server, "POST", "/api/tasks", { token: user.token, body: '{"title":"x"}', headers: { "Content-Type": type } });
        expectProblem(res, 415);
      }
      // No Content-Type at all (fetch sends none for raw bytes).
      expectProblem(await call(server, "POST", "/api/tasks", { token: user.token, body: new TextEncoder().encode('{"title":"x"}') }), 415);
      const ok = await call(server, "POST", "/api/tasks", { token: user.token, body: '{"title":"x"}', headers: { "Content-Type": "application/json; charset=UTF-8" } });
      expect(ok.status).toBe(201);
    });

    it("answers 400 for malformed JSON, bad UTF-8 and an empty body", async () => {
      const json = { "Content-Type": "application/json" };
      for (const body of ['{"title":', "{'title':'x'}", "nul", "{}}", ""]) {
        expectProblem(await call(server, "POST", "/api/tasks", { token: user.token, body, headers: json }), 400);
      }
      const badUtf8 = new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      expectProblem(await call(server, "POST", "/api/tasks", { token: user.token, body: badUtf8, headers: json }), 400);
    });

    it("answers 422 with an entry per field", async () => {
      const res = await call(server, "POST", "/api/tasks", {
        token: user.token,
        json: { title: "", priority: "urgent", dueDate: "2026-02-30", tags: Array.from({ length: 11 }, (_, i) => `t${i}`), recurrence: "hourly", completed: "perhaps" },
      });
      const problem = expectProblem(res, 422);
      const fields = problem.errors!.map((e) => e.field).sort();
      expect(fields).toEqual(["completed", "dueDate", "priority", "recurrence", "tags", "title"]);
      for (const e of problem.errors!) expect(e.message.length).toBeGreaterThan(0);

      expect(expectProblem(await call(server, "POST", "/api/tasks", { token: user.token, json: [1, 2] }), 422).errors).toEqual([
        { field: "body", message: expect.any(String) },
      ]);
      expect(expectProblem(await call(server, "POST", "/api/tasks", { token: user.token, json: { title: "a\u0000b" } }), 422).errors).toEqual([
        { field: "title", message: expect.any(String) },
      ]);
      expect(expectProblem(await call(server, "POST", "/api/tasks", { token: user.token, json: { title: "x".repeat(201) } }), 422).errors![0]!.field).toBe("title");
      expect(expectProblem(await call(server, "PATCH", "/api/tasks/whatever", { token: user.token, json: { tags: ["ok", 5] } }), 422).errors![0]!.field).toBe("tags");
    });

    it("survives deeply nested JSON without a 5xx", async () => {
      const depth = 20_000;
      for (const body of ["[".repeat(depth) + "]".repeat(depth), `{"title":"deep","pad":${"[".repeat(depth)}"\u0000"${"]".repeat(depth)}}`, `{"title":${"{\"a\":".repeat(5000)}1${"}".repeat(5000)}}`]) {
        const res = await call(server, "POST", "/api/tasks", { token: user.token, body, headers: { "Content-Type": "application/json" } });
        expect(res.status, res.text).toBeGreaterThanOrEqual(400);
        expect(res.status, res.text).toBeLessThan(500);
        expectProblem(res, res.status);
      }
    });

    it("answers 413 over 64 KiB, by Content-Length and by counting a chunked body", async () => {
      const padding = (bytes: number) => {
        const head = '{"title":"big","pad":"';
        return head + "x".repeat(bytes - head.length - 2) + '"}';
      };
      const exact = padding(64 * 1024);
      expect(Buffer.byteLength(exact)).toBe(65536);
      expect((await call(server, "POST", "/api/tasks", { token: user.token, body: exact, headers: { "Content-Type": "application/json" } })).status).toBe(201);
      expectProblem(await call(server, "POST", "/api/tasks", { token: user.token, body: padding(64 * 1024 + 1), headers: { "Content-Type": "application/json" } }), 413);

      // No Content-Length: a streamed body is counted as it arrives.
      const res = await postStream(server.url, user.token);
      expect(res.status).toBe(413);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    });

    it("lets a client that is still sending read the answer, instead of resetting the connection", async () => {
      // The server answers 413 (or 401, before reading anything) while the client is still
      // writing; closing then would make the client fail with EPIPE (seen in CI).
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push((await postStream(server.url, i % 2 ? user.token : "not-a-token")).status);
      }
      expect(statuses).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 413 : 401)));
    });

    it("answers unknown /api paths with a 404 problem, and leaves /api/auth/* to Better Auth", async () => {
      for (const [method, path] of [
        ["GET", "/api"],
        ["GET", "/api/"],
        ["GET", "/api/nope"],
        ["POST", "/api/tasks/x/y/z"],
        ["DELETE", "/api/v2/tasks/x/done/now"],
        ["GET", "/api/tasks.data"],
        ["GET", "/api/tasks/x.data"],
        ["GET", "/api/tasks?_data=routes%2Fapi.tasks"],
      ]) {
        expectProblem(await call(server, method!, path!, { token: user.token }), 404);
      }
      const ok = await call(server, "GET", "/api/auth/ok");
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ ok: true });
      const jwks = await call(server, "GET", "/api/auth/jwks");
      expect(jwks.body.keys.length).toBeGreaterThan(0);
    });

    it("puts /api/tasks on the canonical routes, not on /api/:userId/tasks", async () => {
      const list = await call(server, "GET", "/api/tasks", { token: user.token });
      expect(Array.isArray(list.body)).toBe(false);
      expect(list.body).toHaveProperty("tasks");
      const seedList = await call(server, "GET", `/api/${user.id}/tasks`, { token: user.token });
      expect(Array.isArray(seedList.body)).toBe(true);
    });

    it("gzips large responses only for clients that accept it, and HEAD answers like GET", async () => {
      for (let i = 0; i < 20; i++) await createTask(server, user.token, { title: `Compressible task ${i} with a longer title` });
      const raw = (headers: Record<string, string>, method = "GET") =>
        rawRequest(`${server.url}/api/tasks`, { method, headers: { Authorization: `Bearer ${user.token}`, ...headers } });
      const plain = await raw({});
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers.vary).toMatch(/Accept-Encoding/);
      const tasks = JSON.parse(plain.body.toString()).tasks;
      expect(tasks.length).toBeGreaterThanOrEqual(20);

      const zipped = await raw({ "Accept-Encoding": "br;q=1, gzip;q=0.5" });
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(Number(zipped.headers["content-length"])).toBe(zipped.body.length);
      expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
      expect(JSON.parse(gunzipSync(zipped.body).toString()).tasks).toEqual(tasks);

      for (const refusing of ["gzip;q=0", "gzip;q=0, *", "identity", "br"]) {
        expect((await raw({ "Accept-Encoding": refusing })).headers["content-encoding"], refusing).toBeUndefined();
      }
      expect((await raw({ "Accept-Encoding": "*" })).headers["content-encoding"]).toBe("gzip");

      const head = await raw({ "Accept-Encoding": "gzip" }, "HEAD");
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers["content-encoding"]).toBe("gzip");
      expect(head.headers["content-type"]).toBe("application/json");

      // Small answers go out as they are.
      const missing = await call(server, "GET", "/api/tasks/nope", { token: user.token, headers: { "Accept-Encoding": "gzip" } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-encoding")).toBeNull();
    });

    it("refuses TRACE with a 405 problem (it would echo credentials back), with Allow like every 405", async () => {
      for (const [path, allow] of [["/api/tasks", "GET, HEAD, POST, OPTIONS"], ["/api/tasks/x", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"]] as const) {
        const res = await new Promise<{ status: number; type?: string; allow?: string }>((resolve, reject) => {
          const req = http.request(`${server.url}${path}`, { method: "TRACE" }, (r) => {
            r.resume();
            r.on("end", () => resolve({ status: r.statusCode!, type: r.headers["content-type"], allow: r.headers.allow }));
          });
          req.on("error", reject);
          req.end();
        });
        expect(res.status, path).toBe(405);
        expect(res.type).toBe("application/problem+json");
        expect(res.allow, path).toBe(allow);
      }
    });

    it("marks every API response uncacheable and not sniffable", async () => {
      for (const res of [await call(server, "GET", "/api/tasks", { token: user.token }), await call(server, "GET", "/api/tasks")]) {
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      }
    });
  });

  describe("CORS", () => {
    it("answers a preflight from an allowed origin, without a token", async () => {
      const res = await fetch(`${server.url}/api/tasks`, {
        method: "OPTIONS",
        headers: { Origin: APP_ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type" },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
      expect(res.headers.get("access-control-allow-methods")).toBe("GET, HEAD, POST, OPTIONS");
      expect(res.headers.get("access-control-allow-headers")).toBe("Authorization, Content-Type");
      expect(Number(res.headers.get("access-control-max-age"))).toBeGreaterThan(0);
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("vary")).toMatch(/Origin/);
    });

    it("lets an allowed origin run the token flow from a browser: sign in, read set-auth-token, mint a JWT", async () => {
      const pre = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "OPTIONS",
        headers: { Origin: APP_ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
      expect(pre.headers.get("access-control-allow-headers")).toBe("Authorization, Content-Type");
      const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { Origin: APP_ORIGIN, "Content-Type": "application/json" },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(signIn.status).toBe(200);
      expect(signIn.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
      expect(signIn.headers.get("access-control-expose-headers")).toMatch(/set-auth-token/);
      expect(signIn.headers.get("access-control-allow-credentials")).toBeNull();
      const session = signIn.headers.get("set-auth-token")!;
      const token = await fetch(`${server.url}/api/auth/token`, { headers: { Origin: APP_ORIGIN, Authorization: `Bearer ${session}` } });
      expect(token.status).toBe(200);
      expect(token.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
      const { token: jwt } = (await token.json()) as { token: string };
      expect((await call(server, "GET", "/api/tasks", { token: jwt, headers: { Origin: APP_ORIGIN } })).status).toBe(200);

      // Any other origin: Better Auth refuses its sign-in, and no CORS headers, so a browser
      // keeps the answers from its page.
      const evil = { Origin: "https://evil.example.com" };
      const evilSignIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { ...evil, "Content-Type": "application/json" },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(evilSignIn.status).toBe(403);
      expect(evilSignIn.headers.get("set-auth-token")).toBeNull();
      const evilPre = await fetch(`${server.url}/api/auth/sign-in/email`, { method: "OPTIONS", headers: { ...evil, "Access-Control-Request-Method": "POST" } });
      const evilToken = await fetch(`${server.url}/api/auth/token`, { headers: { ...evil, Authorization: `Bearer ${session}` } });
      for (const res of [evilPre, evilToken]) {
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
        expect(res.headers.get("access-control-expose-headers")).toBeNull();
      }
    });

    it("gives other origins no CORS headers at all", async () => {
      for (const origin of ["https://evil.example.com", "null", "https://app.example.com.evil.io", "http://app.example.com"]) {
        const pre = await fetch(`${server.url}/api/tasks/x`, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "DELETE" } });
        const get = await call(server, "GET", "/api/tasks", { token: user.token, headers: { Origin: origin } });
        for (const res of [pre, get]) {
          for (const name of ["access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers"]) {
            expect(res.headers.get(name), `${origin} ${name}`).toBeNull();
          }
        }
      }
    });

    it("adds Access-Control-Allow-Origin to real responses for allowed origins, errors included", async () => {
      const ok = await call(server, "GET", "/api/tasks", { token: user.token, headers: { Origin: "https://other.example.org" } });
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://other.example.org");
      expect(ok.headers.get("access-control-expose-headers")).toMatch(/Location/);
      const denied = await call(server, "GET", "/api/tasks", { headers: { Origin: APP_ORIGIN } });
      expect(denied.status).toBe(401);
      expect(denied.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    });
  });

  describe("rate limit", () => {
    it("answers 429 with Retry-After past 600 requests a minute for one user, and only for that user", async () => {
      const busy = await apiUser(server, "busy");
      const statuses: number[] = [];
      for (let round = 0; round < 61; round++) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => call(server, "GET", "/api/tasks?limit=1", { token: busy.token })));
        statuses.push(...batch.map((r) => r.status));
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(600);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
      const limited = await call(server, "GET", "/api/tasks", { token: busy.token });
      expectProblem(limited, 429);
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await call(server, "GET", "/api/tasks", { token: user.token })).status).toBe(200);
    }, 60_000);
  });
});

/** A TCP proxy in front of Postgres that the test can cut, to take the database away. */
async function startProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const listen = (port = 0) =>
    new Promise<number>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        server = s;
        resolve((s.address() as net.AddressInfo).port);
      });
    });
  const port = await listen();
  return {
    port,
    /** Stops listening and drops every open connection: the database is "down". */
    cut: () =>
      new Promise<void>((resolve) => {
        const s = server;
        server = null;
        for (const socket of sockets) socket.destroy();
        if (!s) return resolve();
        s.close(() => resolve());
      }),
    restore: async () => {
      if (!server) await listen(port);
    },
  };
}

describe.each(backends.filter((b) => b === "postgres"))("task API without its database (%s)", (backend) => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  beforeAll(async () => {
    proxy = await startProxy(new URL(process.env.TEST_DATABASE_URL!));
    server = await startServer(backend, {
      connectUrl: (url) => {
        const viaProxy = new URL(url);
        viaProxy.hostname = "127.0.0.1";
        viaProxy.port = String(proxy.port);
        return viaProxy.toString();
      },
    });
  }, 120_000);
  afterAll(async () => {
    // The server closes its pool on stop; the proxy must still be there for that.
    await proxy?.restore();
    await server?.stop();
    await proxy?.cut();
  });

  it("answers 503 problem+json with Retry-After while the database is away, then recovers", async () => {
    const user = await apiUser(server, "outage");
    expect((await call(server, "GET", "/api/tasks", { token: user.token })).status).toBe(200);
    await proxy.cut();
    for (const [method, path, json] of [
      ["GET", "/api/tasks"],
      ["POST", "/api/tasks", { title: "x" }],
      ["GET", `/api/${user.id}/tasks`],
    ] as const) {
      const res = await call(server, method, path, { token: user.token, json });
      expectProblem(res, 503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await call(server, "GET", "/api/tasks", { token: user.token })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  }, 60_000);
});

/** POSTs a 160 KiB JSON body in 16 KiB chunks with no Content-Length. */
async function postStream(baseUrl: string, token: string): Promise<Response> {
  const stream = chunkedBody('{"title":"stream","pad":"', 10, '"}');
  const res = await fetch(`${baseUrl}/api/tasks`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: stream,
    duplex: "half",
  } as RequestInit);
  await res.arrayBuffer();
  return res;
}
