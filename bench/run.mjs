#!/usr/bin/env node
// `npm run bench`: Tasklane against the bare stack. See bench/README.md.
//
// Builds the app, starts it twice (`node server.mjs` on a Postgres database of its own and
// on PGlite in a temporary DATA_DIR) plus the bare reference (bench/reference-server.mjs),
// seeds users and tasks, then drives every scenario from a separate load process
// (bench/load.mjs → autocannon) at 1 and 32 connections, several rounds with the servers
// interleaved, and reports medians: req/s, p50, p99, server CPU per request, database CPU
// per request (Postgres backends), peak RSS and the ratio to the reference. Then the
// JavaScript each page loads and a Lighthouse run. Prints a table and writes
// bench/results/latest.json.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, "..");

// ---- options --------------------------------------------------------------------------------

const { values: argv } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    scenarios: { type: "string" },
    servers: { type: "string" },
    "no-build": { type: "boolean", default: false },
    "no-lighthouse": { type: "boolean", default: false },
    "lighthouse-preset": { type: "string", default: "mobile" },
    "port-base": { type: "string", default: "3440" },
    "signin-users": { type: "string", default: "1000" },
    "accept-encoding": { type: "string", default: "gzip, deflate, br" },
    profile: { type: "string" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (argv.help) {
  console.log(`npm run bench -- [options]

  --quick               1 round, 3 s per measurement after 1 s warm-up (a smoke run, ~3-4 min)
  --rounds N            rounds, servers interleaved in each (default 3)
  --duration S          seconds measured per scenario, server and connection count (default 4)
  --warmup S            seconds of warm-up before each measurement (default 1; 2 in round 1)
  --connections LIST    connection counts (default 1,32)
  --scenarios LIST      subset of: ${"api-list,api-create,api-toggle,html-50,html-floor,html-10k,sign-in"}
  --servers LIST        subset of: tasklane-pg,tasklane-pglite,reference (default),
                        and remix-serve (opt-in: the same build under remix-serve)
  --no-build            use the existing build/ (default: npx remix vite:build first)
  --no-lighthouse       skip Lighthouse
  --lighthouse-preset   mobile (Lighthouse default) or desktop
  --port-base N         first port to try (default 3440; all ports stay within 3400-3499)
  --signin-users N      accounts cloned for the sign-in scenario (default 1000)
  --accept-encoding V   Accept-Encoding sent with page and API requests (default
                        "gzip, deflate, br", as browsers do; "identity" = no compression)
  --profile SCENARIO    only that scenario on tasklane-pg at 32 connections, under
                        node --cpu-prof; prints the top self-time functions
  --out FILE            JSON output (default bench/results/latest.json)
  --keep                keep the temporary directory (server logs) and the database

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test): a
Postgres where the bench may create and drop its own database tasklane_bench_<random>.
BENCH_NODE_ARGS: extra node flags for the Tasklane servers (e.g. "--max-old-space-size=128").`);
  process.exit(0);
}

const quick = argv.quick;
const profileScenario = argv.profile ?? null;
const opts = {
  rounds: Number(argv.rounds ?? (quick || profileScenario ? 1 : 3)),
  duration: Number(argv.duration ?? (quick ? 3 : profileScenario ? 15 : 4)),
  warmup: argv.warmup !== undefined ? Number(argv.warmup) : 1,
  firstWarmup: argv.warmup !== undefined ? Number(argv.warmup) : quick ? 1 : 2,
  connections: (argv.connections ?? (profileScenario ? "32" : "1,32")).split(",").map(Number),
  build: !argv["no-build"],
  lighthouse: !argv["no-lighthouse"] && !profileScenario,
  lighthousePreset: argv["lighthouse-preset"],
  portBase: Number(argv["port-base"]),
  signinUsers: Number(argv["signin-users"]),
};
for (const [name, value] of Object.entries({ rounds: opts.rounds, duration: opts.duration, warmup: opts.warmup, portBase: opts.portBase })) {
  if (!Number.isFinite(value) || value < 0) fail(`--${name} must be a number`);
}
if (opts.portBase < 3400 || opts.portBase > 3499) fail("--port-base must be within 3400-3499");
const adminUrl = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const outFile = path.resolve(argv.out ?? path.join(benchDir, "results", "latest.json"));

const BENCH_PASSWORD = "bench-password-1234";
const TASKS = { reader50: 50, reader10k: 10_000, writer: 200 };
// What browsers and Node's fetch send; Tasklane then compresses bodies over 1 KB.
const ACCEPT_ENCODING = argv["accept-encoding"];

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- processes, cleanup -------------------------------------------------------------------------

let tmp = null; // made by main(): server logs and PGlite data
const children = new Set();
let admin = null; // postgres.js client on BENCH_DATABASE_URL
let benchDb = null; // { name, url }
let cleaning = null;

async function stopChild(child, timeoutMs = 12_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child).catch(() => {})));
    if (admin && benchDb && !argv.keep) {
      try {
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${benchDb.name} and pid <> pg_backend_pid()`;
        await admin.unsafe(`drop database if exists "${benchDb.name}"`);
        log(`dropped database ${benchDb.name}`);
      } catch (error) {
        log(`could not drop database ${benchDb.name}: ${error.message}`);
      }
    }
    await admin?.end({ timeout: 2 }).catch(() => {});
    if (tmp && !argv.keep) fs.rmSync(tmp, { recursive: true, force: true });
    else if (tmp) log(`kept ${tmp}${benchDb ? ` and database ${benchDb.name}` : ""}`);
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    log(`${signal}: stopping servers and cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

const takenPorts = new Set();
async function freePort() {
  for (let port = opts.portBase; port <= 3499; port++) {
    if (takenPorts.has(port)) continue;
    if (await portFree(port)) {
      takenPorts.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${opts.portBase} and 3499`);
}

function startNode(name, args, env) {
  const logFile = path.join(tmp, `${name}.log`);
  const fd = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  children.add(child);
  child.once("exit", () => children.delete(child));
  child.logFile = logFile;
  return child;
}

function logTail(file, lines = 15) {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

async function waitHealthy(child, base, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before answering:\n${logTail(child.logFile)}`);
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${base} did not answer /healthz within ${timeoutMs / 1000} s:\n${logTail(child.logFile)}`);
}

/** The environment Tasklane gets: the caller's, minus every Tasklane setting, plus ours. */
function tasklaneEnv(extra) {
  const env = { ...process.env };
  for (const name of ["PORT", "DATABASE_URL", "DATA_DIR", "BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "CORS_ORIGINS", "JWT_EXPIRES_IN", "SMTP_URL", "MAIL_FROM", "CLIENT_IP_HEADER", "API_RATE_LIMIT", "HOST"]) {
    delete env[name];
  }
  return {
    ...env,
    NODE_ENV: "production",
    // Tokens minted at seed time must outlive the whole run.
    JWT_EXPIRES_IN: "3h",
    // The per-user API limit (600/min by default) is a safety valve; at the bench's rates it
    // would answer 429s. A huge limit keeps its bookkeeping in the measured path.
    API_RATE_LIMIT: "1000000",
    ...extra,
  };
}

// ---- /proc readings ---------------------------------------------------------------------------

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // Linux default
}

/** CPU time (user + system) of a process in ms, or null when it is gone. */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return null;
  }
}

/** Resident set size in MB, or 0. */
function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU ms of every Postgres backend connected to the bench database (when it runs here). */
async function dbCpu() {
  if (!admin || !benchDb) return null;
  const rows = await admin`select pid from pg_stat_activity where datname = ${benchDb.name}`;
  const out = new Map();
  for (const { pid } of rows) {
    // Only when this machine sees the backend itself (not a Postgres in another host or
    // PID namespace, where the number may name some unrelated local process).
    let comm = "";
    try {
      comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8");
    } catch {
      continue;
    }
    if (!comm.startsWith("postgres")) continue;
    const ms = cpuMs(pid);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

// ---- HTTP helpers -----------------------------------------------------------------------------

function cookieFrom(response) {
  const cookies = response.headers.getSetCookie?.() ?? [];
  const session = cookies.find((c) => /^(__Secure-)?better-auth\.session_token=/.test(c));
  return session ? session.split(";", 1)[0] : null;
}

async function postJson(base, pathname, body, headers = {}) {
  const response = await fetch(base + pathname, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { response, json, text };
}

// ---- the servers ------------------------------------------------------------------------------

const available = { postgres: true, api: fs.existsSync(path.join(root, "app", "api-routes.server.ts")) };
const servers = {}; // id → { id, kind, base, port, child, users, ... }

async function createBenchDatabase() {
  const { default: postgres } = await import("postgres");
  admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const [{ version }] = await admin`select version()`;
    const name = `tasklane_bench_${randomBytes(4).toString("hex")}`;
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    benchDb = { name, url: url.toString(), version };
    log(`created database ${name} (${version.split(" ").slice(0, 2).join(" ")})`);
  } catch (error) {
    available.postgres = false;
    available.postgresError = error.message;
    log(`Postgres at ${adminUrl.replace(/\/\/[^@]*@/, "//…@")} is not usable (${error.message}): PGlite only`);
    await admin.end({ timeout: 1 }).catch(() => {});
    admin = null;
  }
}

async function startTasklane(id, kind) {
  const port = servers[id]?.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const dataDir = path.join(tmp, `${id}-data`);
  const secret = servers[id]?.secret ?? randomBytes(32).toString("base64url");
  const env = tasklaneEnv({
    PORT: String(port),
    BETTER_AUTH_URL: base,
    BETTER_AUTH_SECRET: secret,
    DATA_DIR: dataDir,
    ...(kind === "postgres" ? { DATABASE_URL: benchDb.url } : {}),
  });
  // The node flags `npm start` runs server.mjs with, then any to try on top, e.g.
  // BENCH_NODE_ARGS="--max-old-space-size=128" (a flag given twice: the later one wins).
  const nodeArgs = [...startScriptNodeArgs(), ...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean)];
  if (profileScenario && id === "tasklane-pg") {
    fs.mkdirSync(path.join(benchDir, "results", "profiles"), { recursive: true });
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${path.join(benchDir, "results", "profiles")}`);
  }
  const child = startNode(id, [...nodeArgs, "server.mjs"], env);
  const started = Date.now();
  await waitHealthy(child, base);
  // Keep the same object across restarts: callers hold on to it.
  servers[id] = Object.assign(servers[id] ?? {}, { id, kind, port, base, child, secret, dataDir, startMs: Date.now() - started });
  return servers[id];
}

/** Runs SQL against a Tasklane server's database: Postgres directly; PGlite with the server stopped. */
async function withDatabase(server, work) {
  if (server.kind === "postgres") {
    const { default: postgres } = await import("postgres");
    const client = postgres(benchDb.url, { max: 1, onnotice: () => {} });
    try {
      return await work((text, params = []) => client.unsafe(text, params));
    } finally {
      await client.end({ timeout: 2 });
    }
  }
  // One process per PGlite directory: stop the server, seed, start it again.
  await stopChild(server.child);
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(path.join(server.dataDir, "pglite"));
  let result;
  try {
    result = await work(async (text, params = []) => (await db.query(text, params)).rows);
  } finally {
    await db.close();
  }
  await startTasklane(server.id, server.kind);
  return result;
}

const TASK_SQL = `
insert into task (id, user_id, title, description, completed, completed_at, priority, tags, due_date, created_at, updated_at)
select gen_random_uuid()::text, $1,
       'Task ' || g || ' ' || substr(md5(g::text), 1, 12),
       case when g % 3 = 0 then 'Notes for task ' || g || ': ' || md5(g::text) else null end,
       g % 4 = 0,
       case when g % 4 = 0 then $3::timestamptz - make_interval(secs => g) else null end,
       (array['low', 'medium', 'high'])[1 + g % 3],
       case g % 5 when 0 then array['work'] when 1 then array['home', 'errand'] else '{}'::text[] end,
       case when g % 2 = 0 then ($3::timestamptz)::date + (g % 60 - 20) else null end,
       $3::timestamptz - make_interval(secs => g),
       $3::timestamptz - make_interval(secs => g)
from generate_series(1, $2::int) g`;

async function seed(server) {
  const { base } = server;
  // 1. Accounts over HTTP, as people make them (the password hash is the app's own).
  const roles = ["reader50", "reader10k", "writer", "signin-template"];
  for (const role of roles) {
    const { response, text } = await postJson(base, "/api/auth/sign-up/email", { name: `Bench ${role}`, email: `${role}@bench.test`, password: BENCH_PASSWORD });
    if (!response.ok) throw new Error(`${server.id}: sign-up of ${role} → ${response.status} ${text.slice(0, 200)}`);
  }
  // 2. Tasks and the sign-in accounts in bulk, in SQL.
  const seeded = await withDatabase(server, async (q) => {
    const ids = {};
    for (const row of await q(`select id, email from "user" where email like '%@bench.test'`)) ids[row.email.split("@")[0]] = row.id;
    const now = new Date().toISOString();
    for (const [role, count] of Object.entries(TASKS)) await q(TASK_SQL, [ids[role], count, now]);
    await q(
      `insert into "user" (id, name, email, email_verified, created_at, updated_at)
       select 'bench-signin-' || g, 'Bench user ' || g, 'signin-' || g || '@bench.test', false, now(), now()
       from generate_series(1, $1::int) g`,
      [opts.signinUsers],
    );
    await q(
      `insert into account (id, account_id, provider_id, user_id, password, created_at, updated_at)
       select 'bench-signin-account-' || g, 'bench-signin-' || g, a.provider_id, 'bench-signin-' || g, a.password, now(), now()
       from generate_series(1, $1::int) g join account a on a.user_id = $2 and a.provider_id = 'credential'`,
      [opts.signinUsers, ids["signin-template"]],
    );
    await q("analyze");
    const writerTasks = (await q(`select id from task where user_id = $1 order by created_at desc limit 200`, [ids.writer])).map((r) => r.id);
    const counts = Object.fromEntries((await q(`select user_id, count(*)::int as n from task group by user_id`)).map((r) => [r.user_id, r.n]));
    return { ids, writerTasks, counts };
  });
  // 3. A session (cookie) and a JWT per user.
  const users = {};
  for (const role of ["reader50", "reader10k", "writer"]) {
    const { response, text } = await postJson(base, "/api/auth/sign-in/email", { email: `${role}@bench.test`, password: BENCH_PASSWORD });
    const cookie = cookieFrom(response);
    if (!response.ok || !cookie) throw new Error(`${server.id}: sign-in of ${role} → ${response.status} ${text.slice(0, 200)}`);
    const tokenResponse = await fetch(`${base}/api/auth/token`, { headers: { cookie } });
    const { token } = await tokenResponse.json();
    if (!tokenResponse.ok || !token) throw new Error(`${server.id}: GET /api/auth/token for ${role} → ${tokenResponse.status}`);
    users[role] = { id: seeded.ids[role], cookie, jwt: token, tasks: seeded.counts[seeded.ids[role]] ?? 0 };
  }
  server.users = users;
  server.writerTasks = seeded.writerTasks;
  server.signinEmails = Array.from({ length: opts.signinUsers }, (_, i) => `signin-${i + 1}@bench.test`);
  server.signinUsed = 0;
  server.rssIdleMb = rssMb(server.child.pid);
  log(`${server.id}: seeded users with ${users.reader50.tasks}, ${users.reader10k.tasks} and ${users.writer.tasks} tasks, ${opts.signinUsers} sign-in accounts`);
}

/** The flags between `node` and `server.mjs` in package.json's start script: the bench measures the server `npm start` runs. */
function startScriptNodeArgs() {
  const start = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts?.start ?? "";
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+server\.mjs\b/.exec(start);
  if (!match) fail(`package.json's start script does not run "node [flags] server.mjs", so the bench cannot run what it runs: ${start}`);
  return match[1].split(/\s+/).filter(Boolean);
}

/** One request of each scenario, so a broken scenario fails loudly before any timing. */
async function probe(server) {
  const problems = [];
  const check = async (name, url, init, expected, test) => {
    try {
      const response = await fetch(url, { redirect: "manual", ...init });
      const body = await response.text();
      if (response.status !== expected) problems.push(`${name}: ${response.status} (want ${expected}) ${body.slice(0, 160).replace(/\s+/g, " ")}`);
      else if (test && !test(body)) problems.push(`${name}: unexpected body ${body.slice(0, 160)}`);
      return response.status;
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
      return 0;
    }
  };
  const { base, users } = server;
  const auth = (role) => ({ authorization: `Bearer ${users[role].jwt}` });
  server.apiWorks = false;
  if (available.api) {
    const status = await check("GET /api/tasks", `${base}/api/tasks`, { headers: auth("reader50") }, 200, (b) => JSON.parse(b).tasks?.length === 50);
    server.apiWorks = status === 200;
    await check("POST /api/tasks", `${base}/api/tasks`, { method: "POST", headers: { ...auth("writer"), "content-type": "application/json" }, body: JSON.stringify({ title: "Probe task" }) }, 201);
    await check("PATCH /api/tasks/:id", `${base}/api/tasks/${server.writerTasks[0]}`, { method: "PATCH", headers: { ...auth("writer"), "content-type": "application/json" }, body: JSON.stringify({ completed: true }) }, 200);
  }
  await check("GET /tasks (50)", `${base}/tasks`, { headers: { cookie: users.reader50.cookie } }, 200, (b) => b.includes("Task 1 "));
  await check("GET /tasks (10 000)", `${base}/tasks`, { headers: { cookie: users.reader10k.cookie } }, 200, (b) => b.includes("Task 1 "));
  await check(
    "POST /sign-in",
    `${base}/sign-in`,
    { method: "POST", headers: { origin: base, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ email: "signin-template@bench.test", password: BENCH_PASSWORD, redirectTo: "" }).toString() },
    302,
  );
  if (problems.length) log(`${server.id}: probe problems:\n  ${problems.join("\n  ")}`);
  return problems;
}

