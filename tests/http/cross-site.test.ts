// Every mutating HTML form refuses a request another site made the browser send, and
// accepts one that proves it came from here by Origin, by a same-site Referer alone (what
// text browsers such as w3m send), or by Sec-Fetch-Site alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, pageText, signUp, uniqueEmail, type Client } from "../helpers/client";
import { backends, startServer, type TestServer } from "../helpers/server";

type Way = { name: string; origin: string | null; headers: Record<string, string> };

describe.each(backends)("cross-site form posts (%s)", (backend) => {
  let server: TestServer;
  let client: Client;

  const refused = (): Way[] => [
    { name: "Origin of another site", origin: "https://evil.example", headers: {} },
    { name: "Origin null (sandboxed frame)", origin: "null", headers: {} },
    { name: "no Origin, Referer of another site", origin: null, headers: { Referer: "https://evil.example/form" } },
    { name: "no Origin or Referer, Sec-Fetch-Site cross-site", origin: null, headers: { "Sec-Fetch-Site": "cross-site" } },
    { name: "none of Origin, Referer, Sec-Fetch-Site", origin: null, headers: {} },
  ];
  const accepted = (): Way[] => [
    { name: "same Origin", origin: server.url, headers: {} },
    { name: "no Origin, same-site Referer (w3m)", origin: null, headers: { Referer: `${server.url}/tasks` } },
    { name: "only Sec-Fetch-Site: same-origin", origin: null, headers: { "Sec-Fetch-Site": "same-origin" } },
  ];

  async function taskTitles(): Promise<string> {
    return pageText(await client.get("/tasks"));
  }

  beforeAll(async () => {
    server = await startServer(backend);
    client = (await signUp(server, { name: "Cross Site" })).client;
  }, 120_000);
  afterAll(async () => server?.stop());

  it("refuses a task form from another site with a 403 page and changes nothing", async () => {
    for (const way of refused()) {
      const res = await client.post("/tasks", { intent: "create", title: `Forged ${way.name}` }, { origin: way.origin, headers: way.headers });
      expect(res.status, way.name).toBe(403);
      expect(await pageText(res), way.name).toMatch(/another site/);
    }
    expect(await taskTitles()).not.toContain("Forged");
  });

  it("accepts a task form that proves it came from here, by any of the three", async () => {
    for (const way of accepted()) {
      const res = await client.post("/tasks", { intent: "create", title: `Genuine ${way.name}` }, { origin: way.origin, headers: way.headers });
      expect(res.status, way.name).toBe(302);
    }
    const titles = await taskTitles();
    for (const way of accepted()) expect(titles).toContain(`Genuine ${way.name}`);
  });

  it("guards every other form the same way", async () => {
    // [path, form, what a successful post would change]
    const forms: [string, Record<string, string>][] = [
      ["/tasks", { intent: "complete-all" }],
      ["/tasks", { intent: "clear-completed" }],
      ["/settings", { intent: "update-name", name: "Forged Name" }],
      ["/settings", { intent: "change-password", currentPassword: PASSWORD, newPassword: "forged password 1" }],
      ["/settings", { intent: "delete-account", password: PASSWORD }],
      ["/sign-out", {}],
    ];
    for (const [path, form] of forms) {
      for (const way of refused()) {
        const res = await client.post(path, form, { origin: way.origin, headers: way.headers });
        expect(res.status, `${path} ${form.intent ?? ""} ${way.name}`).toBe(403);
      }
    }
    // Still signed in, same name, same password, tasks still open.
    const settings = await client.get("/settings");
    expect(settings.status).toBe(200);
    const text = await pageText(settings);
    expect(text).toContain("Cross Site");
    expect(text).not.toContain("Forged Name");
    expect(await taskTitles()).toContain("Genuine same Origin");

    // The anonymous forms too: nothing is created, nobody is signed in.
    const visitor = client.clone();
    visitor.cookies.clear();
    const email = uniqueEmail("forged");
    for (const way of refused()) {
      for (const [path, form] of [
        ["/sign-up", { name: "Forged", email, password: PASSWORD }],
        ["/sign-in", { email, password: PASSWORD }],
        ["/forgot-password", { email }],
        ["/reset-password", { token: "x".repeat(24), password: PASSWORD }],
      ] as const) {
        const res = await visitor.post(path, form, { origin: way.origin, headers: way.headers });
        expect(res.status, `${path} ${way.name}`).toBe(403);
      }
    }
    expect(visitor.cookies.has("better-auth.session_token")).toBe(false);
    const signIn = await visitor.post("/sign-in", { email, password: PASSWORD });
    expect(signIn.status).toBe(401);
  });

  it("accepts a same-site Referer alone on the account forms too (text browsers)", async () => {
    const visitor = client.clone();
    visitor.cookies.clear();
    const email = uniqueEmail("w3m");
    const res = await visitor.post("/sign-up", { name: "Text Browser", email, password: PASSWORD }, { origin: null, headers: { Referer: `${server.url}/sign-up` } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/tasks");
    const out = await visitor.post("/sign-out", {}, { origin: null, headers: { Referer: `${server.url}/tasks` } });
    expect(out.status).toBe(302);
    expect((await visitor.get("/tasks")).status).toBe(302);
  });
});
