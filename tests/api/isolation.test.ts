// Two users, every API route: another user's task is a 404 (never a 403 that would reveal
// it exists), a seed route with another user's id is a 403 before any lookup, and nothing
// the second user does changes the first user's tasks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, startServer, type TestServer } from "../helpers/server";
import { apiUser, call, createTask, expectProblem, type ApiUser } from "./api-client";

describe.each(backends)("API isolation between users (%s)", (backend) => {
  let server: TestServer;
  let alice: ApiUser;
  let mallory: ApiUser;
  let aliceTask: Record<string, any> & { id: string };
  let malloryTask: Record<string, any> & { id: string };

  beforeAll(async () => {
    server = await startServer(backend);
    alice = await apiUser(server, "alice");
    mallory = await apiUser(server, "mallory");
    aliceTask = await createTask(server, alice.token, { title: "Alice's secret", description: "private", tags: ["mine"] });
    malloryTask = await createTask(server, mallory.token, { title: "Mallory's own" });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const body = { title: "hijacked", completed: true };

  it("answers 404 on every canonical route for another user's task", async () => {
    for (const [method, json] of [["GET"], ["PUT", body], ["PATCH", body], ["DELETE"]] as const) {
      const res = await call(server, method, `/api/tasks/${aliceTask.id}`, { token: mallory.token, json });
      const problem = expectProblem(res, 404);
      // The same answer as for an id that never existed.
      const missing = await call(server, method, `/api/tasks/00000000-0000-4000-8000-000000000000`, { token: mallory.token, json });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(problem);
    }
  });

  it("answers 404 on every seed route (with one's own user id) for another user's task", async () => {
    const base = `/api/${mallory.id}/tasks/${aliceTask.id}`;
    for (const [method, path, json] of [
      ["GET", base],
      ["PUT", base, body],
      ["PATCH", base, body],
      ["DELETE", base],
      ["PATCH", `${base}/complete`, { completed: true }],
      ["PATCH", `${base}/complete`],
    ] as const) {
      expectProblem(await call(server, method, path, { token: mallory.token, json }), 404);
    }
  });

  it("answers 403 on every seed route that names another user, existing task or not", async () => {
    for (const taskId of [aliceTask.id, malloryTask.id, "no-such-task"]) {
      const base = `/api/${alice.id}/tasks`;
      for (const [method, path, json] of [
        ["GET", base],
        ["POST", base, body],
        ["GET", `${base}/${taskId}`],
        ["PUT", `${base}/${taskId}`, body],
        ["PATCH", `${base}/${taskId}`, body],
        ["DELETE", `${base}/${taskId}`],
        ["PATCH", `${base}/${taskId}/complete`, { completed: true }],
      ] as const) {
        const res = await call(server, method, path, { token: mallory.token, json });
        expectProblem(res, 403);
      }
    }
    // Invalid bodies do not get past the 403 either: it comes before anything else.
    expectProblem(await call(server, "POST", `/api/${alice.id}/tasks`, { token: mallory.token, json: { title: "" } }), 403);
  });

  it("lists only one's own tasks on both families", async () => {
    const canonical = await call(server, "GET", "/api/tasks?limit=100", { token: mallory.token });
    expect(canonical.body.tasks.map((t: { id: string }) => t.id)).toEqual([malloryTask.id]);
    const seed = await call(server, "GET", `/api/${mallory.id}/tasks`, { token: mallory.token });
    expect(seed.body.map((t: { id: string }) => t.id)).toEqual([malloryTask.id]);
    const search = await call(server, "GET", "/api/tasks?q=secret&status=all", { token: mallory.token });
    expect(search.body.tasks).toEqual([]);
    const tag = await call(server, "GET", "/api/tasks?tag=mine", { token: mallory.token });
    expect(tag.body.tasks).toEqual([]);
  });

  it("cannot page into another user's list with their cursor", async () => {
    for (let i = 0; i < 3; i++) await createTask(server, alice.token, { title: `Alice ${i}` });
    const page = await call(server, "GET", "/api/tasks?limit=1", { token: alice.token });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const stolen = await call(server, "GET", `/api/tasks?cursor=${encodeURIComponent(page.body.nextCursor)}`, { token: mallory.token });
    expect(stolen.status).toBe(200);
    for (const t of stolen.body.tasks) expect(t.id).toBe(malloryTask.id);
  });

  it("left the first user's task exactly as it was", async () => {
    const res = await call(server, "GET", `/api/tasks/${aliceTask.id}`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(aliceTask);
    const seed = await call(server, "GET", `/api/${alice.id}/tasks/${aliceTask.id}`, { token: alice.token });
    expect(seed.body).toMatchObject({ id: aliceTask.id, user_id: alice.id, title: "Alice's secret", completed: false });
  });
});
