import { data } from "@remix-run/node";
import { decodeJwt } from "jose";
import { auth } from "~/auth.server";
import { isDbUnavailable } from "~/db.server";
import { env } from "~/env.server";
import { describeError, log } from "~/log.server";
import { serviceUnavailable } from "~/session.server";

export type ApiToken = { value: string; expiresAt: string; apiUrl: string };

// The /settings "API token" button: a JWT for this browser's session, as GET /api/auth/token
// would give it. It ends with the session, so signing out here revokes it too.
export async function createApiToken(request: Request, userId: string) {
  // Same shape as the page's other results, plus the token.
  const result = (token: ApiToken | null, formError: string | null) => ({
    intent: "create-token" as const,
    fieldErrors: {} as Record<string, string | undefined>,
    formError,
    values: {} as Record<string, string>,
    token,
  });
  try {
    const { token } = await auth.api.getToken({ headers: request.headers });
    const { exp } = decodeJwt(token);
    log.info("api.token_created", { userId });
    return data(
      result({ value: token, expiresAt: new Date((exp ?? 0) * 1000).toISOString(), apiUrl: `${env.baseURL}/api/tasks` }, null),
      // The page now holds a credential: keep it out of caches.
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    if (isDbUnavailable(error)) serviceUnavailable();
    log.error("api.token_failed", { userId, message: describeError(error) });
    return data(result(null, "The token could not be created. Please try again."), { status: 500 });
  }
}
