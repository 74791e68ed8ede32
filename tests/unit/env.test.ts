import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/server";

// Importing env.server also runs `export const env = loadEnv()` on process.env: give it a
// private DATA_DIR first, so the import cannot touch ./data.
const scratch = mkdtempSync(path.join(os.tmpdir(), "tasklane-env-"));
process.env.DATA_DIR = path.join(scratch, "import");
delete process.env.DATABASE_URL;
const { parseEnv, EnvError, envVariables } = await import("~/env.server");

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let dirCount = 0;
const dataDir = () => path.join(scratch, `d${++dirCount}`);
const SECRET = "s".repeat(32);

function errorOf(raw: Record<string, string | undefined>): string {
  try {
    parseEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("parseEnv accepted " + JSON.stringify(raw));
}

describe("parseEnv", () => {
  it("applies the documented defaults for a local install", () => {
    const dir = dataDir();
    const env = parseEnv({ DATA_DIR: dir });
    expect(env.port).toBe(3000);
    expect(env.host).toBeUndefined();
    expect(env.databaseUrl).toBeUndefined();
    expect(env.dataDir).toBe(path.resolve(dir));
    expect(env.baseURL).toBe("http://localhost:3000");
    expect(env.trustedOrigins).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);
    expect(env.corsOrigins).toEqual([]);
    expect(env.jwtExpiresIn).toBe("15m");
    expect(env.smtpUrl).toBeUndefined();
    expect(env.clientIpHeader).toBeUndefined();
    expect(env.mailFrom).toMatch(/@/);
  });

  it("defaults DATA_DIR to ./data", () => {
    // With a secret given, nothing is written, so the default can be checked safely.
    expect(parseEnv({ BETTER_AUTH_SECRET: SECRET }).dataDir).toBe(path.resolve("data"));
  });

  it("generates a secret once into DATA_DIR (mode 600) and reuses it", () => {
    const dir = dataDir();
    const first = parseEnv({ DATA_DIR: dir }).secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseEnv({ DATA_DIR: dir }).secret).toBe(first);
    expect(parseEnv({ DATA_DIR: dataDir() }).secret).not.toBe(first);
  });

  it("refuses a generated-secret file that was emptied or cut short, rather than run on a weak secret", () => {
    for (const content of ["", "short\n"]) {
      const dir = dataDir();
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "auth-secret"), content);
      expect(errorOf({ DATA_DIR: dir })).toMatch(/^Invalid environment variable DATA_DIR: .*auth-secret holds fewer than 32 characters; delete it/);
    }
  });

  it("names DATA_DIR when the secret cannot be kept there", () => {
    const file = path.join(scratch, "a-file");
    writeFileSync(file, "");
    expect(errorOf({ DATA_DIR: path.join(file, "data") })).toMatch(/^Invalid environment variable DATA_DIR: cannot keep the generated secret in .* \(ENOTDIR\)$/);
  });

  it("uses a given BETTER_AUTH_SECRET", () => {
    expect(parseEnv({ DATA_DIR: dataDir(), BETTER_AUTH_SECRET: SECRET }).secret).toBe(SECRET);
  });

  it("treats empty values as unset", () => {
    const env = parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: "", PORT: "", BETTER_AUTH_URL: " ", SMTP_URL: "" });
    expect(env.databaseUrl).toBeUndefined();
    expect(env.port).toBe(3000);
    expect(env.smtpUrl).toBeUndefined();
  });

  it("follows PORT in the default base URL", () => {
    const env = parseEnv({ DATA_DIR: dataDir(), PORT: "8080" });
    expect(env.port).toBe(8080);
    expect(env.baseURL).toBe("http://localhost:8080");
  });

  it.each(["abc", "0", "70000", "3.5", "-1"])("refuses PORT=%j naming PORT", (value) => {
    expect(errorOf({ DATA_DIR: dataDir(), PORT: value })).toBe("Invalid environment variable PORT: must be a port number from 1 to 65535");
  });

  it("accepts a Postgres DATABASE_URL with a long enough secret", () => {
    const env = parseEnv({ DATABASE_URL: "postgres://u@db:5432/app", BETTER_AUTH_SECRET: SECRET });
    expect(env.databaseUrl).toBe("postgres://u@db:5432/app");
    expect(parseEnv({ DATABASE_URL: "postgresql://u@db/app", BETTER_AUTH_SECRET: SECRET }).databaseUrl).toBe("postgresql://u@db/app");
  });

  it("refuses a DATABASE_URL that is not Postgres", () => {
    expect(errorOf({ DATABASE_URL: "mysql://u@db/app", BETTER_AUTH_SECRET: SECRET })).toMatch(
      /^Invalid environment variable DATABASE_URL: must start with postgres:\/\//,
    );
  });

  it("requires BETTER_AUTH_SECRET when DATABASE_URL is set", () => {
    expect(errorOf({ DATABASE_URL: "postgres://u@db/app" })).toMatch(/^Invalid environment variable BETTER_AUTH_SECRET: required/);
  });

  it("refuses a secret shorter than 32 characters", () => {
    expect(errorOf({ DATA_DIR: dataDir(), BETTER_AUTH_SECRET: "short" })).toMatch(
      /^Invalid environment variable BETTER_AUTH_SECRET: must be at least 32 characters/,
    );
  });

  it("takes BETTER_AUTH_URL without a trailing slash; https trusts only itself", () => {
    const env = parseEnv({ DATA_DIR: dataDir(), BETTER_AUTH_URL: "https://tasks.example.com/" });
    expect(env.baseURL).toBe("https://tasks.example.com");
    expect(env.trustedOrigins).toEqual(["https://tasks.example.com"]);
  });

  it("trusts localhost as well when BETTER_AUTH_URL is 127.0.0.1", () => {
    const env = parseEnv({ DATA_DIR: dataDir(), BETTER_AUTH_URL: "http://127.0.0.1:4000" });
    expect(env.trustedOrigins).toEqual(["http://127.0.0.1:4000", "http://localhost:4000"]);
  });

  it.each(["not a url", "ftp://files.example.com", "tasks.example.com"])("refuses BETTER_AUTH_URL=%j", (value) => {
    expect(errorOf({ DATA_DIR: dataDir(), BETTER_AUTH_URL: value })).toMatch(/^Invalid environment variable BETTER_AUTH_URL: /);
  });

  it("splits CORS_ORIGINS into origins", () => {
    const env = parseEnv({ DATA_DIR: dataDir(), CORS_ORIGINS: "https://a.example, https://b.example:8443/ ,," });
    expect(env.corsOrigins).toEqual(["https://a.example", "https://b.example:8443"]);
  });

  it.each(["https://a.example/path", "a.example", "*"])("refuses CORS_ORIGINS=%j", (value) => {
    expect(errorOf({ DATA_DIR: dataDir(), CORS_ORIGINS: value })).toMatch(/^Invalid environment variable CORS_ORIGINS: /);
  });

  it.each([
    ["900s", "900s"],
    ["1h", "1h"],
    ["1 d", "1d"],
  ])("accepts JWT_EXPIRES_IN=%j", (value, expected) => {
    expect(parseEnv({ DATA_DIR: dataDir(), JWT_EXPIRES_IN: value }).jwtExpiresIn).toBe(expected);
  });

  it.each(["15 minutes", "15", "m", "-5m", "0s", "00m"])("refuses JWT_EXPIRES_IN=%j", (value) => {
    expect(errorOf({ DATA_DIR: dataDir(), JWT_EXPIRES_IN: value })).toMatch(/^Invalid environment variable JWT_EXPIRES_IN: /);
  });

  it("accepts smtp(s) URLs and refuses others", () => {
    expect(parseEnv({ DATA_DIR: dataDir(), SMTP_URL: "smtps://u:p@mail.example:465" }).smtpUrl).toBe("smtps://u:p@mail.example:465");
    expect(errorOf({ DATA_DIR: dataDir(), SMTP_URL: "https://mail.example" })).toMatch(/^Invalid environment variable SMTP_URL: /);
  });

  it("lower-cases CLIENT_IP_HEADER and refuses what is not a header name", () => {
    expect(parseEnv({ DATA_DIR: dataDir(), CLIENT_IP_HEADER: "X-Forwarded-For" }).clientIpHeader).toBe("x-forwarded-for");
    expect(errorOf({ DATA_DIR: dataDir(), CLIENT_IP_HEADER: "x forwarded: for" })).toMatch(
      /^Invalid environment variable CLIENT_IP_HEADER: /,
    );
  });
});

