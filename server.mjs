// Tasklane's HTTP server: Remix's Express adapter, as remix-serve uses, plus what
// remix-serve cannot do — a friendly refusal page for cross-site form posts (Remix's own
// check answers those with a bare 500), static files served without a disk stat of every
// request path, the JSON API answered without Express or Remix's router (see serveApi),
// one JSON log line per request, and a graceful stop that lets requests in flight finish,
// waits for mail still being sent, and closes the database before exiting.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import url from "node:url";
import v8 from "node:v8";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import pino from "pino";

process.env.NODE_ENV ??= "production";
// On a machine with gigabytes free, V8 lets the old generation grow to up to 4x what survived
// the last full GC before it collects again. Under load that room fills with the garbage of
// requests that outlived two scavenges: GET /tasks at 32 connections peaked at ~280 MB RSS.
// Growth of at most 70% keeps the peak ~15 MB under what doubling allowed, for the same
// pages per second; at 60% pages began to cost more CPU and at 50% ~25% more (bench, paired
// runs). Read at every GC, so setting it here takes effect; a value given on node's
// command line wins. The young generation's size is fixed when V8 starts, so its flag
// (--max-semi-space-size=8: 16 instead of 32 MB) is in package.json's start script.
if (!process.execArgv.some((arg) => arg.startsWith("--heap-growing-percent"))) {
  v8.setFlagsFromString("--heap-growing-percent=70");
}
const root = path.dirname(url.fileURLToPath(import.meta.url));
const clientDir = path.join(root, "build/client");
const build = await import(url.pathToFileURL(path.join(root, "build/server/index.js")).href);
const { env } = build.entry.module;

// Shared with app/log.server.ts (same Symbol.for key), so the app's log lines carry the
// request id of the request they belong to.
const key = Symbol.for("tasklane.requestContext");
const requestContext = (globalThis[key] ??= new AsyncLocalStorage());
const accessLog = pino({
  base: undefined,
  messageKey: "event",
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", false);

let stopping = false;

// Baseline security headers for every response (API, assets, health checks). Pages set
// their own nonce'd CSP in entry.server.tsx; a header already set is left alone.
const baselineHeaders = [
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "strict-origin-when-cross-origin"],
  ["X-Frame-Options", "DENY"],
  ["Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"],
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
];
if (env.baseURL.startsWith("https://")) {
  baselineHeaders.push(["Strict-Transport-Security", "max-age=31536000; includeSubDomains"]);
}
function setBaselineHeaders(res) {
  for (const [name, value] of baselineHeaders) if (!res.hasHeader(name)) res.setHeader(name, value);
}
app.use((req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    setBaselineHeaders(res);
    return writeHead.apply(this, args);
  };
  next();
});

// Level 1: most of the size win for a fraction of the CPU of the default level 6, which
// the benchmark showed as 10-13% of the CPU of an API request.
app.use(compression({ threshold: 1024, level: 1 }));

// Fingerprinted build assets are immutable; other public files are looked up by name
// from a list made at start, so API and page requests never touch the disk.
const assetsDir = path.join(clientDir, "assets");
app.use("/assets", precompressedAssets(assetsDir));
app.use("/assets", express.static(assetsDir, { immutable: true, maxAge: "1y", index: false, fallthrough: false }));
const publicFiles = new Set(readdirSync(clientDir).filter((name) => name !== "assets").map((name) => `/${name}`));
const serveStatic = express.static(clientDir, { maxAge: "1h", index: false });
app.use((req, res, next) => (publicFiles.has(req.path) ? serveStatic(req, res, next) : next()));

/**
 * Scripts and stylesheets as the build compressed them (vite.config.ts: brotli 11, gzip 9),
 * held in memory (~150 KB) and sent as they are to a browser that accepts them; anything
 * else falls through to express.static (and the compression middleware). The names carry
 * content hashes, so no ETag is needed: the files never change under a name.
 */
