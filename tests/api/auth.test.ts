// Bearer tokens over real HTTP: the token flow with fetch alone, an attack matrix (each a
// 401), sessions that end, the in-memory key set, and a second JWT implementation (Node's
// own crypto, not jose) verifying our tokens from /api/auth/jwks.
import { createHmac, createPublicKey, verify as cryptoVerify, type JsonWebKey as NodeJsonWebKey } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { symmetricDecrypt } from "better-auth/crypto";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../helpers/client";
import { backends, startServer, type TestServer } from "../helpers/server";
import {
  apiUser,
  authPost,
  call,
  createTask,
  decodePart,
  encodePart,
  expectUnauthorized,
  mintToken,
  signIn,
  type ApiUser,
} from "./api-client";

const SECRET = "api-auth-test-secret-" + "k".repeat(32);
const now = () => Math.floor(Date.now() / 1000);

/** Better Auth stores the private JWK encrypted with the secret; tests may decrypt it. */
async function realSigningKey(server: TestServer) {
  const [row] = await server.sql<{ id: string; private_key: string }>(
    "select id, private_key from jwks order by created_at desc limit 1",
  );
  const stored = JSON.parse(row!.private_key) as string;
  const hex = stored.startsWith("$ba$") ? stored.slice(stored.indexOf("$", 4) + 1) : stored;
  const jwk = JSON.parse(await symmetricDecrypt({ key: SECRET, data: hex })) as JWK;
  return { kid: row!.id, key: await importJWK(jwk, "EdDSA") };
}

