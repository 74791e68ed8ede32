import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { bearer, jwt } from "better-auth/plugins";
import { sql } from "drizzle-orm";
import { NAME_MAX } from "~/account-limits";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "~/common-passwords.server";
import { db, dbKind } from "~/db.server";
import * as schema from "~/db/schema";
import { env } from "~/env.server";
import { log } from "~/log.server";
import { sendMail } from "~/mail.server";
import { hashPassword, verifyPassword } from "~/password.server";

const https = env.baseURL.startsWith("https://");

export const auth = betterAuth({
  appName: "Tasklane",
  // Better Auth's own messages go into the JSON log as messages only (no arguments,
  // which could hold request data).
  logger: {
    level: "warn",
    log: (level, message) => (level === "error" ? log.error : log.warn)("better_auth", { message }),
  },
  baseURL: env.baseURL,
  basePath: "/api/auth",
  secret: env.secret,
  // CORS_ORIGINS may sign in from a browser for the bearer-token flow (no cookies: those
  // are SameSite=Lax); the HTML pages' own cross-site check stays base-URL only.
  trustedOrigins: [...env.trustedOrigins, ...env.corsOrigins],
  database: drizzleAdapter(db, {
    provider: "pg",
    schema: {
      user: schema.user,
      session: schema.session,
      account: schema.account,
      verification: schema.verification,
      jwks: schema.jwks,
      rateLimit: schema.rateLimit,
    },
  }),
  emailAndPassword: {
    enabled: true,
    autoSignIn: true,
    minPasswordLength: 8,
    maxPasswordLength: 128,
    resetPasswordTokenExpiresIn: 60 * 60,
    revokeSessionsOnPasswordReset: true,
    password: { hash: hashPassword, verify: verifyPassword },
    // Our own link to our own page, so the token never passes through a redirect.
    sendResetPassword: async ({ user, token }) => {
      const link = `${env.baseURL}/reset-password?token=${encodeURIComponent(token)}`;
      await sendMail({
        to: user.email,
        subject: "Reset your Tasklane password",
        text: `Hello ${user.name},\n\nSomeone asked to reset the password of your Tasklane account. If it was you, open this link within an hour:\n\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.\n`,
      });
    },
  },
  user: { deleteUser: { enabled: true } },
  // Endpoints no page and no API client needs, closed because they hand an attacker who
  // holds one session more than that session: /verify-password answers password guesses
  // with no limit, /list-sessions gives the tokens of the user's other sessions (a security
  // review). Only their HTTP routes close; /settings lists sessions with its own query.
  disabledPaths: ["/verify-password", "/list-sessions"],
  hooks: { before: createAuthMiddleware(async (ctx) => checkAccountRequest(ctx)) },
  // Better Auth logs every refused request (a wrong password, a weak one) as an ERROR line
  // in coloured text on stderr, past the logger above, and a failure of the server as a
  // multi-line stack trace with the failed query's parameters. Thrown instead: a refusal
  // still becomes its 4xx answer (better-call turns an APIError into its response), and a
  // failure reaches /api/auth's handler, which answers 503 or 500 and logs it as JSON
  // without the parameters.
  onAPIError: { throw: true },
  // Better Auth's own limiter is off: rate-limit.server.ts limits the credential endpoints
  // per account and per client IP, pages and /api/auth alike. Better Auth's, switched on by
  // CLIENT_IP_HEADER, allowed 3 sign-ins per 10 s per IP, and put every request whose
  // header was missing or held a proxy chain ("client, proxy") into one bucket shared by
  // all clients, which one client could keep full (a docs review).
  rateLimit: { enabled: false },
  advanced: {
    // Better Auth turns its origin check off by itself when NODE_ENV=test or TEST is set
    // (vitest sets TEST): never here, so tests see what production does, and a stray TEST
    // variable in production cannot disable it.
    disableOriginCheck: false,
    useSecureCookies: https,
    defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure: https },
    ipAddress: env.clientIpHeader
      ? { ipAddressHeaders: [env.clientIpHeader] }
      : // Without a trusted proxy there is no client IP: never trust X-Forwarded-For
        // from the open internet, and never share one bucket between all clients.
        { disableIpTracking: true },
  },
  plugins: [
    jwt({
      // The get-session hook would mint a JWT on every page load; clients ask /token.
      disableSettingJwtHeader: true,
      jwt: {
        issuer: env.baseURL,
        audience: env.baseURL,
        expirationTime: env.jwtExpiresIn,
        // sub (user id) is added by the plugin; sid lets the API refuse ended sessions.
        definePayload: ({ session }) => ({ sid: session.id }),
      },
    }),
    bearer(),
  ],
});

