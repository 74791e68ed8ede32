// A database that goes away: the server reaches Postgres through a TCP proxy the test can
// cut. While it is cut, pages answer a friendly 503 (no crash, no stack trace, no false
// "wrong password"); when it is back, everything works again with the same session.
// Needs a real Postgres (TEST_DATABASE_URL, as CI sets it): PGlite lives inside the server.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, PASSWORD, pageText, signUp } from "../helpers/client";
import { startServer, type TestServer } from "../helpers/server";

type Proxy = { port: number; cut: () => Promise<void>; restore: () => Promise<void>; close: () => Promise<void> };

async function startProxy(targetHost: string, targetPort: number): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("error", () => {
            client.destroy();
            upstream.destroy();
          });
          socket.on("close", () => sockets.delete(socket));
        }
        client.pipe(upstream).pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("condition not met in time");
}

const status = async (server: TestServer, path: string) => (await fetch(server.url + path)).status;

describe.skipIf(!process.env.TEST_DATABASE_URL)("a database that goes away (postgres)", () => {
  let proxy: Proxy;
  let server: TestServer;
  let user: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await startProxy(target.hostname, Number(target.port || 5432));
    server = await startServer("postgres", {
      connectUrl: (url) => {
        const viaProxy = new URL(url);
        viaProxy.hostname = "127.0.0.1";
        viaProxy.port = String(proxy.port);
        return viaProxy.toString();
      },
    });
    user = await signUp(server);
  }, 120_000);

  afterAll(async () => {
    await proxy?.restore().catch(() => {});
    await server?.stop();
    await proxy?.close();
  });

  it("is ready and serves pages while the database answers", async () => {
    expect(await status(server, "/readyz")).toBe(200);
    expect((await user.client.get("/settings")).status).toBe(200);
  });

  describe("while the database is cut off", () => {
    beforeAll(async () => {
      await proxy.cut();
    });

    it("/readyz answers 503 and /healthz still 200", async () => {
      await waitFor(async () => (await status(server, "/readyz")) === 503);
      const res = await fetch(`${server.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe("database unavailable\n");
      expect(await status(server, "/healthz")).toBe(200);
    });

    it("a signed-in page answers a friendly 503 page, not a stack trace or a sign-in redirect", async () => {
      const res = await user.client.get("/settings");
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      const text = html.replace(/<[^>]+>/g, " ");
      expect(text).toContain("Temporarily unavailable");
      expect(text).toContain("Tasklane cannot reach its database right now. Please try again in a moment.");
      expect(html).not.toMatch(/\bat .+\.(js|ts):\d+:\d+/);
      expect(html).not.toMatch(/ECONNREFUSED|CONNECT_TIMEOUT|postgres/i);
    });

    it("a sign-in attempt answers 503, not a misleading 'wrong password' or a 500", async () => {
      const res = await new Client(server).post("/sign-in", { email: user.email, password: PASSWORD });
      expect(res.status).toBe(503);
      const text = await pageText(res);
      expect(text).not.toContain("do not match an account");
      expect(text).toContain("Temporarily unavailable");
    });

    it("the JSON auth API answers 503", async () => {
      const res = await new Client(server).postJson("/api/auth/sign-in/email", { email: user.email, password: PASSWORD });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(await res.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    });

    it("the process keeps running", async () => {
      expect(await status(server, "/healthz")).toBe(200);
      expect(server.logs()).not.toMatch(/Unhandled|uncaught/i);
    });
  });

  describe("when the database is back", () => {
    beforeAll(async () => {
      await proxy.restore();
    });

    it("is ready again and the same session works", async () => {
      await waitFor(async () => (await status(server, "/readyz")) === 200);
      const res = await user.client.get("/settings");
      expect(res.status).toBe(200);
      expect(await pageText(res)).toContain(user.email);
      expect((await new Client(server).post("/sign-in", { email: user.email, password: PASSWORD })).status).toBe(302);
    });

    it("loses no acknowledged write when the database is cut in the middle of a burst", async () => {
      const prefix = `burst-${Date.now()}`;
      let acknowledged = 0;
      let failed = 0;
      let stop = false;
      let slowestMs = 0;
      const worker = async (w: number) => {
        for (let n = 0; !stop; n++) {
          const started = performance.now();
          const res = await user.client.post("/tasks", { intent: "create", title: `${prefix} ${w}-${n}` });
          slowestMs = Math.max(slowestMs, performance.now() - started);
          if (res.status === 302) acknowledged++;
          else {
            expect(res.status).toBe(503); // refused honestly, never a 500
            failed++;
          }
        }
      };
      const workers = Array.from({ length: 6 }, (_, w) => worker(w));
      while (acknowledged < 30) await new Promise((r) => setTimeout(r, 10));
      await proxy.cut();
      await new Promise((r) => setTimeout(r, 1500));
      await proxy.restore();
      await waitFor(async () => (await status(server, "/readyz")) === 200);
      await new Promise((r) => setTimeout(r, 500));
      stop = true;
      await Promise.all(workers);
      const [row] = await server.sql<{ n: string }>("select count(*) as n from task where title like $1", [`${prefix} %`]);
      // Every acknowledged create is there; a create cut after commit but before its answer may add one more.
      expect(Number(row!.n)).toBeGreaterThanOrEqual(acknowledged);
      expect(failed).toBeGreaterThan(0);
      // Not a speed target: a hang. postgres.js's default reconnect delay held requests for
      // 15-19 s after the database was back (and past this test's minute under load).
      expect(slowestMs).toBeLessThan(10_000);
      console.log(`[db-down] ${acknowledged} acknowledged, ${failed} refused with 503 during a 1.5 s cut, ${row!.n} rows, 0 lost; slowest answer ${Math.round(slowestMs)} ms`);
    }, 60_000);
  });
});