function precompressedAssets(dir) {
  const types = { ".js": "application/javascript; charset=UTF-8", ".css": "text/css; charset=UTF-8" };
  const names = new Set(readdirSync(dir));
  const files = new Map();
  for (const name of names) {
    const type = types[path.extname(name)];
    if (type && names.has(`${name}.br`) && names.has(`${name}.gz`)) {
      files.set(`/${name}`, { type, br: readFileSync(path.join(dir, `${name}.br`)), gzip: readFileSync(path.join(dir, `${name}.gz`)) });
    }
  }
  return (req, res, next) => {
    const file = (req.method === "GET" || req.method === "HEAD") && files.get(req.path);
    if (!file) return next();
    const encoding = build.entry.module.negotiateEncoding(req.headers["accept-encoding"], ["br", "gzip"]);
    if (!encoding) return next();
    const body = file[encoding];
    res.set({
      "Content-Type": file.type,
      "Content-Encoding": encoding,
      "Content-Length": String(body.length),
      "Cache-Control": "public, max-age=31536000, immutable",
      Vary: "Accept-Encoding",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}

// The app's stylesheet (its name carries a content hash), so the short pages answered
// here, before the app runs, look like the app's own error pages.
const stylesheet = readdirSync(path.join(clientDir, "assets")).find((name) => /^styles-[\w-]+\.css$/.test(name));
const PLAIN_PAGE_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";

/** One of those pages; `text` and `link` are trusted markup. */
function sendPlainPage(res, status, title, text, link = `<a href="/">Go to Tasklane</a>`) {
  const css = stylesheet ? `<link rel="stylesheet" href="/assets/${stylesheet}">` : "";
  res.status(status).set({ "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PLAIN_PAGE_CSP }).send(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>${title} · Tasklane</title>${css}</head>` +
      `<body><header class="site-header"><div class="container header-inner"><a class="brand" href="/">Tasklane</a></div></header>` +
      `<main class="container"><section class="error-page" aria-labelledby="error-title"><p class="error-status">${status}</p><h1 id="error-title">${title}</h1><p>${text}</p><p>${link}</p></section></main></body></html>`,
  );
}

// A page form (or a fetcher's .data request) posted from another origin. Remix would
// throw on it (a bare 500); answer with a clear 403 instead. Same-origin checks for requests without an Origin (Referer,
// Sec-Fetch-Site) happen in the app's actions.
app.use((req, res, next) => {
  // Remix runs the action for any non-GET .data request, and checks POST/PUT/PATCH/DELETE
  // document requests; those are exactly the requests it would refuse with a 500.
  const isAction = ["POST", "PUT", "PATCH", "DELETE"].includes(req.method) || (req.path.endsWith(".data") && req.method !== "GET");
  if (!isAction || req.path.startsWith("/api/")) return next();
  const origin = req.get("origin");
  if (!origin) return next();
  let originHost = null;
  try {
    originHost = origin === "null" ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (originHost && originHost === req.get("host")) return next();
  res.set({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin" });
  sendPlainPage(
    res,
    403,
    "Request refused",
    "This form was sent from another site, so Tasklane did not act on it. Nothing was changed.",
    `<a href="/">Go to Tasklane</a> and try again from there.`,
  );
});

// Forms and /api/auth/* bodies are a few KiB, but Remix and Better Auth would buffer a body
// of any size in memory. Refuse a larger one (413), or one that does not declare its length
// (411; browsers always declare it, so Content-Length bounds what Node will read).
const MAX_FORM_BYTES = 64 * 1024;
app.use(async (req, res, next) => {
  const chunked = req.headers["transfer-encoding"] !== undefined;
  const length = req.headers["content-length"];
  if (!chunked && (length === undefined || Number(length) <= MAX_FORM_BYTES)) return next();
  const [status, title, detail] = chunked
    ? [411, "Length Required", "Send the form with a Content-Length."]
    : [413, "Content Too Large", `Tasklane accepts forms of up to ${MAX_FORM_BYTES / 1024} KiB.`];
  await dropUnreadBody(req);
  res.setHeader("Connection", "close");
  res.setHeader("Cache-Control", "no-store");
  if (req.path.startsWith("/api/")) return sendProblem(res, status, title, detail);
  sendPlainPage(res, status, title, `${detail} Nothing was changed.`);
});

// Same shape and exact Content-Type as the API's own problems (Express's res.type would
// add a charset).
function sendProblem(res, status, title, detail) {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/problem+json");
  res.end(JSON.stringify({ type: "about:blank", title, status, detail }));
}

// Remix's data URLs are not part of the JSON API; answered here, before any action runs.
app.use("/api", (req, res, next) => {
  if (!req.path.endsWith(".data") && !("_data" in req.query)) return next();
  sendProblem(res, 404, "Not Found", "There is no such API route.");
});

// ?_data= is Remix's pre-single-fetch data protocol, which this app's browser code never
// uses; Remix answers odd values of it with a 500. Refuse it plainly instead.
app.use((req, res, next) => {
  if (!("_data" in req.query)) return next();
  sendPlainPage(res, 400, "Bad Request", "Tasklane could not read that address.");
});

// Methods a fetch Request cannot carry (Remix would fail building one: a 500), and any a
// page does not answer: pages are read (GET) and take forms (POST); PUT, PATCH and DELETE
// belong to the JSON API under /api, which answers them itself. Without this Remix ran a
// page's form action for them as for a POST.
const PAGE_METHODS = new Set(["GET", "HEAD", "POST"]);
app.use((req, res, next) => {
  const apiMethod = req.path.startsWith("/api/") && !["TRACE", "TRACK", "CONNECT"].includes(req.method);
  if (apiMethod || PAGE_METHODS.has(req.method)) return next();
  res.setHeader("Allow", "GET, HEAD, POST");
  sendPlainPage(res, 405, "Method Not Allowed", "Tasklane does not answer that method here.");
});

// A pattern without a parameter: "*" made Express decode the path as a parameter and
// answer an address with broken %-encoding ("/%") with a bare 400 page, without the app's
// header. Remix's router copes with it, so such an address is the app's own 404 page.
app.all(/.*/, createRequestHandler({ build, mode: process.env.NODE_ENV }));

// Requests Express itself rejects before Remix (e.g. an /assets path with broken %-encoding):
// problem+json under /api, a short page elsewhere, never a stack trace.
app.use((error, req, res, _next) => {
  const status = Number.isInteger(error?.status) && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status === 500) console.error(JSON.stringify({ level: "error", event: "server.failed", message: String(error?.message ?? error) }));
  if (res.headersSent) return res.end();
  // A missing file under /assets (an old build's script, a mistyped URL) is a 404 too.
  const title = http.STATUS_CODES[status] ?? "Bad Request";
  const detail = status === 404 ? "There is nothing at this address." : "Tasklane could not read that address.";
  if (req.path.startsWith("/api/")) {
    sendProblem(res, status, title, status === 404 ? detail : "The request could not be read.");
  } else {
    sendPlainPage(res, status, title, detail);
  }
});

// ---- the JSON API, without Express or Remix -------------------------------------------------
// The benchmark showed Express, the compression stream and Remix's per-request route
// matching costing more CPU than the API's own work (token check, query, JSON). The API is
// all resource routes answering JSON, so it needs none of them: its requests go straight to
// the app's API router (the same one app/routes/api.$.ts serves under `npm run dev`).
const { handleApiRequest, isApiPath, encodeBody } = build.entry.module;
// What a refused upload may still send before the connection is dropped (see dropUnreadBody).
const UNREAD_BODY_LIMIT = { bytes: 1024 * 1024, ms: 5_000 };

function toFetchRequest(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req), duplex: "half" } : {}),
  });
}

/**
 * Reads and drops what is left of a body the API answered without reading (413, 401, 415…).
 * A client still sending would otherwise have the connection closed or stalled under it and
 * see EPIPE or a reset instead of the answer. Bounded, so an endless body cannot hold a socket.
 */
function dropUnreadBody(req) {
  if (req.complete || req.destroyed) return;
  return new Promise((resolve) => {
    let dropped = 0;
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, UNREAD_BODY_LIMIT.ms);
    // The fetch Request's stream stopped reading; take the socket's data from it.
    req.removeAllListeners("data");
    req.on("data", (chunk) => {
      dropped += chunk.length;
      if (dropped > UNREAD_BODY_LIMIT.bytes) done();
    });
    req.once("end", done);
    req.once("close", done);
    req.resume();
  });
}