async function startReference() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const pg = servers["tasklane-pg"];
  const child = startNode("reference", [path.join(benchDir, "reference-server.mjs")], { ...process.env, PORT: String(port), DATABASE_URL: benchDb.url, AUTH_URL: pg.base, NODE_ENV: "production" });
  await waitHealthy(child, base, 30_000);
  // Same users and tokens as tasklane-pg: it verifies that server's JWTs on its database.
  servers.reference = { id: "reference", kind: "reference", port, base, child, users: pg.users, rssIdleMb: rssMb(child.pid) };
  await expectTaskList("reference", base, pg.users.reader50.jwt);
}

/** Fails the run unless `GET /api/tasks` on that server lists the 50-task user's tasks. */
async function expectTaskList(id, base, jwt) {
  const response = await fetch(`${base}/api/tasks`, { headers: { authorization: `Bearer ${jwt}` } });
  const body = await response.json().catch(() => ({}));
  if (response.status !== 200 || body.tasks?.length !== 50) throw new Error(`${id}: GET /api/tasks → ${response.status}`);
}

/**
 * The same build under remix-serve (what DESIGN.md names for `npm start`), on tasklane-pg's
 * database, users and tokens (same secret and base URL, like a second instance behind one
 * address): the before of the switch to server.mjs, in the same run. Opt-in: --servers.
 */
