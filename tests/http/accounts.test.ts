// The account pages over real HTTP against the built server: validation, status codes,
// cookies, cross-site refusal, sessions and settings — on PGlite, and on Postgres when
// TEST_DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, PASSWORD, SESSION_COOKIE, pageText, signUp, uniqueEmail } from "../helpers/client";
import { COMMON_PASSWORD_MESSAGE } from "~/common-passwords.server";
import { backends, startServer, type TestServer } from "../helpers/server";

const FORM_ERROR_SIGN_IN = "That email and password do not match an account. Check them and try again.";

/** The ids of the other sessions listed on /settings (each has a Revoke form). */
function otherSessionIds(html: string): string[] {
  return [...html.matchAll(/name="sessionId" value="([^"]+)"/g)].map((m) => m[1]!);
}

function formError(text: string): string | undefined {
  return text.match(/That email and password do not match an account\. Check them and try again\./)?.[0];
}

describe.each(backends)("accounts over HTTP (%s)", (backend) => {
  let server: TestServer;
  // Everything that must never reach a log line; checked at the end.
  const secrets = new Set<string>();
  const remember = (client: Client) => {
    const token = client.sessionToken();
    if (token) secrets.add(token);
    const cookie = client.cookies.get(SESSION_COOKIE);
    if (cookie) secrets.add(decodeURIComponent(cookie));
  };

  beforeAll(async () => {
    server = await startServer(backend);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  describe("health", () => {
    it("/healthz answers 200 without touching anything", async () => {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok\n");
    });

    it("the health checks answer other methods with a plain 405 and Allow", async () => {
      for (const path of ["/healthz", "/readyz"]) {
        const res = await fetch(`${server.url}${path}`, { method: "POST", headers: { Origin: server.url } });
        expect(res.status, path).toBe(405);
        expect(res.headers.get("allow")).toBe("GET, HEAD");
        expect(await res.text()).toBe("Only GET and HEAD\n");
      }
    });

    it("/readyz answers 200 while the database answers", async () => {
      const res = await fetch(`${server.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ready\n");
    });

    it("pages carry the security headers", async () => {
      const res = await fetch(`${server.url}/sign-in`);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      // No cache keeps a page, the browser's included (Back after sign-out asks the server).
      expect(res.headers.get("cache-control")).toBe("private, no-store");
    });
  });

  describe("sign-up", () => {
    it("shows the form", async () => {
      const res = await new Client(server).get("/sign-up");
      expect(res.status).toBe(200);
      const text = await pageText(res);
      expect(text).toContain("Create account");
      expect(text).toContain("Name");
    });

    it("refuses empty fields with 400 and a message per field", async () => {
      const client = new Client(server);
      const res = await client.post("/sign-up", { name: "", email: "", password: "" });
      expect(res.status).toBe(400);
      const text = await pageText(res);
      expect(text).toContain("Enter your name");
      expect(text).toContain("Enter your email address");
      expect(text).toContain("Enter a password");
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
    });

    it("refuses missing fields the same way (no 500)", async () => {
      const res = await new Client(server).post("/sign-up", {});
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Enter your email address");
    });

    it("refuses a malformed email and keeps the input, but never the password", async () => {
      const res = await new Client(server).post("/sign-up", { name: "Ada Keeps", email: "not-an-email", password: "hunter2hunter2" });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain("Enter an email address like name@example.com");
      expect(html).toContain('value="Ada Keeps"');
      expect(html).toContain('value="not-an-email"');
      expect(html).not.toContain("hunter2hunter2");
    });

    it("refuses a password shorter than 8 characters", async () => {
      const res = await new Client(server).post("/sign-up", { name: "Short", email: uniqueEmail(), password: "1234567" });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Password must be at least 8 characters");
    });

    it("refuses over-long name, email and password", async () => {
      const client = new Client(server);
      let res = await client.post("/sign-up", { name: "n".repeat(101), email: uniqueEmail(), password: PASSWORD });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Name must be at most 100 characters");

      res = await client.post("/sign-up", { name: "Long", email: uniqueEmail(), password: "p".repeat(129) });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Password must be at most 128 characters");

      res = await client.post("/sign-up", { name: "Long", email: `${"e".repeat(250)}@example.com`, password: PASSWORD });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Email must be at most 254 characters");
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
    });

    it("refuses a common password, or one that is the user's own name or email, and keeps the rest", async () => {
      const email = uniqueEmail("common");
      for (const password of ["Password1", "iloveyou!", "ada.lovelace1", `${email}`, "Tasklane2024!"]) {
        const client = new Client(server);
        const res = await client.post("/sign-up", { name: "Ada Lovelace", email, password });
        expect(res.status, password).toBe(400);
        const html = await res.text();
        expect(html).toContain(COMMON_PASSWORD_MESSAGE);
        expect(html).toContain('value="Ada Lovelace"');
        expect(html.match(/<input[^>]*name="password"[^>]*>/)?.[0]).not.toContain("value=");
        expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
      }
      // Five refusals, and the email's hourly sign-up attempts are all still there.
      expect((await new Client(server).post("/sign-up", { name: "Ada Lovelace", email, password: PASSWORD })).status).toBe(302);
    });

    it("accepts exactly 8 and exactly 128 characters", async () => {
      for (const password of ["a".repeat(8), "b".repeat(128)]) {
        const res = await new Client(server).post("/sign-up", { name: "Edge", email: uniqueEmail("edge"), password });
        expect(res.status).toBe(302);
      }
    });

    it("creates the account: 302 to /tasks with an HttpOnly, SameSite=Lax session cookie and a toast", async () => {
      const client = new Client(server);
      const email = uniqueEmail("signup");
      const res = await client.post("/sign-up", { name: "Grace Hopper", email, password: PASSWORD });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/tasks");
      const cookies = res.headers.getSetCookie();
      const session = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      expect(session).toBeDefined();
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Lax/i);
      expect(session).not.toMatch(/;\s*Secure/i); // http base URL
      expect(cookies.some((c) => c.startsWith("toast="))).toBe(true);
      remember(client);

      // The toast is rendered by the server on the next page, once.
      const next = await client.get("/settings");
      expect(next.status).toBe(200);
      const text = await pageText(next);
      expect(text).toContain("Welcome to Tasklane, Grace Hopper!");
      expect(text).toContain(email);
      expect(text).toContain("Sign out");
      const again = await pageText(await client.get("/settings"));
      expect(again).not.toContain("Welcome to Tasklane");
    });

    it("refuses a duplicate email (any case) with 422 and signs nobody in", async () => {
      const { email } = await signUp(server);
      const client = new Client(server);
      const res = await client.post("/sign-up", { name: "Copycat", email: email.toUpperCase(), password: "another password" });
      expect(res.status).toBe(422);
      expect(await pageText(res)).toContain("An account with this email already exists");
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
      // The original password still works; the copy's does not.
      expect((await new Client(server).post("/sign-in", { email, password: "another password" })).status).toBe(401);
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(302);
    });

    it("sends a signed-in user from /sign-up to /tasks, and from /sign-in to where it was asked to go", async () => {
      const { client } = await signUp(server);
      const res = await client.get("/sign-up");
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/tasks");
      const asked = await client.get("/sign-in?redirectTo=%2Fsettings");
      expect(asked.headers.get("location")).toBe("/settings");
      // Off this site is never followed.
      expect((await client.get("/sign-in?redirectTo=%2F%2Fevil.example")).headers.get("location")).toBe("/tasks");
    });
  });

  describe("sign-in", () => {
    let email: string;
    beforeAll(async () => {
      ({ email } = await signUp(server, { name: "Signin Person" }));
    });

    it("refuses empty fields with 400", async () => {
      const res = await new Client(server).post("/sign-in", { email: "", password: "" });
      expect(res.status).toBe(400);
      const text = await pageText(res);
      expect(text).toContain("Enter your email address");
      expect(text).toContain("Enter your password");
    });

    it("answers a wrong password and an unknown email with the same 401 and words", async () => {
      const wrong = await new Client(server).post("/sign-in", { email, password: "wrong password!" });
      const unknown = await new Client(server).post("/sign-in", { email: uniqueEmail("nobody"), password: "wrong password!" });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const wrongText = await pageText(wrong);
      const unknownText = await pageText(unknown);
      expect(formError(wrongText)).toBe(FORM_ERROR_SIGN_IN);
      expect(formError(unknownText)).toBe(FORM_ERROR_SIGN_IN);
      // The email is kept in the form, the password is not.
      expect(wrongText).not.toContain("wrong password!");
    });

    it("signs in (email in any case) and goes to /tasks by default", async () => {
      const client = new Client(server);
      const res = await client.post("/sign-in", { email: email.toUpperCase(), password: PASSWORD });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/tasks");
      expect(client.cookies.has(SESSION_COOKIE)).toBe(true);
      remember(client);
      expect(await pageText(await client.get("/settings"))).toContain("Welcome back, Signin Person!");
    });

    it("honours a same-site redirectTo with its query", async () => {
      const res = await new Client(server).post("/sign-in", { email, password: PASSWORD, redirectTo: "/settings?tab=sessions" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/settings?tab=sessions");
    });

    it.each(["//evil.com", "https://evil.com/", "javascript:alert(1)", "/\\evil.com", "/.//evil.com"])(
      "ignores redirectTo=%j and goes to /tasks",
      async (redirectTo) => {
        const res = await new Client(server).post("/sign-in", { email, password: PASSWORD, redirectTo });
        expect(res.status).toBe(302);
        expect(res.headers.get("location")).toBe("/tasks");
      },
    );

    it("puts only a safe redirectTo into the form", async () => {
      const safe = await (await new Client(server).get("/sign-in?redirectTo=%2Fsettings")).text();
      expect(safe).toContain('name="redirectTo" value="/settings"');
      const evil = await (await new Client(server).get("/sign-in?redirectTo=%2F%2Fevil.com")).text();
      expect(evil).toContain('name="redirectTo" value=""');
    });
  });

  describe("cross-site requests", () => {
    it("refuses a sign-up posted from another site with a friendly 403 page, and creates nothing", async () => {
      const email = uniqueEmail("csrf");
      const client = new Client(server);
      const res = await client.post("/sign-up", { name: "Victim", email, password: PASSWORD }, { origin: "https://evil.example" });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.getSetCookie()).toEqual([]);
      const text = await pageText(res);
      expect(text).toContain("Request refused");
      expect(text).toContain("This form was sent from another site, so Tasklane did not act on it.");
      expect(text).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
      // Nothing was created: the account cannot sign in, and the email is still free.
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(401);
      expect((await new Client(server).post("/sign-up", { name: "Real", email, password: PASSWORD })).status).toBe(302);
    });

    it("refuses a foreign-Origin JavaScript (.data) submission too", async () => {
      const email = uniqueEmail("csrf-data");
      const res = await new Client(server).post("/sign-up.data", { name: "Victim", email, password: PASSWORD }, { origin: "https://evil.example" });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(401);
    });

    it("refuses a form POST with no Origin, Referer or Sec-Fetch-Site with the friendly 403 page", async () => {
      const email = uniqueEmail("noorigin");
      const client = new Client(server);
      const res = await client.post("/sign-up", { name: "Nobody", email, password: PASSWORD }, { origin: null });
      expect(res.status).toBe(403);
      const text = await pageText(res);
      expect(text).toContain("Request refused");
      expect(text).toContain("This form was sent from another site, so Tasklane did not act on it.");
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(401);
    });

    it("accepts a POST without Origin when the Referer is this site (text browsers)", async () => {
      const { email } = await signUp(server);
      const res = await new Client(server).post(
        "/sign-in",
        { email, password: PASSWORD },
        { origin: null, headers: { Referer: `${server.url}/sign-in` } },
      );
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/tasks");
    });

    it("accepts a POST with only Sec-Fetch-Site: same-origin", async () => {
      const { email } = await signUp(server);
      const res = await new Client(server).post("/sign-in", { email, password: PASSWORD }, { origin: null, headers: { "Sec-Fetch-Site": "same-origin" } });
      expect(res.status).toBe(302);
    });

    it.each([
      ["no Origin, Referer or Sec-Fetch-Site", {}],
      ["Origin: null", { Origin: "null" }],
      ["a Referer from another site", { Referer: "https://evil.example/page" }],
      ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
      ["a look-alike origin", { Origin: "http://localhost.evil.example" }],
    ])("refuses a sign-in with %s (403)", async (_label, headers) => {
      const { email } = await signUp(server);
      const client = new Client(server);
      const res = await client.post("/sign-in", { email, password: PASSWORD }, { origin: null, headers: headers as Record<string, string> });
      expect(res.status).toBe(403);
      expect(res.headers.get("location")).toBeNull();
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
    });

    it("refuses a cross-site settings change and a cross-site sign-out", async () => {
      const { client } = await signUp(server, { name: "Original Name" });
      const evil = { origin: null, headers: { Referer: "https://evil.example/" } };
      expect((await client.post("/settings", { intent: "update-name", name: "Hacked" }, evil)).status).toBe(403);
      expect((await client.post("/sign-out", {}, evil)).status).toBe(403);
      const foreignOrigin = { origin: "https://evil.example" };
      expect((await client.post("/settings", { intent: "update-name", name: "Hacked" }, foreignOrigin)).status).toBe(403);
      expect((await client.post("/sign-out", {}, foreignOrigin)).status).toBe(403);
      const page = await client.get("/settings");
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('value="Original Name"');
      expect(html).not.toContain("Hacked");
    });
  });

  describe("sessions", () => {
    it("sends a signed-out visitor of /settings to sign-in with the way back", async () => {
      const res = await new Client(server).get("/settings");
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/sign-in?redirectTo=%2Fsettings");
      const withQuery = await new Client(server).get("/settings?x=1&y=2");
      expect(withQuery.headers.get("location")).toBe(`/sign-in?redirectTo=${encodeURIComponent("/settings?x=1&y=2")}`);
    });

    it("treats a tampered session cookie as signed out", async () => {
      const { client } = await signUp(server);
      const cookie = decodeURIComponent(client.cookies.get(SESSION_COOKIE)!);
      const [token, signature] = cookie.split(".");
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
      for (const forged of [
        `${token}.${flip(signature!, 3)}`, // bad signature
        `${flip(token!, 0)}.${signature}`, // other token, old signature
        token!, // unsigned
        "garbage",
      ]) {
        const other = new Client(server);
        other.cookies.set(SESSION_COOKIE, encodeURIComponent(forged));
        const res = await other.get("/settings");
        expect(res.status, forged).toBe(302);
        expect(res.headers.get("location")).toBe("/sign-in?redirectTo=%2Fsettings");
        // Pages for visitors still work with such a cookie.
        expect((await other.get("/sign-in")).status).toBe(200);
      }
      expect((await client.get("/settings")).status).toBe(200);
    });

    it("extends a session a day after its last refresh, as Better Auth does, and only then", async () => {
      const { client } = await signUp(server);
      const token = client.sessionToken()!;
      secrets.add(token);
      const hoursLeft = async () =>
        (await server.sql<{ hours: number }>(`select round(extract(epoch from expires_at - now()) / 3600)::int as hours from session where token = $1`, [token]))[0]!.hours;
      expect(await hoursLeft()).toBe(7 * 24);
      // Refreshed less than a day ago: pages read the session without writing it.
      await server.sql(`update session set expires_at = now() + interval '6 days 12 hours' where token = $1`, [token]);
      expect((await client.get("/settings")).status).toBe(200);
      expect(await hoursLeft()).toBe(6 * 24 + 12);
      // Last refreshed two days ago: the next page extends it to a full week.
      await server.sql(`update session set expires_at = now() + interval '5 days' where token = $1`, [token]);
      expect(await hoursLeft()).toBe(5 * 24);
      expect((await client.get("/settings")).status).toBe(200);
      expect(await hoursLeft()).toBe(7 * 24);
      expect((await client.get("/tasks")).status).toBe(200);
    });

    it("signs out by POST only, ending the session on the server", async () => {
      const { client } = await signUp(server);
      remember(client);
      const stolen = client.clone();

      const viaGet = await client.get("/sign-out");
      expect(viaGet.status).toBe(302);
      expect((await client.get("/settings")).status).toBe(200);

      const res = await client.post("/sign-out", {});
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/");
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
      expect(await pageText(await client.get("/"))).toContain("You are signed out");
      // A copy of the old cookie is worthless now.
      expect((await stolen.get("/settings")).status).toBe(302);
    });
  });

  describe("settings", () => {
    it("shows the profile and marks the current session", async () => {
      const { client, email } = await signUp(server, { name: "Settings Person" });
      const res = await client.get("/settings");
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('value="Settings Person"');
      expect(html).toContain(email);
      expect(html).toContain("This device");
      expect(html).toContain('data-session="current"');
    });

    it("changes the name, and validates it", async () => {
      const { client } = await signUp(server, { name: "Before" });
      let res = await client.post("/settings", { intent: "update-name", name: "   " });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Enter your name");
      res = await client.post("/settings", { intent: "update-name", name: "x".repeat(101) });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Name must be at most 100 characters");

      res = await client.post("/settings", { intent: "update-name", name: "  After  " });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/settings");
      const text = await pageText(await client.get("/settings"));
      expect(text).toContain("Your name is saved.");
      expect(text).toContain("After");
      expect(text).not.toContain("Before");
    });

    it("answers an unknown or missing intent with 400", async () => {
      const { client } = await signUp(server);
      const unknown = await client.post("/settings", { intent: "make-admin" });
      expect(unknown.status).toBe(400);
      expect(await pageText(unknown)).toContain("Unknown action.");
      expect((await client.post("/settings", { name: "x" })).status).toBe(400);
    });

    it("sends a signed-out settings POST to sign-in", async () => {
      const res = await new Client(server).post("/settings", { intent: "update-name", name: "Nobody" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toMatch(/^\/sign-in\?redirectTo=/);
    });

    it("changes the password: wrong current 400, bad new 400, then other sessions end", async () => {
      const { client, email } = await signUp(server);
      const other = new Client(server);
      expect((await other.post("/sign-in", { email, password: PASSWORD })).status).toBe(302);
      remember(other);

      let res = await client.post("/settings", { intent: "change-password", currentPassword: "not my password", newPassword: "a brand new password" });
      expect(res.status).toBe(400);
      const refused = await res.text();
      expect(refused).toContain("That is not your current password");
      // "Sign out my other sessions" comes back as sent: unticked here (ticked by default).
      expect(refused).toMatch(/<input type="checkbox" name="revokeOtherSessions"\/>/);
      const ticked = await client.post("/settings", { intent: "change-password", currentPassword: "not my password", newPassword: "a brand new password", revokeOtherSessions: "on" });
      expect(await ticked.text()).toMatch(/<input type="checkbox" name="revokeOtherSessions" checked=""\/>/);

      res = await client.post("/settings", { intent: "change-password", currentPassword: PASSWORD, newPassword: "short" });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Password must be at least 8 characters");

      for (const common of ["qwertyuiop", "Test User 1"]) {
        res = await client.post("/settings", { intent: "change-password", currentPassword: PASSWORD, newPassword: common });
        expect(res.status, common).toBe(400);
        expect(await pageText(res)).toContain(COMMON_PASSWORD_MESSAGE);
      }

      res = await client.post("/settings", { intent: "change-password", currentPassword: PASSWORD, newPassword: PASSWORD });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Choose a password different from the current one");

      res = await client.post("/settings", { intent: "change-password", currentPassword: "", newPassword: "" });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("Enter your current password");

      // Nothing changed so far: the other session is alive.
      expect((await other.get("/settings")).status).toBe(200);

      const newPassword = "a brand new password";
      res = await client.post("/settings", { intent: "change-password", currentPassword: PASSWORD, newPassword, revokeOtherSessions: "on" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/settings");
      remember(client);
      expect(await pageText(await client.get("/settings"))).toContain("Password changed. Your other sessions are signed out.");
      expect((await other.get("/settings")).status).toBe(302);

      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(401);
      expect((await new Client(server).post("/sign-in", { email, password: newPassword })).status).toBe(302);
    });

    it("keeps other sessions when asked to", async () => {
      const { client, email } = await signUp(server);
      const other = new Client(server);
      await other.post("/sign-in", { email, password: PASSWORD });
      const res = await client.post("/settings", { intent: "change-password", currentPassword: PASSWORD, newPassword: "kept sessions pw" });
      expect(res.status).toBe(302);
      expect((await other.get("/settings")).status).toBe(200);
      expect((await client.get("/settings")).status).toBe(200);
    });

    it("revokes another session, which is signed out at once", async () => {
      const { client: a, email } = await signUp(server);
      const b = new Client(server);
      expect((await b.post("/sign-in", { email, password: PASSWORD }, { headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0" } })).status).toBe(302);
      remember(b);

      const html = await (await a.get("/settings")).text();
      const ids = otherSessionIds(html);
      expect(ids).toHaveLength(1);
      expect(html).toContain("Firefox on Linux");

      const res = await a.post("/settings", { intent: "revoke-session", sessionId: ids[0]! });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/settings#sessions");
      const after = await a.get("/settings");
      expect(after.status).toBe(200);
      const afterHtml = await after.text();
      expect(afterHtml).toContain("Session revoked. That device is signed out.");
      expect(otherSessionIds(afterHtml)).toHaveLength(0);

      const bRes = await b.get("/settings");
      expect(bRes.status).toBe(302);
      expect(bRes.headers.get("location")).toBe("/sign-in?redirectTo=%2Fsettings");
    });

    it("cannot revoke another user's session, nor its own through the list", async () => {
      const alice = await signUp(server);
      const bob = await signUp(server);
      const bobSecond = new Client(server);
      await bobSecond.post("/sign-in", { email: bob.email, password: PASSWORD });
      const bobOtherId = otherSessionIds(await (await bob.client.get("/settings")).text())[0]!;
      expect(bobOtherId).toBeTruthy();

      const res = await alice.client.post("/settings", { intent: "revoke-session", sessionId: bobOtherId });
      expect(res.status).toBe(302);
      expect(await pageText(await alice.client.get("/settings"))).toContain("That session had already ended.");
      expect((await bobSecond.get("/settings")).status).toBe(200);

      const empty = await alice.client.post("/settings", { intent: "revoke-session", sessionId: "" });
      expect(empty.status).toBe(302);
      expect((await alice.client.get("/settings")).status).toBe(200);
    });

    it("deletes the account only with the right password", async () => {
      const { client, email } = await signUp(server);
      remember(client);
      const stolen = client.clone();

      let res = await client.post("/settings", { intent: "delete-account", password: "" });
      expect(res.status).toBe(400);
      res = await client.post("/settings", { intent: "delete-account", password: "not my password" });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("That is not your password");
      expect((await client.get("/settings")).status).toBe(200);

      res = await client.post("/settings", { intent: "delete-account", password: PASSWORD });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/");
      expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
      expect(await pageText(await client.get("/"))).toContain("Your account and all its tasks are deleted.");

      // The old cookie no longer works, the user cannot sign in, and the email is free again.
      expect((await stolen.get("/settings")).status).toBe(302);
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(401);
      expect((await new Client(server).post("/sign-up", { name: "Again", email, password: "a different one" })).status).toBe(302);
    });
  });

  describe("Better Auth's own endpoints (/api/auth/*)", () => {
    it("closes /verify-password and /list-sessions, which give one stolen session more than itself", async () => {
      const { client } = await signUp(server);
      remember(client);
      const guess = await client.postJson("/api/auth/verify-password", { password: PASSWORD });
      expect(guess.status).toBe(404);
      expect(await guess.text()).not.toContain("true");
      const sessions = await client.get("/api/auth/list-sessions");
      expect(sessions.status).toBe(404);
      expect(await sessions.text()).not.toContain(client.sessionToken()!.split(".")[0]!);
      // What the app itself needs still works.
      expect((await client.get("/api/auth/get-session")).status).toBe(200);
      expect((await client.get("/settings")).status).toBe(200);
    });

    it("deletes an account only with its password, however new the session", async () => {
      const { client } = await signUp(server);
      remember(client);
      for (const body of [{}, { password: "" }, { password: 12345 }]) {
        const res = await client.postJson("/api/auth/delete-user", body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(await res.json()).toMatchObject({ code: "PASSWORD_REQUIRED" });
      }
      expect((await client.get("/settings")).status).toBe(200); // still there
      expect((await client.postJson("/api/auth/delete-user", { password: PASSWORD })).status).toBe(200);
      expect((await client.get("/settings")).status).toBe(302);
    });

    it("refuses a common new password on sign-up, change-password and reset-password with PASSWORD_COMPROMISED", async () => {
      const email = uniqueEmail("api-common");
      const refused = await new Client(server).postJson("/api/auth/sign-up/email", { name: "Api", email, password: "password123" });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: "PASSWORD_COMPROMISED", message: COMMON_PASSWORD_MESSAGE });
      const api = new Client(server);
      expect((await api.postJson("/api/auth/sign-up/email", { name: "Api", email, password: PASSWORD })).status).toBe(200);
      for (const newPassword of ["Football1", email, "API-2026!"]) {
        // The list, then the account's own email and name (from the session).
        const change = await api.postJson("/api/auth/change-password", { currentPassword: PASSWORD, newPassword });
        expect(change.status, newPassword).toBe(400);
        expect(await change.json()).toMatchObject({ code: "PASSWORD_COMPROMISED" });
      }
      const reset = await new Client(server).postJson("/api/auth/reset-password", { token: "any", newPassword: "sunshine1" });
      expect(reset.status).toBe(400);
      expect(await reset.json()).toMatchObject({ code: "PASSWORD_COMPROMISED" });
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(302);
    });

    it("does not count a sign-up refused for a common password toward the email's hourly sign-ups", async () => {
      const email = uniqueEmail("api-weak-tries");
      for (let i = 0; i < 6; i++) {
        const weak = await new Client(server).postJson("/api/auth/sign-up/email", { name: "Tries", email, password: `password${i + 1}` });
        expect(weak.status, `try ${i + 1}`).toBe(400);
      }
      expect((await new Client(server).postJson("/api/auth/sign-up/email", { name: "Tries", email, password: PASSWORD })).status).toBe(200);
    });

    it("answers text Postgres cannot store (a NUL character) with a 400, in a body or the URL, and logs none of it", async () => {
      const { client, email } = await signUp(server);
      remember(client);
      const token = `nul-token-${Date.now()}`;
      secrets.add(token);
      const refusals: [string, Promise<Response>][] = [
        ["sign-in", new Client(server).postJson("/api/auth/sign-in/email", { email: "\u0000@example.com", password: PASSWORD })],
        ["sign-in, form-encoded", new Client(server).request("/api/auth/sign-in/email", { method: "POST", form: { email: `${email}\u0000`, password: PASSWORD } })],
        ["sign-up", new Client(server).postJson("/api/auth/sign-up/email", { name: "Nul", email: "nul\u0000@example.com", password: PASSWORD })],
        ["reset request", new Client(server).postJson("/api/auth/request-password-reset", { email: "\u0000@example.com", redirectTo: "/reset-password" })],
        ["reset", new Client(server).postJson("/api/auth/reset-password", { token: `a\u0000${token}`, newPassword: PASSWORD })],
        ["reset link", new Client(server).get(`/api/auth/reset-password/${token}%00?callbackURL=/reset-password`)],
        ["update-user", client.postJson("/api/auth/update-user", { name: "Nul\u0000Name" })],
        ["a key deep in the body", client.postJson("/api/auth/update-user", { name: "Fine", image: { nested: [{ "\u0000": 1 }] } })],
      ];
      for (const [what, sent] of refusals) {
        const res = await sent;
        expect(res.status, what).toBe(400);
        expect(await res.json(), what).toMatchObject({ code: "INVALID_CHARACTER" });
      }
      // Nothing changed, and the refusals did not count against the account's sign-ins.
      expect(await pageText(await client.get("/settings"))).not.toContain("Nul");
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(302);
    });

    it("holds names to the forms' 100 characters on sign-up and update-user, so sign-in keeps working", async () => {
      const email = uniqueEmail("long-name");
      const long = "N".repeat(101);
      const refused = await new Client(server).postJson("/api/auth/sign-up/email", { name: long, email, password: PASSWORD });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: "NAME_TOO_LONG" });
      expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(401); // no account made

      const api = new Client(server);
      expect((await api.postJson("/api/auth/sign-up/email", { name: "N".repeat(100), email, password: PASSWORD })).status).toBe(200);
      const update = await api.postJson("/api/auth/update-user", { name: "M".repeat(60_000) });
      expect(update.status).toBe(400);
      const signIn = await new Client(server).post("/sign-in", { email, password: PASSWORD });
      expect(signIn.status).toBe(302);
    });
  });

  it("never writes a password or session token to its log", () => {
    const logs = server.logs();
    expect(logs).toContain('"method":"POST","path":"/sign-up"'); // the access log was captured at all
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(encodeURIComponent(PASSWORD));
    expect(logs).not.toContain("a brand new password");
    expect(secrets.size).toBeGreaterThan(5);
    for (const secret of secrets) expect(logs).not.toContain(secret);
    // A stack trace or crash would show up here too.
    expect(logs).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // Every line is JSON: Better Auth's refusals (wrong and weak passwords above) are not
    // logged as coloured text.
    const lines = logs.split("\n").filter((line) => line.trim());
    expect(lines.filter((line) => !line.startsWith("{"))).toEqual([]);
  });
});
