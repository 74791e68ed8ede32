import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useState } from "react";
import { signUpSchema } from "~/account";
import { EMAIL_MAX, NAME_MAX, PASSWORD_HINT, PASSWORD_MAX, PASSWORD_MIN } from "~/account-limits";
import { authErrorCode } from "~/auth-errors.server";
import { auth } from "~/auth.server";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "~/common-passwords.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ErrorAutoFocus, Field, FormError, SubmitButton, lazySchema, useFocusFirstError, validateBeforeSubmit } from "~/components/forms";
import { keptValues, parseForm, type FieldErrors } from "~/forms";
import { limitAuthAttempt, retryAfterHeaders, retryMessage } from "~/rate-limit.server";
import { requireSameSite } from "~/security.server";
import { cookieHeaders, requireAnonymous, rethrowDbUnavailable } from "~/session.server";
import { redirectWithSuccess } from "~/toast.server";
import { readFormData } from "~/form-data.server";

// Keeps Retry-After on 429 pages (Remix forwards only Set-Cookie by itself).

// The action checks with signUpSchema directly; the browser loads it on first use.
const signUpForm = lazySchema(() => import("~/account").then((m) => m.signUpSchema));
export const headers: HeadersFunction = (args) => retryAfterHeaders(args);

export const meta: MetaFunction = () => [{ title: "Create an account · Tasklane" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameSite(request);
  await requireAnonymous(request);
  const formData = await readFormData(request);
  const values = keptValues(formData, "name", "email");
  const parsed = parseForm(signUpSchema, formData);
  if (!parsed.success) return data({ fieldErrors: parsed.fieldErrors, formError: null, values }, { status: 400 });
  const { name, email, password } = parsed.data;
  // Checked as part of the form, before the attempt counts: trying a few weak passwords
  // must not use up the hour's sign-ups for this email.
  if (isCommonPassword(password, [email, name])) return data({ fieldErrors: { password: COMMON_PASSWORD_MESSAGE }, formError: null, values }, { status: 400 });

  const limit = await limitAuthAttempt("sign-up", { account: email, request }).catch(rethrowDbUnavailable);
  if (!limit.allowed) {
    return data(
      { fieldErrors: {}, formError: retryMessage(limit.retryAfter), values },
      { status: 429, headers: { "Retry-After": String(limit.retryAfter) } },
    );
  }
  try {
    const { headers } = await auth.api.signUpEmail({
      body: { name, email, password },
      headers: request.headers,
      returnHeaders: true,
    });
    return redirectWithSuccess("/tasks", `Welcome to Tasklane, ${name}!`, { headers: cookieHeaders(headers) });
  } catch (error) {
    const code = authErrorCode(error);
    const fieldErrors: FieldErrors = code.startsWith("USER_ALREADY_EXISTS")
      ? { email: "An account with this email already exists. Sign in instead, or reset your password." }
      : {};
    const formError = Object.keys(fieldErrors).length ? null : "We could not create your account. Please check the form and try again.";
    return data({ fieldErrors, formError, values }, { status: 422 });
  }
}

export default function SignUp() {
  const actionData = useActionData<typeof action>();
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const errors: FieldErrors = clientErrors ?? actionData?.fieldErrors ?? {};
  const formRef = useFocusFirstError(actionData);
  return (
    <ErrorAutoFocus fieldErrors={actionData?.fieldErrors} formError={actionData?.formError}>
    <div className="narrow">
      <div className="card">
        <h1>Create your account</h1>
        <p className="muted">Free, private, and it works in any browser.</p>
        <FormError message={actionData?.formError} />
        <Form method="post" noValidate ref={formRef} {...validateBeforeSubmit(signUpForm, setClientErrors)}>
          <Field label="Name" name="name" type="text" autoComplete="name" required maxLength={NAME_MAX} defaultValue={actionData?.values.name} error={errors.name} />
          <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={EMAIL_MAX} defaultValue={actionData?.values.email} error={errors.email} />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            hint={PASSWORD_HINT}
            error={errors.password}
          />
          <SubmitButton pendingLabel="Creating account…" className="button primary full">
            Create account
          </SubmitButton>
        </Form>
      </div>
      <p className="muted">
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
    </ErrorAutoFocus>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