describe("documentation of the environment", () => {
  it("README's table and .env.example name every variable the schema reads", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const example = readFileSync(path.join(ROOT, ".env.example"), "utf8");
    expect(envVariables.length).toBeGreaterThan(10);
    for (const name of envVariables) {
      expect(readme, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"));
      expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, "m"));
    }
  });
});

describe("start-up with a bad environment", () => {
  const serve = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(ROOT, "server.mjs")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", PORT: "3199", DATA_DIR: path.join(scratch, "serve"), ...env },
      encoding: "utf8",
      timeout: 30_000,
    });

  beforeAll(() => {
    // server.mjs with the built app is what `npm start` runs; the globalSetup built it.
    expect(statSync(path.join(ROOT, "build/server/index.js")).isFile()).toBe(true);
  });

  it("stops with one line naming the variable", () => {
    const result = serve({ DATABASE_URL: "postgres://u@127.0.0.1:1/none" });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid environment variable BETTER_AUTH_SECRET: required/);
  });

  it("names a bad JWT_EXPIRES_IN and does not start", () => {
    const result = serve({ JWT_EXPIRES_IN: "soon" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Invalid environment variable JWT_EXPIRES_IN: [^\n]+$/);
    expect(result.stdout).not.toContain('"event":"listening"');
  });

  it("says in one line that its port is taken, and stops", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const result = await serveAsync({ PORT: String(port), HOST: "127.0.0.1" });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`Cannot listen on 127.0.0.1 ${port}: it is in use (EADDRINUSE). Stop the other server or set PORT.`);
    } finally {
      taken.close();
    }
  });

  it("listens where the parsed environment says: an empty PORT= is port 3000, not a random one", async () => {
    // Port 3000 may be busy on this machine; either way the server must be trying 3000.
    const result = await serveAsync({ PORT: "", HOST: "127.0.0.1" }, (output) => output.includes('"event":"listening"'));
    const said = result.stdout + result.stderr;
    expect(said).toMatch(/"port":3000,"event":"listening"|Cannot listen on 127\.0\.0\.1 3000: it is in use/);
  });
});

/** Runs server.mjs until it exits or its output satisfies `until` (then stops it). */
function serveAsync(env: Record<string, string>, until?: (output: string) => boolean) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "server.mjs")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATA_DIR: path.join(scratch, `serve-${++dirCount}`), ...env },
    });
    let stdout = "";
    let stderr = "";
    const check = () => {
      if (until?.(stdout + stderr)) child.kill("SIGTERM");
    };
    child.stdout.on("data", (chunk) => ((stdout += chunk), check()));
    child.stderr.on("data", (chunk) => ((stderr += chunk), check()));
    const stuck = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (status) => {
      clearTimeout(stuck);
      resolve({ status, stdout, stderr });
    });
  });
}
