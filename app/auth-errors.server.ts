import { APIError } from "better-auth/api";
import { rethrowDbUnavailable } from "~/session.server";

/** Better Auth's error code, or rethrows what is not a Better Auth answer (503 if the DB is away). */
export function authErrorCode(error: unknown): string {
  if (error instanceof Response) throw error;
  if (error instanceof APIError) {
    const body = error.body as { code?: string } | undefined;
    return body?.code ?? String(error.status);
  }
  return rethrowDbUnavailable(error);
}