async function startRemixServe() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const pg = servers["tasklane-pg"];
  const env = tasklaneEnv({ PORT: String(port), BETTER_AUTH_URL: pg.base, BETTER_AUTH_SECRET: pg.secret, DATA_DIR: path.join(tmp, "remix-serve-data"), DATABASE_URL: benchDb.url, NODE_ENV: "production" });
  const cli = path.join(root, "node_modules", "@remix-run", "serve", "dist", "cli.js");
  const child = startNode("remix-serve", [cli, "build/server/index.js"], env);
  await waitHealthy(child, base);
  servers["remix-serve"] = { id: "remix-serve", kind: "postgres", port, base, child, users: pg.users, writerTasks: pg.writerTasks, apiWorks: true };
  await expectTaskList("remix-serve", base, pg.users.reader50.jwt);
}

// ---- scenarios --------------------------------------------------------------------------------

const json = (server, role) => ({ authorization: `Bearer ${server.users[role].jwt}`, "content-type": "application/json", "accept-encoding": ACCEPT_ENCODING });

const SCENARIOS = [
  {
    id: "api-list",
    label: "GET /api/tasks (JWT, 50 tasks)",
    servers: ["tasklane-pg", "tasklane-pglite", "remix-serve", "reference"],
    needsApi: true,
    spec: (s) => ({ url: `${s.base}/api/tasks`, headers: { authorization: `Bearer ${s.users.reader50.jwt}`, "accept-encoding": ACCEPT_ENCODING }, expect: [200] }),
  },
  {
    id: "api-create",
    label: "POST /api/tasks",
    servers: ["tasklane-pg", "tasklane-pglite"],
    needsApi: true,
    spec: (s) => ({ url: `${s.base}/api/tasks`, method: "POST", headers: json(s, "writer"), body: JSON.stringify({ title: "Bench task", priority: "low", tags: ["bench"] }), expect: [201] }),
  },
  {
    id: "api-toggle",
    label: "PATCH /api/tasks/:id (toggle)",
    servers: ["tasklane-pg", "tasklane-pglite"],
    needsApi: true,
    spec: (s) => ({ url: `${s.base}/api/tasks/x`, mode: "toggle", pathPrefix: "/api/tasks/", ids: s.writerTasks, headers: json(s, "writer"), expect: [200] }),
  },
  {
    id: "html-50",
    label: "GET /tasks HTML (50 tasks)",
    servers: ["tasklane-pg", "tasklane-pglite", "remix-serve"],
    spec: (s) => ({ url: `${s.base}/tasks`, headers: { cookie: s.users.reader50.cookie, accept: "text/html", "accept-encoding": ACCEPT_ENCODING }, expect: [200] }),
  },
  {
    // The floor of a page in this stack: a small form, signed out, so no session lookup and no
    // query. Not a target; it shows how much of a task page's cost any Remix page pays.
    id: "html-floor",
    label: "GET /sign-in HTML (signed out)",
    servers: ["tasklane-pg", "tasklane-pglite"],
    spec: (s) => ({ url: `${s.base}/sign-in`, headers: { accept: "text/html", "accept-encoding": ACCEPT_ENCODING }, expect: [200] }),
  },
  {
    id: "html-10k",
    label: "GET /tasks HTML (10 000 tasks)",
    servers: ["tasklane-pg", "tasklane-pglite"],
    spec: (s) => ({ url: `${s.base}/tasks`, headers: { cookie: s.users.reader10k.cookie, accept: "text/html", "accept-encoding": ACCEPT_ENCODING }, expect: [200] }),
  },
  {
    id: "sign-in",
    label: "POST /sign-in (form, argon2id)",
    servers: ["tasklane-pg", "tasklane-pglite"],
    spec: (s) => ({
      url: `${s.base}/sign-in`,
      mode: "signin",
      users: s.signinEmails,
      password: BENCH_PASSWORD,
      start: s.signinUsed,
      headers: { origin: s.base, "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      expect: [302],
    }),
  },
];

// Monotonic µs (the clock V8's CPU profiles use on Linux) of every measured window, so a
// profile is summarised over the load only, not start-up and seeding.
const windows = [];

function runLoad(server, spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(benchDir, "load.mjs"), JSON.stringify(spec)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const pid = server.child.pid;
    const withDb = server.kind !== "pglite";
    let buffer = "";
    let stderr = "";
    let result = null;
    let start = null;
    let end = null;
    let rssMax = 0;
    let sampler = null;
    const sample = () => (rssMax = Math.max(rssMax, rssMb(pid)));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === "MEASURE") {
          windows.push([process.hrtime.bigint() / 1000n, null]);
          start = { cpu: cpuMs(pid), db: withDb ? dbCpu().catch(() => null) : null };
          sample();
          sampler = setInterval(sample, 100);
        } else if (line === "END") {
          windows[windows.length - 1][1] = process.hrtime.bigint() / 1000n;
          end = { cpu: cpuMs(pid), db: withDb ? dbCpu().catch(() => null) : null };
          clearInterval(sampler);
          sample();
        } else if (line.startsWith("{")) {
          result = JSON.parse(line);
        }
      }
    });
    child.once("exit", async (code) => {
      clearInterval(sampler);
      if (code !== 0 || !result || !start || !end) return reject(new Error(`load process exited ${code}: ${stderr.slice(-800)}`));
      const cpu = start.cpu !== null && end.cpu !== null ? end.cpu - start.cpu : null;
      result.cpuMsPerReq = cpu !== null && result.responses ? cpu / result.responses : null;
      result.serverCpuPct = cpu !== null && result.seconds ? (100 * cpu) / (result.seconds * 1000) : null;
      result.dbMsPerReq = null;
      if (withDb) {
        const [before, after] = await Promise.all([start.db, end.db]);
        if (before && after && after.size && result.responses) {
          let total = 0;
          for (const [backend, ms] of after) total += ms - (before.get(backend) ?? 0);
          result.dbMsPerReq = total / result.responses;
        }
      }
      result.rssMaxMb = rssMax;
      const expected = new Set(spec.expect.map(String));
      result.unexpected = Object.entries(result.statuses).filter(([status]) => !expected.has(status)).reduce((n, [, count]) => n + count, 0) + result.errors;
      if (server.child.exitCode !== null) return reject(new Error(`${server.id} exited during the run:\n${logTail(server.child.logFile)}`));
      resolve(result);
    });
  });
}

