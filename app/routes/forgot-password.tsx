import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useState } from "react";
import { forgotPasswordSchema } from "~/account";
import { EMAIL_MAX } from "~/account-limits";
import { authErrorCode } from "~/auth-errors.server";
import { auth } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EmailCarryingLink, ErrorAutoFocus, Field, FormError, SubmitButton, lazySchema, useCarriedEmail, useFocusFirstError, validateBeforeSubmit } from "~/components/forms";
import { keptValues, parseForm, type FieldErrors } from "~/forms";
import { log } from "~/log.server";
import { limitAuthAttempt, retryAfterHeaders, retryMessage } from "~/rate-limit.server";
import { requireSameSite } from "~/security.server";
import { rethrowDbUnavailable } from "~/session.server";
import { redirectWithSuccess } from "~/toast.server";
import { readFormData } from "~/form-data.server";

// Keeps Retry-After on 429 pages (Remix forwards only Set-Cookie by itself).

// The action checks with forgotPasswordSchema directly; the browser loads it on first use.
const forgotPasswordForm = lazySchema(() => import("~/account").then((m) => m.forgotPasswordSchema));
export const headers: HeadersFunction = (args) => retryAfterHeaders(args);

export const meta: MetaFunction = () => [{ title: "Forgot password · Tasklane" }];

export const SENT_MESSAGE = "If an account uses that email, a reset link is on its way. It works for one hour.";

export async function action({ request }: ActionFunctionArgs) {
  requireSameSite(request);
  const formData = await readFormData(request);
  const values = keptValues(formData, "email");
  const parsed = parseForm(forgotPasswordSchema, formData);
  if (!parsed.success) return data({ fieldErrors: parsed.fieldErrors, formError: null, values }, { status: 400 });
  const { email } = parsed.data;
  const limit = await limitAuthAttempt("forgot-password", { account: email, request }).catch(rethrowDbUnavailable);
  if (!limit.allowed) {
    return data(
      { fieldErrors: {}, formError: retryMessage(limit.retryAfter), values },
      { status: 429, headers: { "Retry-After": String(limit.retryAfter) } },
    );
  }
  try {
    await auth.api.requestPasswordReset({ body: { email }, headers: request.headers });
  } catch (error) {
    // The answer must not tell whether the account exists, so failures are only logged.
    log.warn("auth.reset_request_failed", { code: authErrorCode(error) });
  }
  log.info("auth.reset_requested");
  return redirectWithSuccess("/sign-in", { message: "Check your email", description: SENT_MESSAGE });
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>();
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const errors: FieldErrors = clientErrors ?? actionData?.fieldErrors ?? {};
  const formRef = useFocusFirstError(actionData);
  const carriedEmail = useCarriedEmail();
  return (
    <ErrorAutoFocus fieldErrors={actionData?.fieldErrors} formError={actionData?.formError}>
    <div className="narrow">
      <div className="card">
        <h1>Reset your password</h1>
        <p className="muted">Enter the email you signed up with and we will send you a link to choose a new password.</p>
        <FormError message={actionData?.formError} />
        <Form method="post" noValidate ref={formRef} {...validateBeforeSubmit(forgotPasswordForm, setClientErrors)}>
          <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={EMAIL_MAX} defaultValue={actionData?.values.email ?? carriedEmail} error={errors.email} />
          <SubmitButton pendingLabel="Sending…" className="button primary full">
            Send reset link
          </SubmitButton>
        </Form>
      </div>
      <p className="muted">
        Remembered it? <EmailCarryingLink to="/sign-in" form={formRef}>Sign in</EmailCarryingLink>
      </p>
    </div>
    </ErrorAutoFocus>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
