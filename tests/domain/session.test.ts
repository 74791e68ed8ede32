// Pages read the session through a fast path (app/session.server.ts) instead of
// auth.api.getSession; it must answer exactly what Better Auth would, for every cookie.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/server";
import { loadDomain, type Domain } from "./load-domain";

describe.each(backends)("the page session check (%s)", (backend) => {
  let d: Domain;
  let auth: typeof import("~/auth.server").auth;
  let getSession: typeof import("~/session.server").getSession;
  let cookieName: string;

  beforeAll(async () => {
    d = await loadDomain(backend);
    ({ auth } = await import("~/auth.server"));
    ({ getSession } = await import("~/session.server"));
    cookieName = (await auth.$context).authCookies.sessionToken.name;
  }, 60_000);
  afterAll(async () => {
    await d?.close();
  });

  /** Signs a new user up and returns the session cookie Better Auth set, still encoded. */
  async function signedCookie(): Promise<string> {
    const email = `s-${Math.random().toString(36).slice(2)}@example.com`;
    const res = await auth.api.signUpEmail({ body: { name: "Sam", email, password: "correct horse battery" }, asResponse: true });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`));
    return cookie!.split(";")[0]!.slice(cookieName.length + 1);
  }

  async function both(cookieHeader: string | null) {
    const headers = new Headers(cookieHeader === null ? {} : { cookie: cookieHeader });
    const ours = await getSession(new Request("http://localhost/tasks", { headers }));
    const theirs = await auth.api.getSession({ headers });
    return { ours, theirs };
  }

  it("returns the same session and user as auth.api.getSession for a valid cookie", async () => {
    const value = await signedCookie();
    const { ours, theirs } = await both(`theme=dark; ${cookieName}=${value}; other=1`);
    expect(theirs).not.toBeNull();
    expect(ours).toEqual(theirs);
  });

  it("agrees on no session for missing, forged, unsigned and unknown cookies", async () => {
    const value = decodeURIComponent(await signedCookie());
    const [token, signature] = value.split(".") as [string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const header of [
      null,
      "",
      "theme=dark",
      `${cookieName}=`,
      `${cookieName}=${encodeURIComponent(`${token}.${flip(signature)}`)}`,
      `${cookieName}=${encodeURIComponent(`${flip(token)}.${signature}`)}`,
      `${cookieName}=${token}`,
      `${cookieName}=%E0%A4%A`,
      `${cookieName}="${encodeURIComponent(value)}`,
    ]) {
      const { ours, theirs } = await both(header);
      expect([header, ours], String(header)).toEqual([header, theirs]);
      expect(ours).toBeNull();
    }
  });

  it("reads the first of two session cookies, as Better Auth does", async () => {
    const first = await signedCookie();
    const second = await signedCookie();
    const { ours, theirs } = await both(`${cookieName}=${first}; ${cookieName}=${second}`);
    expect(ours).toEqual(theirs);
    expect(ours?.user.name).toBe("Sam");
  });
});
