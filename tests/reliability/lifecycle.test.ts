// The process's life: restarts keep everything, SIGTERM under load loses no acknowledged
// write and exits cleanly within 10 s, a second process on one PGlite directory is
// refused, and two instances on one Postgres act as one.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiUser } from "../api/api-client";
import { Client, PASSWORD, pageText, signUp, uniqueEmail } from "../helpers/client";
import { backends, createDatabase, ROOT, startServer, type TestServer } from "../helpers/server";

async function countTasks(client: Client, prefix: string): Promise<number> {
  let total = 0;
  let path: string | null = `/tasks?q=${encodeURIComponent(prefix)}`;
  while (path) {
    const html: string = await (await client.get(path)).text();
    total += [...html.matchAll(/data-task-id="/g)].length;
    const link: string | undefined = html.match(/<a [^>]*rel="next"[^>]*>/)?.[0];
    const next: string | undefined = link?.match(/href="([^"]+)"/)?.[1];
    path = next ? next.replace(/&amp;/g, "&") : null;
  }
  return total;
}

describe.each(backends)("process lifecycle (%s)", (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  }, 120_000);
  afterAll(async () => server?.stop());

  it("a restart keeps users, sessions and tasks", async () => {
    const { client } = await signUp(server, { name: "Persistent" });
    expect((await client.post("/tasks", { intent: "create", title: "Survives restarts" })).status).toBe(302);
    await server.restart();
    const page = await client.get("/tasks");
    expect(page.status).toBe(200);
    expect(await pageText(page)).toContain("Survives restarts");
  });

  it("SIGTERM under load: in-flight requests finish, exit 0 within 10 s, no acknowledged create lost", async () => {
    const { client } = await signUp(server, { name: "Under Load" });
    const prefix = `load-${Date.now()}`;
    let acknowledged = 0;
    let refused = 0;
    let sent = 0;
    let stop = false;
    // Eight clients create tasks back to back until the server goes away.
    const worker = async (w: number) => {
      while (!stop) {
        const n = sent++;
        try {
          const res = await client.post("/tasks", { intent: "create", title: `${prefix} ${w}-${n}` });
          if (res.status === 302) acknowledged++;
          else refused++;
        } catch {
          refused++; // connection refused or reset: not acknowledged, so not promised
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    while (acknowledged < 40) await new Promise((r) => setTimeout(r, 10));
    const { code, ms } = await server.terminate("SIGTERM");
    stop = true;
    await Promise.all(workers);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(acknowledged).toBeGreaterThanOrEqual(40);

    await server.restart();
    expect(await countTasks(client, prefix)).toBe(acknowledged);
    console.log(`[lifecycle ${backend}] SIGTERM after ${acknowledged} acknowledged creates (${refused} refused, ${sent} sent): exit ${code} in ${ms} ms, 0 lost`);
  }, 60_000);

  if (backend === "pglite") {
    it("a second process on the same DATA_DIR is refused with a clear message", async () => {
      await expect(startServer("pglite", { shareWith: server })).rejects.toThrow(/is in use by another Tasklane process/);
      // The first one is unharmed.
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    }, 60_000);

    it("a lock left by a killed server, whose pid another program now has, does not block the next start", async () => {
      await server.terminate("SIGKILL");
      const other = spawn("sleep", ["60"]);
      try {
        writeFileSync(path.join(server.dataDir, "pglite.pid"), String(other.pid));
        await server.restart();
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      } finally {
        other.kill();
      }
    }, 60_000);
  }
});

/**
 * A load balancer in front of two instances: one public address (both instances share
 * BETTER_AUTH_URL, as behind a real one), the Host header passed through, and the
 * instance picked by an x-instance header (a by default) so tests can choose.
 */
async function startBalancer() {
  const targets: Record<string, number> = {};
  const proxy = http.createServer((req, res) => {
    const port = targets[String(req.headers["x-instance"] ?? "a")];
    const upstream = http.request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const port = (proxy.address() as AddressInfo).port;
  return { url: `http://localhost:${port}`, targets, close: () => new Promise<void>((resolve) => proxy.close(() => resolve())) };
}

describe.runIf(backends.includes("postgres"))("two instances on one Postgres, behind one address", () => {
  let a: TestServer;
  let b: TestServer;
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let site: TestServer; // what clients see: the balancer's address
  const onB = { headers: { "x-instance": "b" } };

  beforeAll(async () => {
    balancer = await startBalancer();
    const env = { BETTER_AUTH_URL: balancer.url };
    a = await startServer("postgres", { env });
    b = await startServer("postgres", { env, shareWith: a });
    balancer.targets.a = a.port;
    balancer.targets.b = b.port;
    site = { ...a, url: balancer.url } as TestServer;
  }, 120_000);
  afterAll(async () => {
    await balancer?.close();
    await b?.stop();
    await a?.stop();
  });

  it("a session made on one instance works on the other, and sign-out on one ends it on both", async () => {
    const { client } = await signUp(site, { name: "Roaming" });
    const page = await client.get("/settings", onB);
    expect(page.status).toBe(200);
    expect(await pageText(page)).toContain("Roaming");
    expect((await client.post("/sign-out", {}, onB)).status).toBe(302);
    expect((await client.get("/settings")).status).toBe(302);
  });

  it("a JWT minted on one instance verifies on the other, until its session ends", async () => {
    const user = await apiUser(site, "two-instances");
    const viaB = (path: string, init: RequestInit = {}) =>
      fetch(new URL(path, balancer.url), { ...init, headers: { Authorization: `Bearer ${user.token}`, "x-instance": "b", ...(init.headers ?? {}) } });
    const created = await viaB("/api/tasks", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ title: "Made on B" }) });
    expect(created.status).toBe(201);
    const onA = await fetch(new URL("/api/tasks", balancer.url), { headers: { Authorization: `Bearer ${user.token}` } });
    expect(onA.status).toBe(200);
    expect(((await onA.json()) as { tasks: { title: string }[] }).tasks.map((t) => t.title)).toContain("Made on B");
    // Sign out on A; the token is refused on B at once.
    const out = await fetch(new URL("/api/auth/sign-out", balancer.url), { method: "POST", headers: { Authorization: `Bearer ${user.session}`, Origin: balancer.url, "Content-Type": "application/json" }, body: "{}" });
    expect(out.status).toBe(200);
    expect((await viaB("/api/tasks")).status).toBe(401);
  });

  it("rate limits are shared: attempts on both instances count against one account", async () => {
    const email = uniqueEmail("shared-limit");
    await signUp(site, { email });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await new Client(site).post("/sign-in", { email, password: "wrong password!" }, i % 2 ? onB : {})).status);
    }
    expect(statuses.every((s) => s === 401)).toBe(true);
    const eleventh = await new Client(site).post("/sign-in", { email, password: PASSWORD }, onB);
    expect(eleventh.status).toBe(429);
    // Another account is not affected by this one's limit.
    const other = uniqueEmail("shared-limit-other");
    await signUp(site, { email: other });
    expect((await new Client(site).post("/sign-in", { email: other, password: PASSWORD })).status).toBe(302);
  });

  it("concurrent creates and complete-all from both instances end consistent", async () => {
    const { client } = await signUp(site, { name: "Concurrent" });
    const prefix = `both-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.post("/tasks", { intent: "create", title: `${prefix} ${i}` }, i % 2 ? onB : {})),
    );
    expect(results.filter((r) => r.status === 302).length).toBe(60);
    expect(await countTasks(client, prefix)).toBe(60);

    // Both instances complete everything at once; every task ends completed, none twice.
    const both = await Promise.all([client.post("/tasks", { intent: "complete-all" }), client.post("/tasks", { intent: "complete-all" }, onB)]);
    expect(both.map((r) => r.status)).toEqual([302, 302]);
    const html = await (await client.get(`/tasks?status=active&q=${prefix}`)).text();
    expect(html).not.toContain("data-task-id=");
    expect(await countTasks(client, prefix)).toBe(60);
  });
});

describe("stopping the server a process manager started with npm", () => {
  const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

  it("npm start builds, then runs exactly what npm run serve runs", () => {
    expect(scripts.start).toBe(`npm run build && ${scripts.serve}`);
  });

  it("SIGTERM to npm (what `docker stop` sends it) reaches the server, which stops cleanly and exits 0", async () => {
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "tasklane-npm-"));
    const npm = spawn("npm", ["run", "--silent", "serve"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir },
    });
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm run serve did not start: ${output}`)), 30_000);
        const onData = (chunk: Buffer) => {
          output += chunk;
          if (output.includes('"event":"listening"')) (clearTimeout(timer), resolve());
        };
        npm.stdout.on("data", onData);
        npm.stderr.on("data", onData);
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => npm.once("exit", resolve));
      npm.kill("SIGTERM");
      expect(await exited).toBe(0);
      // Nothing is left listening, and PGlite was closed (its lock removed), not abandoned.
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      expect(existsSync(path.join(dataDir, "pglite.pid"))).toBe(false);
    } finally {
      npm.kill("SIGKILL");
      // When the signal did not reach it, the server outlives npm: stop it by its lock's pid.
      const orphan = existsSync(path.join(dataDir, "pglite.pid")) ? Number(readFileSync(path.join(dataDir, "pglite.pid"), "utf8")) : 0;
      if (orphan > 0) process.kill(orphan, "SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.runIf(backends.includes("postgres"))("instances starting cold on a fresh Postgres", () => {
  it("make one JWT signing key between them, before any request, and all publish it", async () => {
    const database = await createDatabase();
    const servers = await Promise.all([1, 2, 3].map(() => startServer("postgres", { shareWith: { databaseUrl: database.url } as TestServer })));
    try {
      const keys = await servers[0]!.sql<{ id: string }>("select id from jwks");
      expect(keys).toHaveLength(1);
      for (const server of servers) {
        const published = (await (await fetch(`${server.url}/api/auth/jwks`)).json()) as { keys: { kid: string }[] };
        expect(published.keys.map((k) => k.kid)).toEqual([keys[0]!.id]);
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      for (const server of servers) rmSync(server.dataDir, { recursive: true, force: true });
      await database.drop();
    }
  }, 120_000);
});