describe.each(backends)("API bearer tokens (%s)", (backend) => {
  let server: TestServer;
  let alice: ApiUser;
  let bob: ApiUser;
  let signing: Awaited<ReturnType<typeof realSigningKey>>;
  let aliceSid: string;

  /** A token signed with Better Auth's own key: only the claims under test are wrong. */
  const forge = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: signing.kid, ...header }).sign(signing.key);
  /** Signs any header with the real key, bypassing jose's own checks (e.g. of crit). */
  const signRaw = async (header: Record<string, unknown>, claims: Record<string, unknown>) => {
    const input = `${encodePart(header)}.${encodePart(claims)}`;
    const signature = await crypto.subtle.sign({ name: "Ed25519" }, signing.key as CryptoKey, new TextEncoder().encode(input));
    return `${input}.${Buffer.from(signature).toString("base64url")}`;
  };
  const goodClaims = () => ({
    sub: alice.id,
    sid: aliceSid,
    iss: server.url,
    aud: server.url,
    iat: now(),
    exp: now() + 600,
  });

  beforeAll(async () => {
    server = await startServer(backend, { env: { BETTER_AUTH_SECRET: SECRET } });
    alice = await apiUser(server, "alice");
    bob = await apiUser(server, "bob");
    aliceSid = decodePart(alice.token.split(".")[1]!).sid as string;
    // Reads the key row (PGlite: the helper steps the server aside for it, then restarts).
    signing = await realSigningKey(server);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  describe("the token flow, with fetch only", () => {
    it("signs up, signs in, exchanges the session for a JWT and calls the API", async () => {
      const user = await apiUser(server, "flow");
      const created = await call(server, "POST", "/api/tasks", { token: user.token, json: { title: "From fetch" } });
      expect(created.status).toBe(201);
      const list = await call(server, "GET", "/api/tasks", { token: user.token });
      expect(list.body.tasks.map((t: { title: string }) => t.title)).toEqual(["From fetch"]);
    });

    it("works from a script as DESIGN.md writes it: Node's fetch, no Origin (it sends Sec-Fetch-Mode: cors)", async () => {
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const email = `script-${Date.now()}@example.com`;
      expect((await post("/api/auth/sign-up/email", { name: "Script", email, password: PASSWORD })).status).toBe(200);
      const signedIn = await post("/api/auth/sign-in/email", { email, password: PASSWORD });
      expect(signedIn.status).toBe(200);
      const session = signedIn.headers.get("set-auth-token")!;
      const token = await fetch(`${server.url}/api/auth/token`, { headers: { Authorization: `Bearer ${session}` } });
      expect(((await token.json()) as { token: string }).token.split(".")).toHaveLength(3);
    });

    it("still refuses a browser-like request with cookies and no Origin (what a forged form could send)", async () => {
      const res = await fetch(`${server.url}/api/auth/sign-out`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: "better-auth.session_token=x", "Sec-Fetch-Site": "cross-site" },
        body: "{}",
      });
      expect(res.status).toBe(403);
    });

    it("lets no cache keep a session or a token: Cache-Control no-store on Better Auth's answers, not on the public keys", async () => {
      const signedIn = await authPost(server, "/api/auth/sign-in/email", { email: alice.email, password: alice.password });
      expect(signedIn.headers.get("set-auth-token")).toBeTruthy();
      expect(signedIn.headers.get("cache-control")).toBe("no-store");
      const token = await fetch(`${server.url}/api/auth/token`, { headers: { Authorization: `Bearer ${alice.session}` } });
      expect(token.status).toBe(200);
      expect(token.headers.get("cache-control")).toBe("no-store");
      const session = await fetch(`${server.url}/api/auth/get-session`, { headers: { Authorization: `Bearer ${alice.session}` } });
      expect(session.headers.get("cache-control")).toBe("no-store");
      expect((await fetch(`${server.url}/api/auth/jwks`)).headers.get("cache-control")).not.toBe("no-store");
    });

    it("mints a small EdDSA JWT: kid, iss = aud = base URL, sub, sid, exp from JWT_EXPIRES_IN, no personal data", () => {
      const [h, p] = alice.token.split(".");
      const header = decodePart(h!);
      const payload = decodePart(p!);
      expect(header).toEqual({ alg: "EdDSA", kid: signing.kid });
      expect(Object.keys(payload).sort()).toEqual(["aud", "exp", "iat", "iss", "sid", "sub"]);
      expect(payload).toMatchObject({ iss: server.url, aud: server.url, sub: alice.id });
      expect((payload.exp as number) - (payload.iat as number)).toBe(900);
      expect(JSON.stringify(payload)).not.toContain(alice.email);
    });

    it("accepts a token forged with the real key and right claims (the control for the matrix below)", async () => {
      expect((await call(server, "GET", "/api/tasks", { token: await forge(goodClaims()) })).status).toBe(200);
      expect((await call(server, "GET", "/api/tasks", { token: await signRaw({ alg: "EdDSA", kid: signing.kid, typ: "JWT" }, goodClaims()) })).status).toBe(200);
      // The scheme name is case-insensitive (RFC 7235).
      const lower = await fetch(`${server.url}/api/tasks`, { headers: { Authorization: `bearer ${alice.token}` } });
      expect(lower.status).toBe(200);
    });
  });

  describe("attack matrix: every one is a 401 with error=\"invalid_token\"", () => {
    const cases: [string, () => Promise<string>][] = [
      ["alg none", async () => `${encodePart({ alg: "none", kid: signing.kid })}.${encodePart(goodClaims())}.`],
      ["alg none, no signature part", async () => `${encodePart({ alg: "none", typ: "JWT" })}.${encodePart(goodClaims())}`],
      [
        "HS256 signed with the public key (x)",
        async () => {
          const jwk = (await call(server, "GET", "/api/auth/jwks")).body.keys[0];
          const input = `${encodePart({ alg: "HS256", kid: signing.kid })}.${encodePart(goodClaims())}`;
          const mac = createHmac("sha256", Buffer.from(jwk.x, "base64url")).update(input).digest("base64url");
          return `${input}.${mac}`;
        },
      ],
      [
        "HS256 signed with the public key (PEM)",
        async () => {
          const jwk = (await call(server, "GET", "/api/auth/jwks")).body.keys[0];
          const pem = createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" });
          const input = `${encodePart({ alg: "HS256", kid: signing.kid })}.${encodePart(goodClaims())}`;
          return `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`;
        },
      ],
      ["expired", async () => forge({ ...goodClaims(), iat: now() - 1000, exp: now() - 1 })],
      ["nbf in the future", async () => forge({ ...goodClaims(), nbf: now() + 3600 })],
      ["wrong iss", async () => forge({ ...goodClaims(), iss: "https://evil.example.com" })],
      ["wrong aud", async () => forge({ ...goodClaims(), aud: "https://other-service.example.com" })],
      ["aud list without us", async () => forge({ ...goodClaims(), aud: ["https://a.example.com", "https://b.example.com"] })],
      ["no exp", async () => forge({ ...goodClaims(), exp: undefined })],
      ["no sub", async () => forge({ ...goodClaims(), sub: undefined })],
      ["no sid", async () => forge({ ...goodClaims(), sid: undefined })],
      ["sid of another user's session", async () => forge({ ...goodClaims(), sid: decodePart(bob.token.split(".")[1]!).sid })],
      ["sid that never existed", async () => forge({ ...goodClaims(), sid: "no-such-session" })],
      ["sub of a user who is not the session's", async () => forge({ ...goodClaims(), sub: bob.id })],
      [
        "unknown kid",
        async () => {
          const { privateKey } = await generateKeyPair("EdDSA");
          return new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA", kid: "attacker-key" }).sign(privateKey);
        },
      ],
      [
        "real kid, attacker's key",
        async () => {
          const { privateKey } = await generateKeyPair("EdDSA");
          return new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA", kid: signing.kid }).sign(privateKey);
        },
      ],
      ["no kid", async () => new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA" }).sign(signing.key)],
      [
        "tampered payload (sub changed, signature kept)",
        async () => {
          const [h, p, s] = alice.token.split(".");
          return `${h}.${encodePart({ ...decodePart(p!), sub: bob.id })}.${s}`;
        },
      ],
      [
        "tampered payload (exp extended, signature kept)",
        async () => {
          const [h, p, s] = alice.token.split(".");
          return `${h}.${encodePart({ ...decodePart(p!), exp: now() + 86400 * 365 })}.${s}`;
        },
      ],
      [
        "embedded jwk header with the attacker's key",
        async () => {
          const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
          const jwk = await exportJWK(publicKey);
          return new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA", kid: "attacker", jwk }).sign(privateKey);
        },
      ],
      [
        "embedded jwk header reusing the real kid",
        async () => {
          const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
          const jwk = { ...(await exportJWK(publicKey)), kid: signing.kid };
          return new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA", kid: signing.kid, jwk }).sign(privateKey);
        },
      ],
      // Signed with the real key: refused for the header parameter alone.
      ["crit header", async () => signRaw({ alg: "EdDSA", kid: signing.kid, crit: ["exp"] }, goodClaims())],
      ["crit header naming an unknown extension", async () => signRaw({ alg: "EdDSA", kid: signing.kid, crit: ["x-tasklane"], "x-tasklane": true }, goodClaims())],
      ["x5c header", async () => signRaw({ alg: "EdDSA", kid: signing.kid, x5c: ["MIIB"] }, goodClaims())],
      ["typ that is not a JWT", async () => forge(goodClaims(), { typ: "dpop+jwt" })],
      ["kid that is not a string", async () => signRaw({ alg: "EdDSA", kid: 42 }, goodClaims())],
      ["a Better Auth session token", async () => alice.session],
      ["a raw session token (unsigned part)", async () => alice.session.split(".")[0]!],
      ["garbage", async () => "not-a-token"],
      ["three empty parts", async () => ".."],
      ["over-long token", async () => `${alice.token}${"A".repeat(5000)}`],
    ];

    it.each(cases)("%s", async (_name, make) => {
      const token = await make();
      expectUnauthorized(await call(server, "GET", "/api/tasks", { token }));
      expectUnauthorized(await call(server, "POST", `/api/${alice.id}/tasks`, { token, json: { title: "x" } }));
    });

    it("a malformed Bearer header that carries a token: followed by more, or sent twice", async () => {
      for (const authorization of [`Bearer ${alice.token} extra`, `Bearer ${alice.token}, Bearer ${alice.token}`, "Bearer"]) {
        expectUnauthorized(await call(server, "GET", "/api/tasks", { headers: { Authorization: authorization } }), true);
      }
    });

    it("never fetches a jku or x5u URL named in a token", async () => {
      const hits: string[] = [];
      const trap = http.createServer((req, res) => {
        hits.push(req.url ?? "");
        res.end(JSON.stringify({ keys: [] }));
      });
      await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
      try {
        const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
        const attackerJwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "evil" }] };
        expect(attackerJwks.keys).toHaveLength(1);
        for (const header of [
          { jku: `${url}/jwks.json`, kid: "evil" },
          { x5u: `${url}/cert.pem`, kid: "evil" },
          { jku: `${url}/jwks.json`, kid: signing.kid },
        ]) {
          const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA", ...header }).sign(privateKey);
          expectUnauthorized(await call(server, "GET", "/api/tasks", { token }));
          // The same header on a token signed with the real key is refused too.
          expectUnauthorized(await call(server, "GET", "/api/tasks", { token: await forge(goodClaims(), header) }));
        }
        expect(hits).toEqual([]);
      } finally {
        await new Promise((resolve) => trap.close(resolve));
      }
    });
  });

  describe("a token lives only as long as its session", () => {
    it("is refused right after sign-out", async () => {
      const user = await apiUser(server, "signout");
      expect((await call(server, "GET", "/api/tasks", { token: user.token })).status).toBe(200);
      const out = await authPost(server, "/api/auth/sign-out", {}, { Authorization: `Bearer ${user.session}` });
      expect(out.status).toBe(200);
      expectUnauthorized(await call(server, "GET", "/api/tasks", { token: user.token }));
    });

    it("is refused once its session is revoked from another session", async () => {
      const user = await apiUser(server, "revoke");
      const second = await signIn(server, user.email);
      const victimToken = await mintToken(server, second.session);
      expect((await call(server, "GET", "/api/tasks", { token: victimToken })).status).toBe(200);
      const sessionToken = second.session.split(".")[0]!;
      const revoke = await authPost(server, "/api/auth/revoke-session", { token: sessionToken }, { Authorization: `Bearer ${user.session}` });
      expect(revoke.status).toBe(200);
      expectUnauthorized(await call(server, "GET", "/api/tasks", { token: victimToken }));
      expect((await call(server, "GET", "/api/tasks", { token: user.token })).status).toBe(200);
    });

    it("is refused after a password change that signs out other sessions", async () => {
      const user = await apiUser(server, "password");
      const other = await signIn(server, user.email);
      const otherToken = await mintToken(server, other.session);
      const change = await authPost(
        server,
        "/api/auth/change-password",
        { currentPassword: PASSWORD, newPassword: "another long password", revokeOtherSessions: true },
        { Authorization: `Bearer ${user.session}` },
      );
      expect(change.status).toBe(200);
      expectUnauthorized(await call(server, "GET", "/api/tasks", { token: otherToken }));
    });

    it("is refused once the account is deleted", async () => {
      const user = await apiUser(server, "delete");
      await createTask(server, user.token);
      const del = await authPost(server, "/api/auth/delete-user", { password: PASSWORD }, { Authorization: `Bearer ${user.session}` });
      expect(del.status).toBe(200);
      expectUnauthorized(await call(server, "GET", "/api/tasks", { token: user.token }));
      expectUnauthorized(await call(server, "GET", `/api/${user.id}/tasks`, { token: user.token }));
    });

    it("is refused when its session has expired in the database", async () => {
      const user = await apiUser(server, "expiry");
      const sid = decodePart(user.token.split(".")[1]!).sid as string;
      await server.sql("update session set expires_at = now() - interval '1 minute' where id = $1", [sid]);
      expectUnauthorized(await call(server, "GET", "/api/tasks", { token: user.token }));
    });
  });

  describe("the key set", () => {
    const loads = () => (server.logs().match(/"event":"api\.jwks_loaded"/g) ?? []).length;

    it("verifies from memory: many requests, no reload", async () => {
      await call(server, "GET", "/api/tasks", { token: alice.token });
      const before = loads();
      for (let i = 0; i < 20; i++) expect((await call(server, "GET", "/api/tasks", { token: alice.token })).status).toBe(200);
      expect(loads()).toBe(before);
    });

    it("reloads at most once per 10 s however many unknown kids arrive", async () => {
      const { privateKey } = await generateKeyPair("EdDSA");
      const before = loads();
      const results = await Promise.all(
        Array.from({ length: 25 }, async (_, i) => {
          const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA", kid: `random-${i}` }).sign(privateKey);
          return call(server, "GET", "/api/tasks", { token });
        }),
      );
      for (const r of results) expectUnauthorized(r);
      expect(loads() - before).toBeLessThanOrEqual(1);
    });

    it("picks up a key added to the jwks table when a token names it", async () => {
      const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
      const kid = `rotated-${Date.now()}`;
      const publicJwk = await exportJWK(publicKey);
      // An old created_at keeps Better Auth signing with its current key.
      await server.sql(
        "insert into jwks (id, public_key, private_key, created_at, alg, crv) values ($1, $2, 'unused', '2000-01-01', 'EdDSA', 'Ed25519')",
        [kid, JSON.stringify(publicJwk)],
      );
      // Past the reload throttle of any earlier unknown kid (on PGlite the edit restarted
      // the server, so its key set starts empty anyway).
      if (backend === "postgres") await new Promise((r) => setTimeout(r, 10_500));
      const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: "EdDSA", kid }).sign(privateKey);
      const res = await call(server, "GET", "/api/tasks", { token });
      expect(res.status, res.text).toBe(200);
      // Better Auth still mints with its own key.
      const fresh = await mintToken(server, (await signIn(server, alice.email)).session);
      expect(decodePart(fresh.split(".")[0]!).kid).toBe(signing.kid);
      await server.sql("delete from jwks where id = $1", [kid]);
    }, 40_000);
  });

  describe("interop: a second JWT implementation", () => {
    it("verifies our token with Node's crypto and the key from /api/auth/jwks", async () => {
      const token = alice.token;
      const [h, p, s] = token.split(".") as [string, string, string];
      const header = decodePart(h);
      const jwks = (await (await fetch(`${server.url}/api/auth/jwks`)).json()) as { keys: (NodeJsonWebKey & { kid: string; alg: string })[] };
      const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
      expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
      expect(jwk).not.toHaveProperty("d");
      const key = createPublicKey({ key: jwk, format: "jwk" });
      expect(key.asymmetricKeyType).toBe("ed25519");
      expect(cryptoVerify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"))).toBe(true);
      // A flipped bit anywhere fails.
      const tampered = encodePart({ ...decodePart(p), sub: "someone-else" });
      expect(cryptoVerify(null, Buffer.from(`${h}.${tampered}`), key, Buffer.from(s, "base64url"))).toBe(false);
      const claims = decodePart(p);
      expect(claims.iss).toBe(server.url);
      expect(claims.aud).toBe(server.url);
      expect(claims.exp as number).toBeGreaterThan(now());
    });
  });
});
