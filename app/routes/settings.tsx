import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import {
  changePasswordSchema,
  deleteAccountSchema,
  revokeSessionSchema,
  updateNameSchema,
} from "~/account";
import { listActiveSessions, revokeSession } from "~/account.server";
import { createApiToken } from "~/api-token.server";
import { authErrorCode } from "~/auth-errors.server";
import { auth } from "~/auth.server";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "~/common-passwords.server";
import { ApiTokenSection } from "~/components/api-token";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ChangePasswordForm, DeleteAccountForm, NameForm, SessionList } from "~/components/settings";
import { keptValues, parseForm } from "~/forms";
import { log } from "~/log.server";
import { limitAuthAttempt, retryAfterHeaders, retryMessage } from "~/rate-limit.server";
import { requireSameSite } from "~/security.server";
import { cookieHeaders, requireSession, rethrowDbUnavailable } from "~/session.server";
import { redirectWithError, redirectWithSuccess } from "~/toast.server";
import { readFormData } from "~/form-data.server";

// Keeps Retry-After on 429 pages (Remix forwards only Set-Cookie by itself).
export const headers: HeadersFunction = (args) => retryAfterHeaders(args);

export const meta: MetaFunction = () => [{ title: "Settings · Tasklane" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, session } = await requireSession(request);
  const sessions = await listActiveSessions(user.id, session.id).catch(rethrowDbUnavailable);
  return { user: { name: user.name, email: user.email }, sessions };
}

type Intent = "update-name" | "change-password" | "delete-account";
const failed = (intent: Intent, fieldErrors: Record<string, string | undefined>, status: number, formError: string | null = null, headers?: HeadersInit, values: Record<string, string> = {}) =>
  data({ intent, fieldErrors, formError, values }, { status, headers });

export function action(args: ActionFunctionArgs) {
  return settingsAction(args).catch(rethrowDbUnavailable);
}

async function settingsAction({ request }: ActionFunctionArgs) {
  requireSameSite(request);
  const { user, session } = await requireSession(request);
  const formData = await readFormData(request);
  const intent = formData.get("intent");

  switch (intent) {
    case "update-name": {
      const parsed = parseForm(updateNameSchema, formData);
      if (!parsed.success) {
        return data({ intent, fieldErrors: parsed.fieldErrors, formError: null, values: keptValues(formData, "name") }, { status: 400 });
      }
      await auth.api.updateUser({ body: { name: parsed.data.name }, headers: request.headers });
      return redirectWithSuccess("/settings", "Your name is saved.");
    }
    case "change-password": {
      // A refused form comes back with "Sign out my other sessions" as it was sent (an
      // unticked box came back ticked without JavaScript, and the next try signed them out).
      const kept = { revokeOtherSessions: formData.get("revokeOtherSessions") === "on" ? "on" : "off" };
      const refuse = (fieldErrors: Record<string, string | undefined>, status: number, formError: string | null = null, headers?: HeadersInit) =>
        failed(intent, fieldErrors, status, formError, headers, kept);
      const parsed = parseForm(changePasswordSchema, formData);
      if (!parsed.success) return refuse(parsed.fieldErrors, 400);
      // Part of the form's checks, before the attempt counts (Better Auth's hook, which
      // does not know the user's name and email, checks /api/auth/change-password).
      if (isCommonPassword(parsed.data.newPassword, [user.email, user.name])) return refuse({ newPassword: COMMON_PASSWORD_MESSAGE }, 400);
      const limit = await limitAuthAttempt("change-password", { account: user.id, request }).catch(rethrowDbUnavailable);
      if (!limit.allowed) return refuse({}, 429, retryMessage(limit.retryAfter), { "Retry-After": String(limit.retryAfter) });
      const { currentPassword, newPassword, revokeOtherSessions } = parsed.data;
      try {
        const { headers } = await auth.api.changePassword({
          body: { currentPassword, newPassword, revokeOtherSessions: revokeOtherSessions === "on" },
          headers: request.headers,
          returnHeaders: true,
        });
        log.info("auth.password_changed", { userId: user.id, revokedOthers: revokeOtherSessions === "on" });
        const message = revokeOtherSessions ? "Password changed. Your other sessions are signed out." : "Password changed.";
        return redirectWithSuccess("/settings", message, { headers: cookieHeaders(headers) });
      } catch (error) {
        const code = authErrorCode(error);
        if (code === "INVALID_PASSWORD") return refuse({ currentPassword: "That is not your current password" }, 400);
        return refuse({}, 422, "Your password could not be changed. Please try again.");
      }
    }
    case "revoke-session": {
      const parsed = parseForm(revokeSessionSchema, formData);
      if (!parsed.success || parsed.data.sessionId === session.id) {
        return redirectWithError("/settings", "That session cannot be revoked here. Use Sign out for this one.");
      }
      const revoked = await revokeSession(user.id, parsed.data.sessionId);
      if (revoked) log.info("auth.session_revoked", { userId: user.id });
      // Back at the list (without JavaScript the page reloads at its top otherwise).
      return revoked
        ? redirectWithSuccess("/settings#sessions", "Session revoked. That device is signed out.")
        : redirectWithError("/settings#sessions", "That session had already ended.");
    }
    case "delete-account": {
      const parsed = parseForm(deleteAccountSchema, formData);
      if (!parsed.success) return failed(intent, parsed.fieldErrors, 400);
      const limit = await limitAuthAttempt("delete-account", { account: user.id, request }).catch(rethrowDbUnavailable);
      if (!limit.allowed) return failed(intent, {}, 429, retryMessage(limit.retryAfter), { "Retry-After": String(limit.retryAfter) });
      try {
        const { headers } = await auth.api.deleteUser({
          body: { password: parsed.data.password },
          headers: request.headers,
          returnHeaders: true,
        });
        log.info("auth.account_deleted", { userId: user.id });
        return redirectWithSuccess("/", "Your account and all its tasks are deleted.", { headers: cookieHeaders(headers) });
      } catch (error) {
        const code = authErrorCode(error);
        if (code === "INVALID_PASSWORD") return failed(intent, { password: "That is not your password" }, 400);
        return failed(intent, {}, 422, "Your account could not be deleted. Please try again.");
      }
    }
    case "create-token":
      return createApiToken(request, user.id);
    default:
      throw data({ message: "Unknown action." }, { status: 400 });
  }
}

export default function Settings() {
  const { user, sessions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const forIntent = (intent: Intent) => (actionData?.intent === intent ? actionData : undefined);
  return (
    <div className="stack page">
      <h1>Settings</h1>
      <NameForm name={user.name} email={user.email} result={forIntent("update-name")} />
      <ChangePasswordForm result={forIntent("change-password")} />
      <SessionList sessions={sessions} />
      <ApiTokenSection result={actionData?.intent === "create-token" ? actionData : undefined} />
      <DeleteAccountForm result={forIntent("delete-account")} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
