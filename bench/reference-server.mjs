// The bare reference for `npm run bench`: a plain node:http handler doing the same work
// as Tasklane's GET /api/tasks, with nothing in between — the ceiling this stack (Node,
// jose, postgres.js, one Postgres) allows on one process.
//
//   1. Authorization: Bearer <JWT> → jose jwtVerify (EdDSA, iss and aud checked) against
//      a key set fetched once from Tasklane's /api/auth/jwks and kept in memory;
//   2. the session named by the token's sid must be alive (one indexed lookup);
//   3. the first page of the user's tasks, newest first (created_at desc, id desc),
//      limit 50 (+1 to know whether there is a next page);
//   4. the same JSON shape as the API: {tasks: [...camelCase, ISO dates], nextCursor}.
//
// Both queries go through postgres.js, which prepares statements by default (named
// prepared statements, parsed once per connection).
//
// Environment: PORT, DATABASE_URL (the database Tasklane runs on), AUTH_URL (the Tasklane
// base URL: JWKS source and the JWT's iss/aud).
import http from "node:http";
import { createLocalJWKSet, jwtVerify } from "jose";
import postgres from "postgres";

const port = Number(process.env.PORT ?? 3499);
const databaseUrl = process.env.DATABASE_URL;
const authUrl = (process.env.AUTH_URL ?? "").replace(/\/+$/, "");
if (!databaseUrl || !authUrl) {
  console.error("reference-server: DATABASE_URL and AUTH_URL are required");
  process.exit(1);
}

const sql = postgres(databaseUrl, { max: 10, prepare: true, onnotice: () => {} });

const jwksResponse = await fetch(`${authUrl}/api/auth/jwks`);
if (!jwksResponse.ok) {
  console.error(`reference-server: GET ${authUrl}/api/auth/jwks → ${jwksResponse.status}`);
  process.exit(1);
}
const keys = createLocalJWKSet(await jwksResponse.json());
const verifyOptions = { algorithms: ["EdDSA"], issuer: authUrl, audience: authUrl, requiredClaims: ["sub", "sid", "exp"] };

const PAGE = 50;

function send(res, status, body, type = "application/json; charset=utf-8") {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(body);
}

const unauthorized = (res) => {
  res.setHeader("WWW-Authenticate", 'Bearer realm="tasklane", error="invalid_token"');
  send(res, 401, JSON.stringify({ type: "about:blank", title: "Unauthorized", status: 401 }), "application/problem+json");
};

const iso = (d) => (d ? d.toISOString() : null);

async function listTasks(req, res) {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
  if (!match) return unauthorized(res);
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1], keys, verifyOptions));
  } catch {
    return unauthorized(res);
  }
  const { sub, sid } = payload;
  if (typeof sub !== "string" || typeof sid !== "string") return unauthorized(res);

  const alive = await sql`select id from "session" where id = ${sid} and user_id = ${sub} and expires_at > ${new Date()} limit 1`;
  if (alive.length === 0) return unauthorized(res);

  const rows = await sql`
    select id, title, description, completed, priority, tags, due_date::text as due_date, recurrence,
           created_at, updated_at, completed_at
    from task where user_id = ${sub}
    order by created_at desc, id desc
    limit ${PAGE + 1}`;
  const page = rows.length > PAGE ? rows.slice(0, PAGE) : rows;
  const tasks = page.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    completed: r.completed,
    priority: r.priority,
    tags: r.tags,
    dueDate: r.due_date,
    recurrence: r.recurrence,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    completedAt: iso(r.completed_at),
  }));
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > PAGE && last
      ? Buffer.from(JSON.stringify({ s: "created", o: "desc", v: iso(last.created_at), id: last.id })).toString("base64url")
      : null;
  send(res, 200, JSON.stringify({ tasks, nextCursor }));
}

const server = http.createServer((req, res) => {
  const path = req.url.split("?", 1)[0];
  if (req.method === "GET" && path === "/api/tasks") {
    listTasks(req, res).catch((error) => {
      console.error(error);
      if (!res.headersSent) send(res, 500, JSON.stringify({ status: 500 }));
    });
  } else if (path === "/healthz") {
    send(res, 200, "ok", "text/plain");
  } else {
    send(res, 404, JSON.stringify({ status: 404 }));
  }
});
server.keepAliveTimeout = 5000;
server.listen(port, "127.0.0.1", () => console.log(`[reference] http://127.0.0.1:${port}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    sql.end({ timeout: 2 }).finally(() => process.exit(0));
  });
}
