import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const optional = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

// At least one unit: a zero lifetime would mint tokens that are expired when issued.
const durationPattern = /^0*[1-9]\d*\s*(s|m|h|d)$/;

const PORT_RANGE = "must be a port number from 1 to 65535";

const envSchema = z.object({
  // An empty PORT= (as in a copied .env.example) means the default, like every other variable.
  PORT: optional.pipe(z.coerce.number<string | undefined>(PORT_RANGE).int(PORT_RANGE).min(1, PORT_RANGE).max(65535, PORT_RANGE).default(3000)),
  // The address to listen on; unset listens on every interface (as Node does by default).
  HOST: optional,
  DATABASE_URL: optional.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
  ),
  DATA_DIR: optional.pipe(z.string().default("./data")),
  BETTER_AUTH_SECRET: optional.pipe(
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  BETTER_AUTH_URL: optional.pipe(z.url("must be an absolute http(s) URL").optional()),
  CORS_ORIGINS: optional.pipe(z.string().default("")),
  JWT_EXPIRES_IN: optional.pipe(
    z.string().regex(durationPattern, 'must look like "15m", "900s", "1h" or "1d"').default("15m"),
  ),
  SMTP_URL: optional.pipe(
    z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional(),
  ),
  MAIL_FROM: optional.pipe(z.string().default("Tasklane <no-reply@tasklane.local>")),
  // Requests per minute one user may make to the JSON API (per instance); 0 turns it off.
  API_RATE_LIMIT: optional.pipe(z.coerce.number<string | undefined>().int().min(0).max(1_000_000).default(600)),
  CLIENT_IP_HEADER: optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "must be a header name such as x-forwarded-for")
      .transform((v) => v.toLowerCase())
      .optional(),
  ),
});

/** Every variable the app reads (README's table and .env.example document each). */
export const envVariables = Object.keys(envSchema.shape);

export type Env = {
  port: number;
  host: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  secret: string;
  baseURL: string;
  trustedOrigins: string[];
  corsOrigins: string[];
  jwtExpiresIn: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  clientIpHeader: string | undefined;
  apiRateLimit: number;
};

export class EnvError extends Error {}

/** Parses the environment into the app's settings; throws EnvError with one line. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new EnvError(`Invalid environment variable ${name}: ${issue.message}`);
  }
  const e = result.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let secret = e.BETTER_AUTH_SECRET;
  if (!secret) {
    if (e.DATABASE_URL) {
      throw new EnvError(
        "Invalid environment variable BETTER_AUTH_SECRET: required (at least 32 characters) when DATABASE_URL is set",
      );
    }
    secret = readOrCreateSecret(dataDir);
  }
  const baseURL = (e.BETTER_AUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  const base = new URL(baseURL);
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new EnvError("Invalid environment variable BETTER_AUTH_URL: must be an http(s) URL");
  }
  // Locally people open both localhost and 127.0.0.1; trust the twin of a loopback URL.
  const trustedOrigins = [base.origin];
  if (base.hostname === "localhost") trustedOrigins.push(base.origin.replace("localhost", "127.0.0.1"));
  if (base.hostname === "127.0.0.1") trustedOrigins.push(base.origin.replace("127.0.0.1", "localhost"));
  const corsOrigins = e.CORS_ORIGINS.split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new EnvError(
        `Invalid environment variable CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com`,
      );
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    secret,
    baseURL,
    trustedOrigins,
    corsOrigins,
    jwtExpiresIn: e.JWT_EXPIRES_IN.replace(/\s+/g, ""),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    clientIpHeader: e.CLIENT_IP_HEADER,
    apiRateLimit: e.API_RATE_LIMIT,
  };
}

/** A local install gets a random secret once, kept beside its data so sessions survive restarts. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  let secret: string;
  try {
    if (existsSync(file)) {
      secret = readFileSync(file, "utf8").trim();
    } else {
      mkdirSync(dataDir, { recursive: true });
      secret = randomBytes(32).toString("base64url");
      writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
    }
  } catch (error) {
    throw new EnvError(`Invalid environment variable DATA_DIR: cannot keep the generated secret in ${dataDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  // Better Auth would fall back to its public default secret for an empty one.
  if (secret.length < 32) {
    throw new EnvError(`Invalid environment variable DATA_DIR: ${file} holds fewer than 32 characters; delete it to generate a new secret (everyone is signed out)`);
  }
  return secret;
}

function loadEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      // One clear line, then stop: a half-configured server is worse than none.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

export const env: Env = loadEnv();