export type AuthSession = typeof auth.$Infer.Session;

/**
 * What /api/auth/* must refuse before Better Auth acts, as the pages' own forms do (it also
 * runs for their auth.api calls, which have checked already):
 * - a name longer than the forms allow: a 60 000-character name made every later sign-in
 *   fail with a 500 (the welcome toast no longer fitted in a cookie);
 * - deleting the account without its password: Better Auth asks for one only when the
 *   session is over a day old, so a stolen session could delete the account outright;
 * - a new password that is among the most common ones, or the user's own email or name
 *   (code PASSWORD_COMPROMISED, as Better Auth's Have I Been Pwned plugin answers).
 */
export async function checkAccountRequest({ path, body, query, headers }: { path: string; body?: unknown; query?: unknown; headers?: Headers }) {
  const fields = (body ?? {}) as Record<string, unknown>;
  const newPassword = path === "/sign-up/email" ? fields.password : path === "/change-password" || path === "/reset-password" ? fields.newPassword : undefined;
  if (typeof newPassword === "string" && isCommonPassword(newPassword, await passwordOwner(path, fields, query, headers))) {
    throw new APIError("BAD_REQUEST", { code: "PASSWORD_COMPROMISED", message: COMMON_PASSWORD_MESSAGE });
  }
  if ((path === "/sign-up/email" || path === "/update-user") && typeof fields.name === "string" && fields.name.trim().length > NAME_MAX) {
    throw new APIError("BAD_REQUEST", { code: "NAME_TOO_LONG", message: `Name must be at most ${NAME_MAX} characters.` });
  }
  if (path === "/delete-user" && (typeof fields.password !== "string" || fields.password.length === 0)) {
    throw new APIError("BAD_REQUEST", { code: "PASSWORD_REQUIRED", message: "Deleting the account needs its password." });
  }
}

/** The email and name a new password must not be: from the sign-up form, the session, or the reset link. */
async function passwordOwner(path: string, fields: Record<string, unknown>, query: unknown, headers: Headers | undefined): Promise<string[]> {
  if (path === "/sign-up/email") return [fields.email, fields.name].filter((item): item is string => typeof item === "string");
  if (path === "/change-password" && headers) {
    const session = await auth.api.getSession({ headers, query: { disableRefresh: true } });
    return session ? [session.user.email, session.user.name] : [];
  }
  const token = fields.token ?? (query as { token?: unknown } | undefined)?.token;
  const owner = path === "/reset-password" && typeof token === "string" ? await resetLinkUser(token) : null;
  return owner ? [owner.email, owner.name] : [];
}

/**
 * The account a password-reset link is for, while the link can still be used (not expired,
 * not used yet), through Better Auth's own lookup: the reset page says a dead link is dead
 * before anyone types a password, and a new password is checked against the owner's name.
 */
export async function resetLinkUser(token: string): Promise<{ email: string; name: string } | null> {
  if (token.length > 200) return null; // Better Auth's tokens are 24 characters
  const { internalAdapter } = await auth.$context;
  const verification = await internalAdapter.findVerificationValue(`reset-password:${token}`);
  if (!verification || verification.expiresAt <= new Date()) return null;
  return internalAdapter.findUserById(verification.value);
}

/**
 * Makes sure a JWT signing key exists before the first request. Better Auth makes the first
 * key on first use, checking and inserting without a lock: two instances starting cold (or
 * two first requests) each made one, and an instance that had loaded only its own refused
 * tokens signed with the other for up to 10 s (a concurrency review). On Postgres, instances
 * take turns under an advisory lock, so the second one finds the first one's key.
 */
async function ensureSigningKey() {
  if (dbKind !== "postgres") {
    await auth.api.getJwks();
    return;
  }
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('tasklane.jwks'))`);
    // Better Auth reads and writes through its own connections; this one only holds the lock.
    await auth.api.getJwks();
  });
}

try {
  await ensureSigningKey();
} catch (error) {
  // Like a database that cannot be opened (db.server.ts): one line, then stop.
  console.error(`Could not make the JWT signing key: ${(error as Error).message}`);
  process.exit(1);
}
