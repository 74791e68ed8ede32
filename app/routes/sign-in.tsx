import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { signInSchema } from "~/account";
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX } from "~/account-limits";
import { authErrorCode } from "~/auth-errors.server";
import { auth } from "~/auth.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { EmailCarryingLink, ErrorAutoFocus, Field, FormError, SubmitButton, lazySchema, useCarriedEmail, useFocusFirstError, validateBeforeSubmit } from "~/components/forms";
import { keptValues, parseForm, type FieldErrors } from "~/forms";
import { log } from "~/log.server";
import { limitAuthAttempt, refundAuthAttempt, retryAfterHeaders, retryMessage } from "~/rate-limit.server";
import { safeRedirect } from "~/redirect";
import { requireSameSite } from "~/security.server";
import { cookieHeaders, requireAnonymous, rethrowDbUnavailable } from "~/session.server";
import { redirectWithSuccess } from "~/toast.server";
import { readFormData } from "~/form-data.server";

// Keeps Retry-After on 429 pages (Remix forwards only Set-Cookie by itself).

// The action checks with signInSchema directly; the browser loads it on first use.
const signInForm = lazySchema(() => import("~/account").then((m) => m.signInSchema));
export const headers: HeadersFunction = (args) => retryAfterHeaders(args);

export const meta: MetaFunction = () => [{ title: "Sign in · Tasklane" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  const redirectTo = new URL(request.url).searchParams.get("redirectTo");
  return { redirectTo: redirectTo ? safeRedirect(redirectTo, "") : "" };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameSite(request);
  await requireAnonymous(request);
  const formData = await readFormData(request);
  const values = keptValues(formData, "email");
  const parsed = parseForm(signInSchema, formData);
  if (!parsed.success) return data({ fieldErrors: parsed.fieldErrors, formError: null, values }, { status: 400 });
  const { email, password, redirectTo } = parsed.data;

  const limit = await limitAuthAttempt("sign-in", { account: email, request }).catch(rethrowDbUnavailable);
  if (!limit.allowed) {
    log.warn("auth.sign_in_limited", { retryAfter: limit.retryAfter });
    return data(
      { fieldErrors: {}, formError: retryMessage(limit.retryAfter), values },
      { status: 429, headers: { "Retry-After": String(limit.retryAfter) } },
    );
  }
  const signedIn = await auth.api.signInEmail({ body: { email, password }, headers: request.headers, returnHeaders: true }).catch((error: unknown) => {
    log.info("auth.sign_in_failed", { code: authErrorCode(error) });
    return null;
  });
  if (!signedIn) {
    // The same words for an unknown email and a wrong password: no account probing.
    return data(
      { fieldErrors: {}, formError: "That email and password do not match an account. Check them and try again.", values },
      { status: 401 },
    );
  }
  const { headers, response } = signedIn;
  log.info("auth.sign_in", { userId: response.user.id });
  await refundAuthAttempt("sign-in", { account: email, request }).catch(rethrowDbUnavailable);
  // A name from before the length check could not fit in the toast's cookie.
  return redirectWithSuccess(safeRedirect(redirectTo), `Welcome back, ${response.user.name.slice(0, NAME_MAX)}!`, {
    headers: cookieHeaders(headers),
  });
}

export default function SignIn() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const errors: FieldErrors = clientErrors ?? actionData?.fieldErrors ?? {};
  const formRef = useFocusFirstError(actionData);
  const carriedEmail = useCarriedEmail();
  return (
    <ErrorAutoFocus fieldErrors={actionData?.fieldErrors} formError={actionData?.formError}>
    <div className="narrow">
      <div className="card">
        <h1>Sign in</h1>
        <FormError message={actionData?.formError} />
        <Form method="post" noValidate ref={formRef} {...validateBeforeSubmit(signInForm, setClientErrors)}>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={EMAIL_MAX} defaultValue={actionData?.values.email ?? carriedEmail} error={errors.email} />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required maxLength={PASSWORD_MAX} error={errors.password} />
          <SubmitButton pendingLabel="Signing in…" className="button primary full">
            Sign in
          </SubmitButton>
        </Form>
        <p className="small after-form">
          <EmailCarryingLink to="/forgot-password" form={formRef}>Forgot your password?</EmailCarryingLink>
        </p>
      </div>
      <p className="muted">
        New here? <Link to="/sign-up">Create an account</Link>
      </p>
    </div>
    </ErrorAutoFocus>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