// ---- statistics, table --------------------------------------------------------------------------

function median(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function summarize(measurements) {
  const groups = new Map();
  for (const m of measurements) {
    const key = `${m.scenario}|${m.server}|${m.connections}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(m);
  }
  const rows = [];
  for (const [, list] of groups) {
    const first = list[0];
    rows.push({
      scenario: first.scenario,
      label: first.label,
      server: first.server,
      connections: first.connections,
      rounds: list.length,
      rps: median(list.map((m) => m.rps)),
      p50: median(list.map((m) => m.p50)),
      p99: median(list.map((m) => m.p99)),
      cpuMsPerReq: median(list.map((m) => m.cpuMsPerReq)),
      serverCpuPct: median(list.map((m) => m.serverCpuPct)),
      dbMsPerReq: median(list.map((m) => m.dbMsPerReq)),
      rssMaxMb: Math.max(...list.map((m) => m.rssMaxMb)),
      unexpected: list.reduce((n, m) => n + m.unexpected, 0),
      statuses: list.reduce((acc, m) => {
        for (const [status, count] of Object.entries(m.statuses)) acc[status] = (acc[status] ?? 0) + count;
        return acc;
      }, {}),
      rpsPerRound: list.map((m) => Math.round(m.rps)),
    });
  }
  for (const row of rows) {
    const reference = rows.find((r) => r.server === "reference" && r.connections === row.connections);
    row.vsReference = reference?.rps && row.rps ? row.rps / reference.rps : null;
  }
  const scenarioOrder = SCENARIOS.map((s) => s.id);
  const serverOrder = ["tasklane-pg", "tasklane-pglite", "reference"];
  rows.sort(
    (a, b) =>
      scenarioOrder.indexOf(a.scenario) - scenarioOrder.indexOf(b.scenario) ||
      a.connections - b.connections ||
      serverOrder.indexOf(a.server) - serverOrder.indexOf(b.server),
  );
  return rows;
}

const fmt = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits));
const fmtInt = (value) => (value === null || value === undefined ? "—" : Math.round(value).toLocaleString("en-US"));

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => "| " + cells.map((c, i) => (align[i] === "r" ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (align[i] === "r" ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

function loadTable(rows) {
  return table(
    ["scenario", "server", "conns", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "CPU %", "DB ms/req", "RSS MB", "× ref", "bad"],
    rows.map((r) => [
      r.label,
      r.server,
      r.connections,
      fmtInt(r.rps),
      fmt(r.p50, r.p50 !== null && r.p50 < 10 ? 2 : 1),
      fmt(r.p99, r.p99 !== null && r.p99 < 10 ? 2 : 1),
      fmt(r.cpuMsPerReq, 2),
      fmt(r.serverCpuPct, 0),
      fmt(r.dbMsPerReq, 2),
      fmtInt(r.rssMaxMb),
      r.vsReference === null ? "—" : r.vsReference.toFixed(2),
      r.unexpected,
    ]),
    ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

// ---- the issue's targets ----------------------------------------------------------------------

/**
 * The ratio in each round, for a ratio target: rounds interleave the servers, so a round's two
 * measurements are seconds apart, and their spread shows how much of a miss is the machine's
 * drift. Only shown; a target is judged on the ratio of the medians.
 */
function byRound(row, base) {
  const a = row?.rpsPerRound ?? [];
  const b = base?.rpsPerRound ?? [];
  if (a.length < 2 || a.length !== b.length) return "";
  return ` (rounds ${a.map((x, i) => (b[i] ? (x / b[i]).toFixed(2) : "—")).join(" / ")})`;
}

/** Each target of the performance issue, checked per Tasklane server from this run's medians. */
function checkTargets(rows, js, lighthouse) {
  const get = (scenario, server, connections) => rows.find((r) => r.scenario === scenario && r.server === server && r.connections === connections);
  const out = [];
  for (const server of ["tasklane-pg", "tasklane-pglite"]) {
    if (!rows.some((r) => r.server === server)) continue;
    const add = (target, value, met) => out.push({ server, target, value, met });
    const api32 = get("api-list", server, 32);
    const api1 = get("api-list", server, 1);
    const html32 = get("html-50", server, 32);
    const html1 = get("html-50", server, 1);
    const big1 = get("html-10k", server, 1);
    const signin1 = get("sign-in", server, 1);
    const ref32 = get("api-list", "reference", 32);
    if (api32?.vsReference != null) add("GET /api/tasks at 32 conns ≥ 0.5× reference req/s", `${api32.vsReference.toFixed(2)}×${byRound(api32, ref32)}`, api32.vsReference >= 0.5);
    if (api1?.p50 != null) add("GET /api/tasks at 1 conn: p50 ≤ 3 ms, p99 ≤ 10 ms", `${fmt(api1.p50, 2)} / ${fmt(api1.p99, 2)} ms`, api1.p50 <= 3 && api1.p99 <= 10);
    if (html32?.rps && api32?.rps) add("GET /tasks (50) at 32 conns ≥ 0.5× the API's req/s", `${(html32.rps / api32.rps).toFixed(2)}×${byRound(html32, api32)}`, html32.rps / api32.rps >= 0.5);
    const floor32 = get("html-floor", server, 32);
    // Context for the target above, not a target: met is null (printed "—").
    if (floor32?.rps && api32?.rps) add("(context) GET /sign-in signed out, no DB, at 32 conns ÷ the API's req/s", `${(floor32.rps / api32.rps).toFixed(2)}×`, null);
    if (html1?.p50 && big1?.p50) add("GET /tasks: 10 000-task user ≤ 1.3× the 50-task user's p50 (1 conn)", `${(big1.p50 / html1.p50).toFixed(2)}×`, big1.p50 / html1.p50 <= 1.3);
    if (signin1?.p50 != null) add("sign-in at 1 conn < 250 ms (p50)", `${fmt(signin1.p50, 1)} ms`, signin1.p50 < 250);
    const loaded = rows.filter((r) => r.server === server && r.connections === Math.max(...opts.connections));
    if (loaded.length) {
      const peak = Math.max(...loaded.map((r) => r.rssMaxMb));
      add(`RSS ≤ 200 MB under ${Math.max(...opts.connections)}-connection load (peak over scenarios)`, `${Math.round(peak)} MB`, peak <= 200);
    }
  }
  const tasksJs = js.find((j) => j.page === "/tasks" && !j.error);
  if (tasksJs) out.push({ server: "pages", target: "≤ 100 KB (100 000 bytes) gzipped JS on /tasks", value: `${fmtInt(tasksJs.jsGzip)} B`, met: tasksJs.jsGzip <= 100_000 });
  for (const page of lighthouse?.pages ?? []) {
    if (page.failed) continue;
    const worst = Math.min(...Object.values(page.scores).filter((v) => v !== null));
    out.push({ server: "pages", target: `Lighthouse ≥ 95 in the three categories: ${page.name}`, value: Object.values(page.scores).join(" / "), met: worst >= 95 });
  }
  return out;
}

// ---- JavaScript cost --------------------------------------------------------------------------

async function jsCost(base, pathname, headers = {}) {
  const response = await fetch(base + pathname, { headers, redirect: "manual" });
  const html = await response.text();
  if (response.status !== 200) return { page: pathname, status: response.status, error: `GET ${pathname} → ${response.status}` };
  const found = new Set();
  const attr = (tag, name) => new RegExp(`${name}=["']([^"']+)["']`).exec(tag)?.[1];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    if (/rel=["']modulepreload["']/.test(tag) && attr(tag, "href")) found.add(attr(tag, "href"));
  }
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) if (attr(tag, "src")) found.add(attr(tag, "src"));
  for (const [, body] of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const [, spec] of body.matchAll(/\bimport\s*(?:[\w$*{}\s,]+\s*from\s*)?["']([^"']+\.m?js)["']/g)) found.add(spec);
    for (const [, spec] of body.matchAll(/\bimport\(\s*["']([^"']+\.m?js)["']\s*\)/g)) found.add(spec);
  }
  // Follow static imports: what the browser must fetch before the page's scripts run.
  const queue = [...found].map((u) => new URL(u, base + pathname).href);
  const files = new Map();
  while (queue.length) {
    const url = queue.shift();
    if (files.has(url)) continue;
    const r = await fetch(url);
    const buf = Buffer.from(await r.arrayBuffer());
    files.set(url, { url: url.replace(base, ""), status: r.status, bytes: buf.length, gzip: gzipSync(buf).length, sent: await sentBytes(url) });
    const text = buf.toString("utf8");
    for (const [, spec] of text.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      const next = new URL(spec, url).href;
      if (!files.has(next)) queue.push(next);
    }
  }
  const list = [...files.values()].sort((a, b) => b.gzip - a.gzip);
  const css = [];
  for (const [tag] of html.matchAll(/<link\b[^>]*rel=["']stylesheet["'][^>]*>/g)) {
    const href = attr(tag, "href");
    if (!href) continue;
    const buf = Buffer.from(await (await fetch(new URL(href, base).href)).arrayBuffer());
    css.push({ url: href, bytes: buf.length, gzip: gzipSync(buf).length });
  }
  return {
    page: pathname,
    status: response.status,
    htmlBytes: Buffer.byteLength(html),
    htmlGzip: gzipSync(Buffer.from(html)).length,
    jsFiles: list.length,
    jsBytes: list.reduce((n, f) => n + f.bytes, 0),
    jsGzip: list.reduce((n, f) => n + f.gzip, 0),
    jsSent: list.reduce((n, f) => n + f.sent, 0),
    cssGzip: css.reduce((n, f) => n + f.gzip, 0),
    files: list,
  };
}

/** The bytes a browser receives for url (what the server sends for its Accept-Encoding), undecoded. */
function sentBytes(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": "gzip, deflate, br, zstd" } }, (res) => {
        let n = 0;
        res.on("data", (chunk) => (n += chunk.length));
        res.on("end", () => resolve(n));
      })
      .on("error", reject);
  });
}

function runLighthouse(pages, port) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(benchDir, "lighthouse.mjs"), JSON.stringify({ pages, port, preset: opts.lighthousePreset, chromePath: process.env.CHROME_PATH || "/usr/bin/chromium" })], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop();
      try {
        resolve(JSON.parse(line));
      } catch {
        resolve({ error: `lighthouse process exited ${code}: ${(err || out).slice(-1500)}` });
      }
    });
  });
}

// ---- CPU profile summary ----------------------------------------------------------------------

function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas;
  const inWindow = (t) => windows.some(([from, to]) => to !== null && t >= Number(from) && t <= Number(to));
  const tally = (onlyWindows) => {
    const self = new Map();
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += deltas[i] ?? 0;
      // A sample's time is spent up to the next sample.
      const spent = deltas[i + 1] ?? 0;
      if (onlyWindows && !inWindow(t)) continue;
      self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + spent);
    }
    return self;
  };
  let self = tally(true);
  const windowed = self.size > 0;
  if (!windowed) self = tally(false);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const packages = new Map();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    const where = callFrame.url ? callFrame.url.replace(/^file:\/\//, "").replace(root, ".") : "";
    const key = `${callFrame.functionName || "(anonymous)"} ${where ? `${where}:${callFrame.lineNumber + 1}` : ""}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    let pkg = "(native/V8)";
    if (/^\((garbage collector|idle|program|root)\)$/.test(callFrame.functionName)) pkg = callFrame.functionName;
    else if (where.includes("node_modules/")) pkg = where.split("node_modules/").pop().split("/").slice(0, where.split("node_modules/").pop().startsWith("@") ? 2 : 1).join("/");
    else if (where.startsWith("node:")) pkg = `node:${where.slice(5).replace(/^internal\//, "").replace(/^deps\//, "").split(/[/:]/)[0]}`;
    else if (where.includes("build/server")) pkg = "app (build/server)";
    else if (where.endsWith("server.mjs")) pkg = "server.mjs";
    else if (where) pkg = where;
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const rank = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, pct: (100 * us) / total, ms: us / 1000 }));
  return { file, windowed, totalMs: total / 1000, functions: rank(fns), packages: rank(packages) };
}

