// Behind https (BETTER_AUTH_URL https://…) every response also carries HSTS, and the
// session cookie is Secure; on plain http neither is sent (browsers would ignore it).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server";

describe("security headers for an https deployment", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer("pglite", { env: { BETTER_AUTH_URL: "https://tasks.example.com" } });
  }, 120_000);
  afterAll(async () => server?.stop());

  it("sends Strict-Transport-Security on pages, API and health checks", async () => {
    for (const path of ["/sign-in", "/", "/api/tasks", "/api/openapi.json", "/healthz", "/favicon.svg"]) {
      const res = await fetch(`${server.url}${path}`, { redirect: "manual" });
      expect(res.headers.get("strict-transport-security"), path).toBe("max-age=31536000; includeSubDomains");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    }
  });

  it("marks the session cookie Secure", async () => {
    // Better Auth's JSON sign-up, sent as the public site (Origin) to check the cookie it sets.
    const res = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://tasks.example.com" },
      body: JSON.stringify({ name: "Secure", email: `secure-${Date.now()}@example.com`, password: "correct horse battery" }),
    });
    expect(res.status).toBe(200);
    const session = res.headers.getSetCookie().find((c) => c.includes("session_token="));
    expect(session).toMatch(/^__Secure-better-auth\.session_token=/);
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/HttpOnly/i);
  });
});

describe("security headers for a plain-http deployment", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer("pglite");
  }, 120_000);
  afterAll(async () => server?.stop());

  it("sends no HSTS over http", async () => {
    const res = await fetch(`${server.url}/sign-in`);
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("permissions-policy")).toContain("camera=()");
  });

  it("answers TRACE on a page or /api/auth/* with a 405 and Allow, not a 500", async () => {
    for (const path of ["/tasks", "/api/auth/token"]) {
      const res = await new Promise<{ status: number; allow?: string }>((resolve, reject) => {
        const req = http.request(`${server.url}${path}`, { method: "TRACE" }, (r) => {
          r.resume();
          r.on("end", () => resolve({ status: r.statusCode!, allow: r.headers.allow }));
        });
        req.on("error", reject);
        req.end();
      });
      expect(res.status, path).toBe(405);
      expect(res.allow, path).toBe("GET, HEAD, POST");
    }
  });

  it("accepts a request target in absolute form (GET http://host/path), as HTTP/1.1 requires", async () => {
    const get = (target: string) =>
      new Promise<{ status: number; type?: string }>((resolve, reject) => {
        // node:http sends `path` as the request target as it is.
        const req = http.request(server.url, { path: target }, (r) => {
          r.resume();
          r.on("end", () => resolve({ status: r.statusCode!, type: r.headers["content-type"] }));
        });
        req.on("error", reject);
        req.end();
      });
    expect(await get(`${server.url}/api/openapi.json`)).toMatchObject({ status: 200, type: expect.stringContaining("json") });
    expect((await get(`${server.url}/api/tasks`)).status).toBe(401); // the API's router, not a page
    expect(await get(`${server.url}/sign-in?redirectTo=%2Ftasks`)).toMatchObject({ status: 200, type: expect.stringContaining("text/html") });
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    expect((await get("*")).status).toBe(404);
    expect(server.logs()).not.toContain("server.failed");
  });

  it("answers a missing asset with a short 404 page titled Not Found, styled like the app's own", async () => {
    const res = await fetch(`${server.url}/assets/no-such-file.js`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("<title>Not Found");
    expect(html).toContain("There is nothing at this address.");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    // The app's stylesheet, which the page's CSP lets load (and nothing else).
    const css = html.match(/<link rel="stylesheet" href="(\/assets\/styles-[\w-]+\.css)">/)?.[1];
    expect(css).toBeTruthy();
    expect((await fetch(`${server.url}${css}`)).status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'self'; frame-ancestors 'none'");
  });
});
