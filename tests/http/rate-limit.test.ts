// Credential endpoints are limited per account (and per client IP only behind a trusted
// proxy), whether reached by HTML form or by /api/auth/*; never one global bucket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, PASSWORD, pageText, signUp, uniqueEmail } from "../helpers/client";
import { backends, startServer, type TestServer } from "../helpers/server";

const SIGN_IN_LIMIT = 10; // per account per 15 minutes (app/rate-limit.server.ts)

function expectRetryAfter(res: Response, windowSeconds = 15 * 60) {
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

describe.each(backends)("rate limits (%s)", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("blocks the 11th HTML sign-in for one email with 429 + Retry-After, not other users", async () => {
    const victim = await signUp(server);
    const bystander = await signUp(server);
    for (let i = 0; i < SIGN_IN_LIMIT; i++) {
      const res = await new Client(server).post("/sign-in", { email: victim.email, password: `wrong guess ${i}` });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await new Client(server).post("/sign-in", { email: victim.email, password: "wrong guess again" });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked);
    expect(await pageText(blocked)).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);

    // Even the right password waits: the bucket is the account's.
    const right = new Client(server);
    expect((await right.post("/sign-in", { email: victim.email, password: PASSWORD })).status).toBe(429);
    expect(right.sessionToken()).toBeUndefined();

    // No global lockout: another account signs in at once.
    const other = await new Client(server).post("/sign-in", { email: bystander.email, password: PASSWORD });
    expect(other.status).toBe(302);
    // And the victim's existing session is untouched.
    expect((await victim.client.get("/settings")).status).toBe(200);
  });

  it("keeps no email and no reset link's token in its table, only hashes of them", async () => {
    const { email } = await signUp(server);
    const token = `reset-token-${Date.now()}`;
    expect((await new Client(server).post("/sign-in", { email, password: "nope nope" })).status).toBe(401);
    expect((await new Client(server).postJson("/api/auth/reset-password", { token, newPassword: PASSWORD })).status).toBe(400);
    const keys = (await server.sql<{ key: string }>("select key from auth_limit")).map((row) => row.key);
    expect(keys.filter((key) => key.startsWith("sign-in:account:")).length).toBeGreaterThan(0);
    expect(keys.filter((key) => key.startsWith("reset-password:account:")).length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^[a-z-]+:account:[\w-]{43}$/);
      expect(key.toLowerCase()).not.toContain(email.toLowerCase());
      expect(key.toLowerCase()).not.toContain(token);
    }
  });

  it("counts the email case-insensitively", async () => {
    const { email } = await signUp(server);
    for (let i = 0; i < SIGN_IN_LIMIT; i++) {
      const variant = i % 2 ? email.toUpperCase() : email;
      expect((await new Client(server).post("/sign-in", { email: variant, password: "nope nope" })).status).toBe(401);
    }
    expect((await new Client(server).post("/sign-in", { email: ` ${email.toUpperCase()} `, password: PASSWORD })).status).toBe(429);
  });

  it("limits /api/auth/sign-in/email the same way, as JSON", async () => {
    const victim = await signUp(server);
    const bystander = await signUp(server);
    for (let i = 0; i < SIGN_IN_LIMIT; i++) {
      const res = await new Client(server).postJson("/api/auth/sign-in/email", { email: victim.email, password: `wrong ${i} guess` });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await new Client(server).postJson("/api/auth/sign-in/email", { email: victim.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked);
    expect(await blocked.json()).toMatchObject({ code: "TOO_MANY_REQUESTS" });

    const ok = await new Client(server).postJson("/api/auth/sign-in/email", { email: bystander.email, password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("set-auth-token")).toBeTruthy();
  });

  it("limits /api/auth/sign-in/email sent form-encoded too, as Better Auth accepts it", async () => {
    const { email } = await signUp(server);
    // Multipart is refused before any password check; if Better Auth ever takes it, the
    // limiter must read it too.
    const multipart = new FormData();
    multipart.set("email", email);
    multipart.set("password", "multipart guess");
    expect((await new Client(server).request("/api/auth/sign-in/email", { method: "POST", multipart })).status).toBe(415);
    for (let i = 0; i < SIGN_IN_LIMIT; i++) {
      const res = await new Client(server).post("/api/auth/sign-in/email", { email, password: `form guess ${i}` });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await new Client(server).post("/api/auth/sign-in/email", { email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("set-auth-token")).toBeNull();
  });

  it("limits password checks behind a session: /api/auth/change-password and /api/auth/delete-user, shared with /settings", async () => {
    const { client } = await signUp(server);
    const CHANGE_LIMIT = 5; // per user per 15 minutes, the same bucket as the settings form
    for (let i = 0; i < CHANGE_LIMIT; i++) {
      const res = await client.postJson("/api/auth/change-password", { currentPassword: `wrong ${i} guess`, newPassword: "a brand new passphrase" });
      expect(res.status, `attempt ${i + 1}`).toBe(400);
    }
    const blocked = await client.postJson("/api/auth/change-password", { currentPassword: PASSWORD, newPassword: "a brand new passphrase" });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked);
    const form = await client.post("/settings", { intent: "change-password", currentPassword: PASSWORD, newPassword: "a brand new passphrase" });
    expect(form.status).toBe(429);

    for (let i = 0; i < CHANGE_LIMIT; i++) {
      expect((await client.postJson("/api/auth/delete-user", { password: `not mine ${i}` })).status, `delete ${i + 1}`).toBe(400);
    }
    expect((await client.postJson("/api/auth/delete-user", { password: PASSWORD })).status).toBe(429);
    expect((await client.get("/settings")).status).toBe(200); // still there
  });

  it("counts failed sign-ins only: signing in often, by form or API, never locks the owner out", async () => {
    const { email } = await signUp(server);
    for (let i = 0; i < SIGN_IN_LIMIT + 5; i++) {
      const res = i % 2
        ? await new Client(server).postJson("/api/auth/sign-in/email", { email, password: PASSWORD })
        : await new Client(server).post("/sign-in", { email, password: PASSWORD });
      expect(res.status, `sign-in ${i + 1}`).toBe(i % 2 ? 200 : 302);
    }
    // Failures still count, and a success between them does not forgive them.
    for (let i = 0; i < SIGN_IN_LIMIT - 1; i++) {
      expect((await new Client(server).post("/sign-in", { email, password: `guess ${i}` })).status).toBe(401);
    }
    expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(302);
    expect((await new Client(server).post("/sign-in", { email, password: "one guess more" })).status).toBe(401);
    expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(429);
  });

  it("shares one bucket between the form and the API", async () => {
    const { email } = await signUp(server);
    for (let i = 0; i < SIGN_IN_LIMIT; i++) {
      expect((await new Client(server).post("/sign-in", { email, password: "not it at all" })).status).toBe(401);
    }
    expect((await new Client(server).postJson("/api/auth/sign-in/email", { email, password: PASSWORD })).status).toBe(429);
  });

  it("limits sign-up attempts per email", async () => {
    const email = uniqueEmail("signup-limit");
    // 5 per hour per email; validation errors before the limiter do not count.
    for (let i = 0; i < 5; i++) {
      const res = await new Client(server).post("/sign-up", { name: "Spam", email, password: PASSWORD });
      expect(res.status, `attempt ${i + 1}`).toBe(i === 0 ? 302 : 422);
    }
    const blocked = await new Client(server).post("/sign-up", { name: "Spam", email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 60 * 60);
    expect((await new Client(server).post("/sign-up", { name: "Fine", email: uniqueEmail(), password: PASSWORD })).status).toBe(302);
  });
});

describe.each(backends)("rate limits behind a trusted proxy (%s)", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend, { env: { CLIENT_IP_HEADER: "x-forwarded-for" } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("limits one client IP across many emails, but not other IPs", async () => {
    const attacker = { "X-Forwarded-For": "198.51.100.7" };
    const { email } = await signUp(server);
    // 30 sign-ins per minute per IP; each guess uses a new email so the account limit stays out of it.
    for (let i = 0; i < 30; i++) {
      const res = await new Client(server).post("/sign-in", { email: uniqueEmail("spray"), password: "guess guess" }, { headers: attacker });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await new Client(server).post("/sign-in", { email, password: PASSWORD }, { headers: attacker });
    expect(blocked.status).toBe(429);
    expectRetryAfter(blocked, 60);

    const elsewhere = await new Client(server).post("/sign-in", { email, password: PASSWORD }, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    expect(elsewhere.status).toBe(302);
  });

  it("uses the right-most address the proxy added, not one the client made up", async () => {
    const { email } = await signUp(server);
    // The client rotates a fake left-most entry; the proxy-added one stays the same.
    for (let i = 0; i < 30; i++) {
      const headers = { "X-Forwarded-For": `10.0.0.${i}, 198.51.100.99` };
      expect((await new Client(server).post("/sign-in", { email: uniqueEmail("rot"), password: "guess guess" }, { headers })).status).toBe(401);
    }
    const blocked = await new Client(server).post("/sign-in", { email, password: PASSWORD }, { headers: { "X-Forwarded-For": "10.9.9.9, 198.51.100.99" } });
    expect(blocked.status).toBe(429);
  });

  it("holds /api/auth/* to the same limits: not Better Auth's 3 per 10 s, and no bucket shared by clients without the header", async () => {
    const guess = (headers: Record<string, string>) =>
      new Client(server).postJson("/api/auth/sign-in/email", { email: uniqueEmail("api-ip"), password: "guess guess" }, { headers });
    const clients: Record<string, string>[] = [{ "X-Forwarded-For": "192.0.2.44" }, {}, { "X-Forwarded-For": "192.0.2.45, 198.51.100.45" }];
    for (const headers of clients) {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await guess(headers)).status);
      expect(statuses, JSON.stringify(headers)).toEqual([401, 401, 401, 401, 401, 401]);
    }
  });
});