// ---- main -------------------------------------------------------------------------------------

for (const name of [...(argv.scenarios?.split(",") ?? []), ...(profileScenario ? [profileScenario] : [])]) {
  if (!SCENARIOS.some((s) => s.id === name)) fail(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.id).join(", ")}`);
}
for (const name of argv.servers?.split(",") ?? []) {
  if (!["tasklane-pg", "tasklane-pglite", "reference", "remix-serve"].includes(name)) fail(`unknown server "${name}"; known: tasklane-pg, tasklane-pglite, reference, remix-serve`);
}

async function main() {
  const startedAt = new Date();
  const t0 = Date.now();
  const phases = {};
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tasklane-bench-"));
  const machine = {
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    availableParallelism: os.availableParallelism?.() ?? os.cpus().length,
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  let commit = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    if (dirty) commit += "+dirty";
  } catch {
    // not a git checkout (e.g. a copy)
  }
  log(`root ${root}; ${machine.cpuModel} × ${machine.cores}, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(" ")}`);

  if (opts.build) {
    log("building (npx remix vite:build)…");
    const build = spawnSync("npx", ["remix", "vite:build"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    if (build.status !== 0) throw new Error(`build failed:\n${(build.stdout + build.stderr).slice(-3000)}`);
  }
  if (!fs.existsSync(path.join(root, "build", "server", "index.js"))) throw new Error("no build/server/index.js: run without --no-build");
  if (!available.api) log("app/api-routes.server.ts does not exist yet: the API scenarios are skipped");

  const wantServers = new Set((argv.servers ?? (profileScenario ? "tasklane-pg" : "tasklane-pg,tasklane-pglite,reference")).split(","));
  await createBenchDatabase();
  if (!available.postgres) {
    wantServers.delete("tasklane-pg");
    wantServers.delete("reference");
    wantServers.delete("remix-serve");
  }
  if (wantServers.has("reference") || wantServers.has("remix-serve")) wantServers.add("tasklane-pg"); // they use its users and tokens

  const probes = {};
  for (const [id, kind] of [["tasklane-pg", "postgres"], ["tasklane-pglite", "pglite"]]) {
    if (!wantServers.has(id)) continue;
    log(`starting ${id}…`);
    const server = await startTasklane(id, kind);
    log(`${id}: listening at ${server.base} after ${(server.startMs / 1000).toFixed(1)} s`);
    await seed(server);
    probes[id] = await probe(server);
  }
  if (wantServers.has("remix-serve")) {
    await startRemixServe();
    log(`remix-serve: listening at ${servers["remix-serve"].base}`);
  }
  if (wantServers.has("reference")) {
    await startReference();
    log(`reference: listening at ${servers.reference.base}`);
  }

  const wantScenarios = profileScenario ? new Set([profileScenario]) : argv.scenarios ? new Set(argv.scenarios.split(",")) : null;
  const scenarios = SCENARIOS.filter((s) => !wantScenarios || wantScenarios.has(s.id))
    .map((s) => ({
      ...s,
      servers: s.servers.filter((id) => servers[id] && wantServers.has(id) && (!s.needsApi || id === "reference" || servers[id].apiWorks)),
    }))
    .filter((s) => s.servers.length > 0);
  if (scenarios.length === 0) throw new Error("no scenario left to run (check --scenarios/--servers, and the probe problems above)");
  const skipped = SCENARIOS.filter((s) => !scenarios.some((x) => x.id === s.id)).map((s) => s.id);

  const plan = opts.rounds * scenarios.reduce((n, s) => n + s.servers.length, 0) * opts.connections.length;
  const estimate = plan * (opts.duration + opts.warmup + 0.9) + (opts.firstWarmup - opts.warmup) * (plan / Math.max(1, opts.rounds));
  phases.setup = Math.round((Date.now() - t0) / 1000);
  const tLoad = Date.now();
  log(`${plan} measurements (${opts.rounds} round(s) × ${scenarios.length} scenario(s) × connections ${opts.connections.join("/")}), about ${Math.round(estimate / 60)} min`);

  const measurements = [];
  let done = 0;
  for (let round = 1; round <= opts.rounds; round++) {
    for (const scenario of scenarios) {
      for (const connections of opts.connections) {
        // Interleave the servers, and rotate who goes first from one round to the next.
        const order = scenario.servers.map((_, i) => scenario.servers[(i + round - 1) % scenario.servers.length]);
        for (const id of order) {
          const server = servers[id];
          const spec = {
            ...scenario.spec(server),
            connections,
            duration: opts.duration,
            warmup: round === 1 ? opts.firstWarmup : opts.warmup,
          };
          const result = await runLoad(server, spec);
          if (scenario.id === "sign-in") {
            server.signinUsed += result.used;
            if (server.signinUsed / server.signinEmails.length > 9) log(`${id}: sign-in accounts used ${Math.floor(server.signinUsed / server.signinEmails.length)}× each; the per-account limit (10 / 15 min) is near: raise --signin-users`);
          }
          measurements.push({ round, scenario: scenario.id, label: scenario.label, server: id, connections, ...result });
          done++;
          log(
            `[${done}/${plan}] round ${round} ${scenario.id} ${id} c=${connections}: ${Math.round(result.rps)} req/s, p50 ${fmt(result.p50, 2)} ms, p99 ${fmt(result.p99, 2)} ms, ${fmt(result.cpuMsPerReq, 2)} CPU ms/req` +
              (result.responses === 0 ? " — NO RESPONSE in the window (lengthen --duration)" : "") +
              (result.unexpected ? `, ${result.unexpected} unexpected (${JSON.stringify(result.statuses)}, errors ${result.errors})` : ""),
          );
        }
      }
    }
  }
  const rows = summarize(measurements);
  phases.load = Math.round((Date.now() - tLoad) / 1000);
  const tPages = Date.now();

  // JavaScript cost and Lighthouse, on the Postgres-backed server when there is one.
  const page = servers["tasklane-pg"] ?? servers["tasklane-pglite"];
  let js = [];
  let lighthouse = null;
  if (!profileScenario && page) {
    js = [await jsCost(page.base, "/sign-in"), await jsCost(page.base, "/tasks", { cookie: page.users.reader50.cookie })];
    if (opts.lighthouse) {
      log("Lighthouse on /sign-in and /tasks…");
      const port = await freePort();
      lighthouse = await runLighthouse(
        [
          { name: "/sign-in", url: `${page.base}/sign-in` },
          { name: "/tasks (signed in, 50 tasks)", url: `${page.base}/tasks`, headers: { Cookie: page.users.reader50.cookie } },
        ],
        port,
      );
      lighthouse.server = page.id;
    }
  }

  phases.pages = Math.round((Date.now() - tPages) / 1000);
  // Stop the servers (a profiled one writes its profile on exit).
  for (const server of Object.values(servers)) await stopChild(server.child);
  let profile = null;
  if (profileScenario) {
    const dir = path.join(benchDir, "results", "profiles");
    const newest = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    if (newest) profile = summarizeProfile(newest);
  }

  const targets = checkTargets(rows, js, lighthouse);
  machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  const result = {
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - t0) / 1000),
    phases,
    commit,
    machine,
    postgres: benchDb ? { version: benchDb.version, database: benchDb.name } : { unavailable: available.postgresError },
    options: { ...opts, quick, profile: profileScenario, acceptEncoding: ACCEPT_ENCODING },
    servers: Object.fromEntries(
      Object.values(servers).map((s) => [s.id, { kind: s.kind, startSeconds: s.startMs ? Number((s.startMs / 1000).toFixed(1)) : null, rssIdleMb: Math.round(s.rssIdleMb ?? 0), probeProblems: probes[s.id] ?? [] }]),
    ),
    skippedScenarios: skipped,
    results: rows,
    measurements,
    javascript: js,
    lighthouse,
    targets,
    profile,
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");

  // ---- report ----
  const out = [];
  out.push("");
  out.push(`Tasklane benchmark — ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, commit ${commit ?? "?"}`);
  out.push(`Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}; load average ${machine.loadAverageAtStart.join("/")} → ${machine.loadAverageAtEnd.join("/")}`);
  out.push(`Postgres: ${benchDb ? benchDb.version.split(",")[0] : `unavailable (${available.postgresError})`}`);
  out.push(`Medians of ${opts.rounds} round(s), ${opts.duration} s each after ${opts.warmup} s warm-up (round 1: ${opts.firstWarmup} s); load from a separate process (autocannon).`);
  out.push("");
  out.push(loadTable(rows));
  if (skipped.length) out.push(`\nSkipped: ${skipped.join(", ")}${available.api ? "" : " (no API routes yet)"}`);
  if (js.length) {
    out.push("");
    out.push(
      table(
        ["page", "JS files", "JS bytes", "JS gzip", "JS sent", "HTML gzip", "CSS gzip"],
        js.map((j) => (j.error ? [j.page, j.error, "", "", "", "", ""] : [j.page, j.jsFiles, fmtInt(j.jsBytes), fmtInt(j.jsGzip), fmtInt(j.jsSent), fmtInt(j.htmlGzip), fmtInt(j.cssGzip)])),
        ["l", "r", "r", "r", "r", "r", "r"],
      ),
    );
  }
  if (lighthouse) {
    out.push("");
    if (lighthouse.error) out.push(`Lighthouse did not run: ${lighthouse.error.split("\n")[0]}`);
    const pages = lighthouse.pages ?? [];
    if (pages.length) {
      out.push(`Lighthouse ${pages.find((p) => p.lighthouseVersion)?.lighthouseVersion ?? ""} (${opts.lighthousePreset}, ${lighthouse.chrome ?? "Chromium"}) on ${lighthouse.server}:`);
      out.push(
        table(
          ["page", "performance", "accessibility", "best-practices", "FCP ms", "LCP ms", "TBT ms", "CLS"],
          pages.map((p) =>
            p.failed
              ? [p.name, `failed: ${p.failed.split("\n")[0].slice(0, 80)}`, "", "", "", "", "", ""]
              : [p.name, p.scores.performance, p.scores.accessibility, p.scores["best-practices"], p.metrics.fcpMs, p.metrics.lcpMs, p.metrics.tbtMs, p.metrics.cls],
          ),
          ["l", "r", "r", "r", "r", "r", "r", "r"],
        ),
      );
      for (const p of pages) {
        const lost = (p.failing ?? []).filter((f) => f.category !== "performance" || f.score < 0.9);
        if (lost.length) out.push(`  ${p.name}: ${lost.map((f) => `${f.id} (${f.category}, ${f.score})`).join(", ")}`);
      }
    }
  }
  if (targets.length) {
    out.push("");
    out.push("Targets (performance issue; one run's medians — rerun before trusting a miss by a hair):");
    out.push(table(["target", "server", "this run", "met"], targets.map((t) => [t.target, t.server, t.value, t.met === null ? "—" : t.met ? "yes" : "NO"]), ["l", "l", "r", "l"]));
  }
  if (profile) {
    out.push("");
    out.push(
      `CPU profile of tasklane-pg under ${profileScenario} (${fmt(profile.totalMs / 1000, 1)} s of samples, ${profile.windowed ? "measured windows only" : "whole process life: windows not found"}): ${path.relative(root, profile.file)}`,
    );
    out.push(table(["self time by package", "%"], profile.packages.slice(0, 15).map((p) => [p.name, fmt(p.pct, 1)]), ["l", "r"]));
    out.push(table(["self time by function", "%"], profile.functions.slice(0, 25).map((p) => [p.name.slice(0, 110), fmt(p.pct, 1)]), ["l", "r"]));
  }
  out.push("");
  out.push(`JSON: ${path.relative(process.cwd(), outFile) || outFile} (${result.seconds} s in all: build and setup ${phases.setup} s, load ${phases.load} s, JS and Lighthouse ${phases.pages ?? 0} s)`);
  console.log(out.join("\n"));
}

try {
  await main();
  await cleanup();
} catch (error) {
  // After Ctrl-C the servers are being stopped under the load: that error is expected.
  const interrupted = cleaning !== null;
  if (!interrupted) console.error(`bench failed: ${error.stack ?? error}`);
  await cleanup();
  process.exit(interrupted ? 130 : 1);
}
