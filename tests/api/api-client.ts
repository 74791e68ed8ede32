// Helpers for the JSON API suites: accounts and tokens made with fetch alone (as an external
// client would), and a small caller that returns status, headers and parsed body.
import { expect } from "vitest";
import { PASSWORD, uniqueEmail } from "../helpers/client";
import type { TestServer } from "../helpers/server";

export type ApiResult = { status: number; headers: Headers; body: any; text: string };

export type CallOptions = {
  /** JSON-encoded with Content-Type: application/json. */
  json?: unknown;
  /** A raw body; set Content-Type yourself in headers. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Bearer token; null sends no Authorization header. */
  token?: string | null;
};

export async function call(server: TestServer, method: string, path: string, options: CallOptions = {}): Promise<ApiResult> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.json);
  }
  const response = await fetch(new URL(path, server.url), { method, headers, body: body as BodyInit | undefined, redirect: "manual" });
  const text = await response.text();
  let parsed: unknown = undefined;
  const type = response.headers.get("content-type") ?? "";
  if (/json/.test(type) && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Asserts an RFC 9457 problem with this status; returns its body. */
export function expectProblem(result: ApiResult, status: number) {
  expect(result.status, result.text).toBe(status);
  expect(result.headers.get("content-type")).toBe("application/problem+json");
  expect(result.body).toMatchObject({ type: "about:blank", status });
  expect(typeof result.body.title).toBe("string");
  expect(typeof result.body.detail).toBe("string");
  expect(result.text).not.toMatch(/\bat .+\(.*:\d+:\d+\)|node_modules|\.ts:\d+/);
  return result.body as { type: string; title: string; status: number; detail: string; errors?: { field: string; message: string }[] };
}

/** Asserts a 401 with the RFC 6750 challenge (error="invalid_token" when a token was sent). */
export function expectUnauthorized(result: ApiResult, tokenSent = true) {
  expectProblem(result, 401);
  expect(result.headers.get("www-authenticate")).toBe(
    tokenSent ? 'Bearer realm="tasklane", error="invalid_token"' : 'Bearer realm="tasklane"',
  );
}

export type ApiUser = {
  id: string;
  email: string;
  password: string;
  /** The Better Auth session token (set-auth-token), for /api/auth/* calls. */
  session: string;
  /** A JWT for /api/*. */
  token: string;
};

/**
 * A JSON POST to /api/auth/* with this site's Origin, as the app's own pages send it (a
 * script needs none: "works from a script" in auth.test.ts).
 */
export function authPost(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(new URL(path, server.url), {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: server.url, ...headers },
    body: JSON.stringify(body),
  });
}

/** Signs in with email and password; returns the session token from set-auth-token. */
export async function signIn(server: TestServer, email: string, password = PASSWORD): Promise<{ session: string; userId: string }> {
  const response = await authPost(server, "/api/auth/sign-in/email", { email, password });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const session = response.headers.get("set-auth-token");
  if (!session) throw new Error("sign-in gave no set-auth-token header");
  const body = (await response.json()) as { user: { id: string } };
  return { session, userId: body.user.id };
}

/** GET /api/auth/token with the session token as bearer. */
export async function mintToken(server: TestServer, session: string): Promise<string> {
  const response = await fetch(new URL("/api/auth/token", server.url), { headers: { Authorization: `Bearer ${session}` } });
  if (response.status !== 200) throw new Error(`/api/auth/token failed: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return token;
}

/** A fresh account, signed in, with a JWT — all through Better Auth's HTTP endpoints. */
export async function apiUser(server: TestServer, label = "api"): Promise<ApiUser> {
  const email = uniqueEmail(label);
  const signUp = await authPost(server, "/api/auth/sign-up/email", { name: `${label} user`, email, password: PASSWORD });
  if (signUp.status !== 200) throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`);
  const { session, userId } = await signIn(server, email);
  return { id: userId, email, password: PASSWORD, session, token: await mintToken(server, session) };
}

/** Creates a task through the canonical API; returns its JSON. */
export async function createTask(server: TestServer, token: string, input: Record<string, unknown> = { title: "A task" }) {
  const result = await call(server, "POST", "/api/tasks", { token, json: input });
  expect(result.status, result.text).toBe(201);
  return result.body as Record<string, any> & { id: string };
}

export function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

export function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
