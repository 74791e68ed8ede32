import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { resetPasswordSchema } from "~/account";
import { PASSWORD_HINT, PASSWORD_MAX, PASSWORD_MIN } from "~/account-limits";
import { authErrorCode } from "~/auth-errors.server";
import { auth, resetLinkUser } from "~/auth.server";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "~/common-passwords.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorAutoFocus, Field, FormError, SubmitButton, lazySchema, useFocusFirstError, validateBeforeSubmit } from "~/components/forms";
import { parseForm, type FieldErrors } from "~/forms";
import { log } from "~/log.server";
import { limitAuthAttempt, retryAfterHeaders, retryMessage } from "~/rate-limit.server";
import { requireSameSite } from "~/security.server";
import { rethrowDbUnavailable } from "~/session.server";
import { redirectWithSuccess } from "~/toast.server";
import { readFormData } from "~/form-data.server";

// Keeps Retry-After on 429 pages (Remix forwards only Set-Cookie by itself).

// The action checks with resetPasswordSchema directly; the browser loads it on first use.
const resetPasswordForm = lazySchema(() => import("~/account").then((m) => m.resetPasswordSchema));
export const headers: HeadersFunction = (args) => retryAfterHeaders(args);

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  // The title says what the page says: a dead link's tab did read "Choose a new password".
  { title: `${!data?.token ? "Reset link missing" : data.usable ? "Choose a new password" : "Reset link can no longer be used"} · Tasklane` },
  // The token is in this page's URL: keep it out of other sites' logs and search engines.
  // "same-origin", not "no-referrer": with no-referrer a browser sends `Origin: null` on
  // this page's own form POST, and the cross-site check refuses it (seen without JS).
  { name: "referrer", content: "same-origin" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  // A used or expired link says so at once, not after a new password was typed twice.
  const usable = token ? (await resetLinkUser(token).catch(rethrowDbUnavailable)) !== null : false;
  // A used or expired link is gone for good: 410, not a 200 that looks like the form.
  return data({ token, usable }, { status: token && !usable ? 410 : 200 });
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameSite(request);
  const formData = await readFormData(request);
  const parsed = parseForm(resetPasswordSchema, formData);
  if (!parsed.success) return data({ fieldErrors: parsed.fieldErrors, formError: parsed.fieldErrors.token ?? null }, { status: 400 });
  const { token, password } = parsed.data;
  // Part of the form's checks, before the attempt counts against the link.
  const owner = await resetLinkUser(token).catch(rethrowDbUnavailable);
  if (isCommonPassword(password, owner ? [owner.email, owner.name] : [])) {
    return data({ fieldErrors: { password: COMMON_PASSWORD_MESSAGE }, formError: null }, { status: 400 });
  }
  // Tokens are long and random; the per-token bucket stops anyone hammering one link.
  const limit = await limitAuthAttempt("reset-password", { account: `token:${token}`, request }).catch(rethrowDbUnavailable);
  if (!limit.allowed) {
    return data({ fieldErrors: {}, formError: retryMessage(limit.retryAfter) }, { status: 429, headers: { "Retry-After": String(limit.retryAfter) } });
  }
  try {
    await auth.api.resetPassword({ body: { token, newPassword: password }, headers: request.headers });
  } catch (error) {
    const code = authErrorCode(error);
    log.info("auth.reset_failed", { code });
    return data(
      { fieldErrors: {}, formError: "This reset link is invalid or has expired. Ask for a new one." },
      { status: 400 },
    );
  }
  log.info("auth.password_reset");
  return redirectWithSuccess("/sign-in", "Password changed. Sign in with the new one.");
}

export default function ResetPassword() {
  const { token, usable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const errors: FieldErrors = clientErrors ?? actionData?.fieldErrors ?? {};
  const formRef = useFocusFirstError(actionData);
  if (!token) {
    return (
      <div className="narrow card">
        <h1>Reset link missing</h1>
        <p>This page needs the link from your reset email.</p>
        <Link to="/forgot-password" className="button primary">
          Ask for a new link
        </Link>
      </div>
    );
  }
  if (!usable) {
    return (
      <div className="narrow card">
        <h1>This reset link can no longer be used</h1>
        <p>This reset link is invalid or has expired: a link works once, for an hour. Ask for a new one.</p>
        <Link to="/forgot-password" className="button primary">
          Ask for a new link
        </Link>
      </div>
    );
  }
  return (
    <ErrorAutoFocus fieldErrors={actionData?.fieldErrors} formError={actionData?.formError}>
    <div className="narrow">
      <div className="card">
        <h1>Choose a new password</h1>
        <FormError message={actionData?.formError} />
        <Form method="post" noValidate ref={formRef} {...validateBeforeSubmit(resetPasswordForm, setClientErrors)}>
          <input type="hidden" name="token" value={token} />
          <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={PASSWORD_MIN} maxLength={PASSWORD_MAX} hint={PASSWORD_HINT} error={errors.password} />
          <SubmitButton pendingLabel="Saving…" className="button primary full">
            Set new password
          </SubmitButton>
        </Form>
        {actionData?.formError ? (
          <p className="small after-form">
            <Link to="/forgot-password">Send me a new link</Link>
          </p>
        ) : null}
      </div>
    </div>
    </ErrorAutoFocus>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
