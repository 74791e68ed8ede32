// Password reset by emailed link: the same answer whether the account exists or not, the
// link only in the outbox (never in a log), single use, expiring, and ending old sessions.
import { readdirSync, readFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, PASSWORD, SESSION_COOKIE, pageText, signUp, uniqueEmail } from "../helpers/client";
import { COMMON_PASSWORD_MESSAGE } from "~/common-passwords.server";
import { backends, startServer, type TestServer } from "../helpers/server";

type Mail = { to: string; subject: string; text: string };

function outbox(server: TestServer): Mail[] {
  const dir = path.join(server.dataDir, "outbox");
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Mail);
}

function mailsTo(server: TestServer, email: string): Mail[] {
  return outbox(server).filter((m) => m.to === email);
}

describe.each(backends)("password reset (%s)", (backend) => {
  let server: TestServer;
  const secrets = new Set<string>();

  beforeAll(async () => {
    server = await startServer(backend);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** Asks for a link through the form and returns it from the outbox. */
  async function requestLink(email: string): Promise<{ link: string; token: string }> {
    const before = mailsTo(server, email).length;
    const res = await new Client(server).post("/forgot-password", { email });
    expect(res.status).toBe(302);
    const mails = mailsTo(server, email);
    expect(mails).toHaveLength(before + 1);
    const mail = mails.at(-1)!;
    const link = mail.text.match(/https?:\/\/\S+\/reset-password\?token=\S+/)?.[0];
    expect(link, mail.text).toBeDefined();
    const token = new URL(link!).searchParams.get("token")!;
    secrets.add(token);
    secrets.add(link!);
    return { link: link!, token };
  }

  it("gives the same answer for an existing and an unknown email; mails only the existing one", async () => {
    const { email } = await signUp(server, { name: "Forgetful" });
    const unknown = uniqueEmail("unknown");

    const known = new Client(server);
    const a = await known.post("/forgot-password", { email });
    const stranger = new Client(server);
    const b = await stranger.post("/forgot-password", { email: unknown });
    expect(a.status).toBe(302);
    expect(b.status).toBe(302);
    expect(a.headers.get("location")).toBe("/sign-in");
    expect(b.headers.get("location")).toBe("/sign-in");

    const toastA = await pageText(await known.get("/sign-in"));
    const toastB = await pageText(await stranger.get("/sign-in"));
    const sent = "If an account uses that email, a reset link is on its way. It works for one hour.";
    expect(toastA).toContain(sent);
    expect(toastB).toContain(sent);

    const mails = mailsTo(server, email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Reset your Tasklane password");
    expect(mails[0]!.text).toContain("Hello Forgetful");
    expect(mails[0]!.text).toMatch(new RegExp(`${server.url.replace(/[.:/]/g, "\\$&")}/reset-password\\?token=\\S+`));
    expect(mailsTo(server, unknown)).toHaveLength(0);
    secrets.add(new URL(mails[0]!.text.match(/https?:\/\/\S+/)![0]).searchParams.get("token")!);
  });

  it("refuses a malformed email with 400 and sends nothing", async () => {
    const count = outbox(server).length;
    const res = await new Client(server).post("/forgot-password", { email: "nope" });
    expect(res.status).toBe(400);
    expect(await pageText(res)).toContain("Enter an email address like name@example.com");
    expect(outbox(server)).toHaveLength(count);
  });

  it("limits requests per email (429 + Retry-After) whether or not it exists", async () => {
    for (const email of [(await signUp(server)).email, uniqueEmail("ghost")]) {
      for (let i = 0; i < 3; i++) {
        expect((await new Client(server).post("/forgot-password", { email })).status).toBe(302);
      }
      const blocked = await new Client(server).post("/forgot-password", { email });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("never serves the outbox over HTTP", async () => {
    const { email } = await signUp(server);
    await requestLink(email);
    const file = readdirSync(path.join(server.dataDir, "outbox"))[0]!;
    for (const p of [`/outbox/${file}`, `/data/outbox/${file}`, `/../outbox/${file}`, `/%2e%2e/outbox/${file}`]) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain("reset-password?token=");
    }
  });

  it("shows the form for a link, and a way back without a token", async () => {
    const { email } = await signUp(server);
    const { link, token } = await requestLink(email);
    const res = await fetch(link, { redirect: "manual" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`name="token" value="${token}"`);
    expect(html).toContain("Choose a new password");
    expect(html).toMatch(/<meta name="referrer" content="same-origin"/);
    const missing = await new Client(server).get("/reset-password");
    expect(missing.status).toBe(200);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain("Reset link missing");
    expect(missingHtml).toContain("<title>Reset link missing · Tasklane</title>");
  });

  it("sets the new password, ends every old session, and works only once", async () => {
    const { client, email } = await signUp(server);
    const laptop = new Client(server);
    expect((await laptop.post("/sign-in", { email, password: PASSWORD })).status).toBe(302);
    secrets.add(client.sessionToken()!);
    secrets.add(laptop.sessionToken()!);
    const { token } = await requestLink(email);
    const newPassword = "reset to something new";

    // The form posts back to its own URL, token and all, as a browser does.
    const page = `/reset-password?token=${encodeURIComponent(token)}`;
    const visitor = new Client(server);
    let res = await visitor.post(page, { token, password: "short" });
    expect(res.status).toBe(400);
    expect(await pageText(res)).toContain("Password must be at least 8 characters");
    res = await visitor.post(page, { token, password: "p".repeat(129) });
    expect(res.status).toBe(400);
    // A common password is refused under its field; the link stays good for a better one.
    for (const weak of ["Iloveyou2", email, "password123 "]) {
      res = await visitor.post(page, { token, password: weak });
      expect(res.status, weak).toBe(400);
      expect(await pageText(res)).toContain(COMMON_PASSWORD_MESSAGE);
      // Better Auth's endpoint refuses the same, knowing the link's owner too.
      const api = await new Client(server).postJson("/api/auth/reset-password", { token, newPassword: weak });
      expect(api.status, weak).toBe(400);
      expect(await api.json()).toMatchObject({ code: "PASSWORD_COMPROMISED" });
    }

    res = await visitor.post(page, { token, password: newPassword });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sign-in");
    expect(visitor.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await pageText(await visitor.get("/sign-in"))).toContain("Password changed. Sign in with the new one.");

    // Every session that existed before the reset is over.
    expect((await client.get("/settings")).status).toBe(302);
    expect((await laptop.get("/settings")).status).toBe(302);

    expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(401);
    const fresh = new Client(server);
    expect((await fresh.post("/sign-in", { email, password: newPassword })).status).toBe(302);
    secrets.add(fresh.sessionToken()!);

    // The link is single-use.
    const again = await new Client(server).post(page, { token, password: "yet another password" });
    expect(again.status).toBe(400);
    expect(await pageText(again)).toContain("This reset link is invalid or has expired");
    // Opened again, the used link says so at once instead of showing the form.
    const reopenedRes = await new Client(server).get(page);
    expect(reopenedRes.status).toBe(410);
    const reopened = await reopenedRes.text();
    expect(reopened).toContain("This reset link can no longer be used");
    expect(reopened).toContain("<title>Reset link can no longer be used · Tasklane</title>");
    expect(reopened).not.toContain('name="token"');
    expect((await new Client(server).post("/sign-in", { email, password: newPassword })).status).toBe(302);
  });

  it("is open to a signed-in user too: someone who forgot the password while still signed in can reset it", async () => {
    const { client, email } = await signUp(server);
    expect((await client.get("/forgot-password")).status).toBe(200);
    const res = await client.post("/forgot-password", { email });
    expect(res.status).toBe(302);
    const mail = mailsTo(server, email).at(-1)!;
    const token = new URL(mail.text.match(/https?:\/\/\S+\/reset-password\?token=\S+/)![0]).searchParams.get("token")!;
    secrets.add(token);
    const page = `/reset-password?token=${encodeURIComponent(token)}`;
    const form = await client.get(page);
    expect(form.status).toBe(200);
    expect(await pageText(form)).toContain("Set new password");
    const done = await client.post(page, { token, password: "signed in but forgot" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/sign-in");
    expect((await new Client(server).post("/sign-in", { email, password: "signed in but forgot" })).status).toBe(302);
  });

  it("refuses a made-up or empty token with 400", async () => {
    for (const token of ["made-up-token", "x".repeat(40), "y".repeat(5000)]) {
      expect(await pageText(await new Client(server).get(`/reset-password?token=${token}`))).toContain("This reset link can no longer be used");
      const res = await new Client(server).post(`/reset-password?token=${token}`, { token, password: "whatever password" });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("This reset link is invalid or has expired");
    }
    // A good link whose form lost its token (a hand-edited page) is refused too.
    const { email } = await signUp(server);
    const { token } = await requestLink(email);
    const empty = await new Client(server).post(`/reset-password?token=${encodeURIComponent(token)}`, { token: "", password: "whatever password" });
    expect(empty.status).toBe(400);
    expect(await pageText(empty)).toContain("This reset link is incomplete");
  });

  it("refuses an expired link, and treats an expired session cookie as signed out", async () => {
    const { email } = await signUp(server);
    const { token } = await requestLink(email);
    const { client } = await signUp(server);
    const sessionToken = client.sessionToken()!;
    secrets.add(sessionToken);
    // Age both an hour into the past, in one statement (PGlite: one restart).
    const [aged] = await server.sql<{ links: number; sessions: number }>(
      `with link as (update verification set expires_at = now() - interval '1 hour' where identifier = $1 returning id),
            sess as (update session set expires_at = now() - interval '1 minute' where token = $2 returning id)
       select (select count(*) from link)::int as links, (select count(*) from sess)::int as sessions`,
      [`reset-password:${token}`, sessionToken],
    );
    expect(aged).toEqual({ links: 1, sessions: 1 });

    expect(await pageText(await new Client(server).get(`/reset-password?token=${encodeURIComponent(token)}`))).toContain("This reset link can no longer be used");
    const res = await new Client(server).post(`/reset-password?token=${encodeURIComponent(token)}`, { token, password: "too late password" });
    expect(res.status).toBe(400);
    expect(await pageText(res)).toContain("This reset link is invalid or has expired");
    expect((await new Client(server).post("/sign-in", { email, password: PASSWORD })).status).toBe(302);

    const expired = await client.get("/settings");
    expect(expired.status).toBe(302);
    expect(expired.headers.get("location")).toBe("/sign-in?redirectTo=%2Fsettings");
  });

  it("never writes a reset link, token, password or session token to its log", () => {
    const logs = server.logs();
    expect(logs).toContain("mail.outbox"); // the one-line notice is there…
    expect(logs).toContain('"method":"GET","path":"/reset-password"'); // …and the link's access line
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain("reset to something new");
    expect(logs).not.toContain("token=");
    expect(secrets.size).toBeGreaterThan(5);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});

/**
 * A mail server that greets each connection only after `greetDelayMs`, then accepts any
 * message (just enough SMTP for nodemailer) and keeps what it was sent.
 */
function slowSmtpServer(greetDelayMs: number) {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let inData = false;
    let message = "";
    let buffered = "";
    setTimeout(() => socket.write("220 slow.example ESMTP\r\n"), greetDelayMs);
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      buffered += chunk.toString("utf8");
      let end: number;
      while ((end = buffered.indexOf("\r\n")) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(message);
            message = "";
            socket.write("250 queued\r\n");
          } else message += `${line}\n`;
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write("250 slow.example\r\n");
        else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write("354 go on\r\n");
        } else if (/^QUIT/i.test(line)) socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });
  return { server, messages };
}

describe("password reset by SMTP", () => {
  const GREET_DELAY_MS = 1_500;
  const smtp = slowSmtpServer(GREET_DELAY_MS);
  let server: TestServer;

  beforeAll(async () => {
    await new Promise<void>((resolve) => smtp.server.listen(0, "127.0.0.1", resolve));
    const { port } = smtp.server.address() as AddressInfo;
    server = await startServer("pglite", { env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    smtp.server.close();
  });

  it("answers at once whether the account exists, so timing the answer tells nothing; the mail still arrives", async () => {
    const { email } = await signUp(server, { name: "Timed" });
    const timed = async (address: string) => {
      const started = performance.now();
      const res = await new Client(server).post("/forgot-password", { email: address });
      expect(res.status).toBe(302);
      return performance.now() - started;
    };
    // Awaiting the mail server made the existing account's answer wait for its greeting.
    expect(await timed(email)).toBeLessThan(GREET_DELAY_MS / 2);
    expect(await timed(uniqueEmail("nobody"))).toBeLessThan(GREET_DELAY_MS / 2);

    await expect.poll(() => smtp.messages.length, { timeout: 10_000 }).toBe(1);
    // The body is quoted-printable: soft line breaks and =XX escapes.
    const body = smtp.messages[0]!.replace(/=\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    expect(body).toContain(`To: ${email}`);
    expect(body).toMatch(/\/reset-password\?token=\S+/);
    expect(server.logs()).toContain('"event":"mail.sent"');
  });

  it("a mail still on its way when the server is told to stop is sent before it exits", async () => {
    const { email } = await signUp(server, { name: "Deployed" });
    const before = smtp.messages.length;
    expect((await new Client(server).post("/forgot-password", { email })).status).toBe(302);
    // The mail server has not even greeted yet: the send is still waiting on it.
    const { code, ms } = await server.terminate("SIGTERM");
    expect(code).toBe(0);
    expect(ms).toBeGreaterThan(GREET_DELAY_MS / 2);
    expect(smtp.messages.slice(before).join("")).toContain(`To: ${email}`);
  });

  it("a mail server that never answers holds up a stop by at most 5 s, and the stop still exits 0", async () => {
    const silent = slowSmtpServer(120_000);
    await new Promise<void>((resolve) => silent.server.listen(0, "127.0.0.1", resolve));
    const { port } = silent.server.address() as AddressInfo;
    const stuck = await startServer("pglite", { env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    try {
      const { email } = await signUp(stuck, { name: "Stuck" });
      expect((await new Client(stuck).post("/forgot-password", { email })).status).toBe(302);
      const { code, ms } = await stuck.terminate("SIGTERM");
      expect(code).toBe(0);
      expect(ms).toBeLessThan(8_000);
      expect(stuck.logs()).toContain('"event":"mail.abandoned"');
    } finally {
      await stuck.stop();
      silent.server.close();
    }
  }, 30_000);
});
