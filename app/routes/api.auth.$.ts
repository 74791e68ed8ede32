import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { auth } from "~/auth.server";
import { isDbUnavailable } from "~/db.server";
import { log } from "~/log.server";
import { limitAuthAttempt, type AuthAction } from "~/rate-limit.server";

// Better Auth's endpoints, with the same per-account limits as the HTML forms in front of
// the credential ones (Better Auth's own limiter only knows client IPs).
const limited: Record<string, AuthAction> = {
  "/api/auth/sign-in/email": "sign-in",
  "/api/auth/sign-up/email": "sign-up",
  "/api/auth/request-password-reset": "forgot-password",
  "/api/auth/reset-password": "reset-password",
};

function tooMany(retryAfter: number) {
  return Response.json(
    { code: "TOO_MANY_REQUESTS", message: "Too many attempts. Try again later." },
    { status: 429, headers: { "Retry-After": String(retryAfter), "X-Retry-After": String(retryAfter) } },
  );
}

async function accountOf(request: Request, action: AuthAction): Promise<string | null> {
  try {
    const body = (await request.clone().json()) as { email?: unknown; token?: unknown };
    if (action === "reset-password") return typeof body.token === "string" ? `token:${body.token}` : null;
    return typeof body.email === "string" ? body.email.slice(0, 320) : null;
  } catch {
    return null; // Better Auth answers malformed bodies itself.
  }
}

async function handle(request: Request): Promise<Response> {
  try {
    const action = request.method === "POST" ? limited[new URL(request.url).pathname] : undefined;
    if (action) {
      const result = await limitAuthAttempt(action, { account: await accountOf(request, action), request });
      if (!result.allowed) return tooMany(result.retryAfter);
    }
    return await auth.handler(request);
  } catch (error) {
    if (isDbUnavailable(error) || isDbUnavailable((error as { cause?: unknown })?.cause)) {
      return Response.json({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable." }, { status: 503, headers: { "Retry-After": "5" } });
    }
    log.error("auth.handler_failed", { message: (error as Error).message });
    return Response.json({ code: "INTERNAL_ERROR", message: "Something went wrong." }, { status: 500 });
  }
}

export const loader = ({ request }: LoaderFunctionArgs) => handle(request);
export const action = ({ request }: ActionFunctionArgs) => handle(request);