async function serveApi(req, res) {
  let response;
  try {
    response = await handleApiRequest(toFetchRequest(req));
  } catch (error) {
    // Only what cannot become a fetch Request gets here (TRACE, a bad Host): the router
    // itself turns every failure into a problem response.
    res.setHeader("Cache-Control", "no-store");
    setBaselineHeaders(res);
    if (req.method === "TRACE") {
      // 405 carries Allow: the methods the path takes, as the router tells an OPTIONS request.
      const allow = (await handleApiRequest(new Request(new URL(req.url, "http://localhost"), { method: "OPTIONS" })).catch(() => null))?.headers.get("Allow");
      if (allow) res.setHeader("Allow", allow);
      return sendProblem(res, 405, "Method Not Allowed", "TRACE is not allowed here.");
    }
    if (error instanceof TypeError) return sendProblem(res, 400, "Bad Request", "The request could not be read.");
    console.error(JSON.stringify({ level: "error", event: "api.failed", message: String(error?.message ?? error) }));
    return sendProblem(res, 500, "Internal Server Error", "Something went wrong on our side. Please try again.");
  }
  await dropUnreadBody(req);
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (!req.complete) res.setHeader("Connection", "close");
  setBaselineHeaders(res);
  if (!response.body) return res.end();
  // gzip only: every HTTP client has it, and JSON this small gains little from brotli.
  const { body, encoding, varies } = await encodeBody(Buffer.from(await response.arrayBuffer()), req.headers["accept-encoding"], ["gzip"]);
  if (varies) {
    const vary = res.getHeader("Vary");
    res.setHeader("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  if (encoding) res.setHeader("Content-Encoding", encoding);
  res.setHeader("Content-Length", body.length);
  res.end(body);
}

// ---- every request ----------------------------------------------------------------------------
const RESET_LINK_TOKEN = /^(\/api\/auth\/reset-password\/)[^/]+/i;
const server = http.createServer((req, res) => {
  const started = process.hrtime.bigint();
  // A request target in absolute form (GET http://host/path, as sent to proxies) must be
  // accepted (RFC 9112 §3.2.2); the rest of the server reads origin form (/path?query).
  // Read whole, it missed the API's routes and failed Remix's URL building with a 500.
  if (!req.url.startsWith("/")) req.url = originForm(req.url);
  const requestId = randomUUID();
  const query = req.url.indexOf("?");
  const pathname = query === -1 ? req.url : req.url.slice(0, query);
  res.setHeader("X-Request-Id", requestId);
  if (stopping) res.setHeader("Connection", "close");
  res.on("finish", () => {
    // The path only: query strings can carry reset tokens and search text. Better Auth's
    // reset link (/api/auth/reset-password/<token>) carries one in the path itself.
    accessLog.info(
      { requestId, method: req.method, path: pathname.replace(RESET_LINK_TOKEN, "$1[redacted]"), status: res.statusCode, ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000 },
      "http",
    );
  });
  requestContext.run({ requestId }, () => (isApiPath(pathname) ? serveApi(req, res) : app(req, res)));
});

/** /path?query of an absolute http(s) URL; anything else becomes a path no route has (404). */
function originForm(target) {
  try {
    const url = new URL(target);
    if (url.protocol === "http:" || url.protocol === "https:") return url.pathname + url.search;
  } catch {
    // "*" (OPTIONS *), authority form, garbage
  }
  return "/.invalid-request-target";
}

// A port in use or an address the machine lacks: one line, then stop, like a bad variable.
function cannotListen(error) {
  const where = `${env.host ?? "port"} ${env.port}`;
  console.error(error.code === "EADDRINUSE" ? `Cannot listen on ${where}: it is in use (EADDRINUSE). Stop the other server or set PORT.` : `Cannot listen on ${where}: ${error.message}`);
  Promise.resolve(build.entry.module.closeDb?.()).finally(() => process.exit(1));
}
server.once("error", cannotListen);
server.listen(env.port, env.host, () => {
  server.off("error", cannotListen);
  // A JSON line like every other (README: Logs); url is where users open the app.
  accessLog.info({ url: env.baseURL, host: env.host ?? "*", port: env.port }, "listening");
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    stopping = true;
    // Stop accepting; requests in flight finish; then mail on its way (5 s at most) is
    // waited for while the database is closed (mail does not need it).
    const force = setTimeout(() => {
      console.error("Shutdown took longer than 10 s; exiting anyway.");
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close(async () => {
      try {
        await Promise.all([build.entry.module.drainMail?.(), build.entry.module.closeDb?.()]);
      } finally {
        process.exit(0);
      }
    });
    server.closeIdleConnections();
  });
}
