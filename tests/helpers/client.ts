// A tiny browser stand-in for HTTP tests: a cookie jar, same-site Origin by default and
// no automatic redirects, so every status code and Location can be asserted.
import http from "node:http";
import type { TestServer } from "./server";

export const SESSION_COOKIE = "better-auth.session_token";

type RequestOptions = {
  method?: string;
  /** Sent as application/x-www-form-urlencoded, like an HTML form (undefined fields are left out). */
  form?: Record<string, string | undefined>;
  json?: unknown;
  /** Sent as multipart/form-data (fetch sets the boundary). */
  multipart?: FormData;
  headers?: Record<string, string>;
  /** Origin header: the server's own by default (POST); null sends none. */
  origin?: string | null;
  /** Send no cookies from the jar. */
  anonymous?: boolean;
};

export class Client {
  readonly cookies = new Map<string, string>();

  constructor(private readonly server: TestServer) {}

  get(path: string, options: Omit<RequestOptions, "method" | "form" | "json"> = {}) {
    return this.request(path, { ...options, method: "GET" });
  }

  post(path: string, form: Record<string, string | undefined>, options: Omit<RequestOptions, "method" | "form"> = {}) {
    return this.request(path, { ...options, method: "POST", form });
  }

  postJson(path: string, json: unknown, options: Omit<RequestOptions, "method" | "json"> = {}) {
    return this.request(path, { ...options, method: "POST", json });
  }

  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? "GET";
    const headers = new Headers(options.headers);
    const origin = options.origin === undefined ? (method === "GET" ? null : this.server.url) : options.origin;
    if (origin !== null) headers.set("Origin", origin);
    if (!options.anonymous && this.cookies.size > 0) {
      headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    let body: string | FormData | undefined = options.multipart;
    if (options.form) {
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      const fields = Object.entries(options.form).filter((e): e is [string, string] => e[1] !== undefined);
      body = new URLSearchParams(fields).toString();
    } else if (options.json !== undefined) {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(options.json);
    }
    const response = await fetch(new URL(path, this.server.url), { method, headers, body, redirect: "manual" });
    this.store(response);
    return response;
  }

  private store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((a) => {
        const [k, v] = a.trim().split("=");
        if (k!.toLowerCase() === "max-age") return Number(v) <= 0;
        if (k!.toLowerCase() === "expires") return new Date(a.trim().slice(8)).getTime() <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The raw session token (the part of the signed cookie before the signature). */
  sessionToken(): string | undefined {
    const cookie = this.cookies.get(SESSION_COOKIE);
    return cookie ? decodeURIComponent(cookie).split(".")[0] : undefined;
  }

  /** A copy that shares nothing: another browser. */
  clone(): Client {
    const other = new Client(this.server);
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }
}

let counter = 0;
/** A unique email per call, so per-account rate limits never collide between tests. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`;
}

export const PASSWORD = "correct horse battery staple";

/** Signs up a fresh user through the HTML form; returns the signed-in client. */
export async function signUp(server: TestServer, fields: Partial<{ name: string; email: string; password: string }> = {}) {
  const client = new Client(server);
  const account = { name: "Test User", email: uniqueEmail(), password: PASSWORD, ...fields };
  const response = await client.post("/sign-up", account);
  if (response.status !== 302) {
    throw new Error(`sign-up failed with ${response.status}: ${(await response.text()).slice(0, 500)}`);
  }
  return { client, ...account };
}

/** Body text without tags, for asserting what the page says. */
export async function pageText(response: Response): Promise<string> {
  const html = await response.text();
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/**
 * A body sent in chunks with no Content-Length (Transfer-Encoding: chunked): `head`, then
 * `chunks` × 16 KiB of "x", then `tail`. Pass it to fetch with `duplex: "half"`.
 */
export function chunkedBody(head: string, chunks: number, tail = ""): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const parts = [head, ...Array.from({ length: chunks }, () => "x".repeat(16 * 1024)), tail];
  return new ReadableStream({
    pull(controller) {
      const next = parts.shift();
      if (next === undefined) return controller.close();
      controller.enqueue(encoder.encode(next));
    },
  });
}

/**
 * A request through node:http, which (unlike fetch) leaves the body as the server encoded
 * it, for asserting Content-Encoding and the compressed bytes themselves.
 */
export function rawRequest(url: string, { method = "GET", headers = {} }: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}
