// GET /api/openapi.json against the app itself: every path of the API's route table is
// described with exactly the methods it answers, every described path exists, and real
// responses match the documented schemas.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { API_PATHS } from "~/api-paths";
import { backends, startServer, type TestServer } from "../helpers/server";
import { apiUser, call, createTask, type ApiUser } from "./api-client";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any>; responses: Record<string, any>; parameters: Record<string, any> };
};

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Inlines local $refs so a schema can be handed to a JSON Schema → zod converter. */
function resolve(doc: Doc, node: unknown): any {
  if (Array.isArray(node)) return node.map((n) => resolve(doc, n));
  if (node && typeof node === "object") {
    const ref = (node as { $ref?: string }).$ref;
    if (ref) {
      const [, , group, name] = ref.split("/");
      return resolve(doc, (doc.components as any)[group!][name!]);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(doc, v)]));
  }
  return node;
}

describe.each(backends)("OpenAPI document (%s)", (backend) => {
  let server: TestServer;
  let user: ApiUser;
  let doc: Doc;
  let schema: (name: string) => z.ZodType;

  beforeAll(async () => {
    server = await startServer(backend);
    user = await apiUser(server, "openapi");
    const res = await fetch(`${server.url}/api/openapi.json`);
    doc = (await res.json()) as Doc;
    schema = (name) => z.fromJSONSchema(resolve(doc, doc.components.schemas[name]));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("is served without a token as OpenAPI 3.1", async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(doc.openapi).toBe("3.1.0");
    expect((doc as any).servers).toEqual([{ url: server.url }]);
    expect((doc as any).components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("describes every path of the route table with exactly the methods its route answers", async () => {
    const task = await createTask(server, user.token);
    for (const template of API_PATHS) {
      const item = doc.paths[template];
      expect(item, `${template} is not in the OpenAPI document`).toBeDefined();
      const documented = Object.keys(item!).filter((k) => HTTP_METHODS.includes(k)).map((m) => m.toUpperCase()).sort();
      const concrete = template.replace("{userId}", user.id).replace("{id}", task.id);
      const res = await fetch(`${server.url}${concrete}`, { method: "OPTIONS" });
      expect(res.status, concrete).toBe(204);
      const answered = res.headers.get("allow")!.split(", ").filter((m) => m !== "HEAD" && m !== "OPTIONS").sort();
      expect(documented, template).toEqual(answered);
    }
  });

  it("describes no /api path that has no route (Better Auth's are checked live)", async () => {
    const templates = new Set<string>(API_PATHS);
    for (const [p, item] of Object.entries(doc.paths)) {
      if (p.startsWith("/api/auth/")) {
        const method = Object.keys(item).find((k) => HTTP_METHODS.includes(k))!;
        const res = await fetch(`${server.url}${p}`, {
          method: method.toUpperCase(),
          headers: { "Content-Type": "application/json", Origin: server.url },
          body: method === "get" ? undefined : JSON.stringify({ email: "nobody@example.com", password: "wrong password" }),
        });
        expect(res.status, p).not.toBe(404);
      } else {
        expect(templates.has(p), `${p} is documented but not in the route table`).toBe(true);
      }
    }
  });

  it("documents the error responses of every operation as problem+json", () => {
    for (const [p, item] of Object.entries(doc.paths)) {
      if (p.startsWith("/api/auth/") || p === "/api/openapi.json") continue;
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const codes = Object.keys(op.responses);
        expect(codes, `${method} ${p}`).toEqual(expect.arrayContaining(["401", "429", "503"]));
        if (op.requestBody) expect(codes, `${method} ${p}`).toEqual(expect.arrayContaining(["400", "413", "415", "422"]));
        if (p.includes("{userId}")) expect(codes).toContain("403");
        if (p.includes("{id}")) expect(codes).toContain("404");
        for (const code of codes.filter((c) => c >= "400")) {
          const resolved = resolve(doc, op.responses[code]);
          expect(Object.keys(resolved.content), `${method} ${p} ${code}`).toEqual(["application/problem+json"]);
        }
      }
    }
  });

  it("matches real responses: Task, TaskPage, SeedTask, arrays and problems", async () => {
    const task = await createTask(server, user.token, { title: "Schema check", tags: ["a"], dueDate: "2031-01-02", recurrence: "monthly" });
    schema("Task").parse(task);
    const page = await call(server, "GET", "/api/tasks?limit=1", { token: user.token });
    schema("TaskPage").parse(page.body);
    const seed = await call(server, "GET", `/api/${user.id}/tasks/${task.id}`, { token: user.token });
    schema("SeedTask").parse(seed.body);
    const list = await call(server, "GET", `/api/${user.id}/tasks`, { token: user.token });
    z.array(schema("SeedTask")).parse(list.body);
    const problems = [
      await call(server, "GET", "/api/tasks"),
      await call(server, "POST", "/api/tasks", { token: user.token, json: { title: "" } }),
      await call(server, "GET", "/api/tasks/nope", { token: user.token }),
      await call(server, "DELETE", "/api/tasks", { token: user.token }),
    ];
    for (const p of problems) schema("Problem").parse(p.body);
    // The schemas are strict enough to catch a wrong shape.
    expect(schema("Task").safeParse({ ...task, extra: 1 }).success).toBe(false);
    expect(schema("SeedTask").safeParse(task).success).toBe(false);
  });

  it("accepts the documented request bodies", async () => {
    const input = { title: "Documented", description: null, priority: "low", tags: ["x"], dueDate: "2031-05-06", recurrence: null, completed: false };
    schema("TaskInput").parse(input);
    expect((await call(server, "POST", "/api/tasks", { token: user.token, json: input })).status).toBe(201);
    const seedInput = { title: "Seed documented", description: "d", completed: true };
    schema("SeedTaskCreate").parse(seedInput);
    expect((await call(server, "POST", `/api/${user.id}/tasks`, { token: user.token, json: seedInput })).status).toBe(201);
  });
});

describe("the API document without a per-user limit (API_RATE_LIMIT=0)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer("pglite", { env: { API_RATE_LIMIT: "0" } });
  }, 120_000);
  afterAll(async () => server?.stop());

  it("promises no 429 and says there is no limit", async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Doc & { info: { description: string } };
    expect(doc.info.description).toContain("There is no per-user request limit.");
    expect(doc.info.description).not.toContain("429");
    const limited = Object.entries(doc.paths)
      .filter(([p]) => !p.startsWith("/api/auth/"))
      .flatMap(([p, item]) => Object.entries(item).filter(([, op]) => op?.responses?.["429"]).map(([method]) => `${method} ${p}`));
    expect(limited).toEqual([]);
  });
});
