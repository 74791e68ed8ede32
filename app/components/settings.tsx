import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type RefObject } from "react";
import { NAME_MAX, PASSWORD_HINT, PASSWORD_MAX, PASSWORD_MIN } from "~/account-limits";
import type { ActiveSession } from "~/account.server";
import { ErrorAutoFocus, Field, FormError, lazySchema, SubmitButton, useFocusFirstError, validateBeforeSubmit } from "~/components/forms";
import type { FieldErrors } from "~/forms";

const updateNameForm = lazySchema(() => import("~/account").then((m) => m.updateNameSchema));
const changePasswordForm = lazySchema(() => import("~/account").then((m) => m.changePasswordSchema));
const deleteAccountForm = lazySchema(() => import("~/account").then((m) => m.deleteAccountSchema));

type Result = { fieldErrors: FieldErrors; formError: string | null; values: Record<string, string> } | undefined;

function useErrors(result: Result) {
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const formRef = useFocusFirstError(result);
  return { errors: clientErrors ?? result?.fieldErrors ?? {}, setClientErrors, formRef };
}

export function NameForm({ name, email, result }: { name: string; email: string; result: Result }) {
  const { errors, setClientErrors, formRef } = useErrors(result);
  // Shows the name as saved (trimmed), not as typed.
  useResetAfterSuccess(formRef, "update-name", result);
  return (
    <ErrorAutoFocus fieldErrors={result?.fieldErrors} formError={result?.formError}>
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <p className="muted small wrap-anywhere">Signed in as {email}</p>
      <Form method="post" noValidate ref={formRef} {...validateBeforeSubmit(updateNameForm, setClientErrors)}>
        <Field label="Name" name="name" type="text" autoComplete="name" required maxLength={NAME_MAX} defaultValue={result?.values.name ?? name} error={errors.name} />
        <SubmitButton intent="update-name" pendingLabel="Saving…">
          Save name
        </SubmitButton>
      </Form>
    </section>
    </ErrorAutoFocus>
  );
}

/**
 * Empties a form once its submission succeeded (the action redirected: no result came back).
 * The page stays mounted across that redirect with JavaScript, so the passwords just used
 * stayed in their fields; a refused submission keeps what was typed.
 */
function useResetAfterSuccess(formRef: RefObject<HTMLFormElement | null>, intent: string, result: Result) {
  const navigation = useNavigation();
  const submitted = useRef(false);
  const submitting = navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  useEffect(() => {
    if (submitting) submitted.current = true;
    else if (navigation.state === "idle" && submitted.current) {
      submitted.current = false;
      if (!result) formRef.current?.reset();
    }
  }, [submitting, navigation.state, result, formRef]);
}

export function ChangePasswordForm({ result }: { result: Result }) {
  const { errors, setClientErrors, formRef } = useErrors(result);
  useResetAfterSuccess(formRef, "change-password", result);
  return (
    <ErrorAutoFocus fieldErrors={result?.fieldErrors} formError={result?.formError}>
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <FormError message={result?.formError} />
      <Form method="post" noValidate ref={formRef} {...validateBeforeSubmit(changePasswordForm, setClientErrors)}>
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required maxLength={PASSWORD_MAX} error={errors.currentPassword} />
        <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required minLength={PASSWORD_MIN} maxLength={PASSWORD_MAX} hint={PASSWORD_HINT} error={errors.newPassword} />
        <label className="checkbox">
          <input type="checkbox" name="revokeOtherSessions" defaultChecked={result?.values.revokeOtherSessions !== "off"} />
          Sign out my other sessions
        </label>
        <SubmitButton intent="change-password" pendingLabel="Changing…">
          Change password
        </SubmitButton>
      </Form>
    </section>
    </ErrorAutoFocus>
  );
}

// To the second: two sign-ins from one kind of browser within a minute looked alike.
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/**
 * A revoked session's row goes, and the Revoke button that had focus with it, which left
 * focus on <body>: it moves to the Revoke button of the row that took its place (or the one
 * above), or to the heading once no other session is left.
 */
function useFocusAfterRevoke(sectionRef: RefObject<HTMLElement | null>, sessions: ActiveSession[]) {
  const navigation = useNavigation();
  const revokingId = navigation.state !== "idle" && navigation.formData?.get("intent") === "revoke-session" ? navigation.formData.get("sessionId") : null;
  const revokedIndex = useRef<number | null>(null);
  useEffect(() => {
    if (revokingId !== null) {
      revokedIndex.current = sessions.filter((s) => !s.current).findIndex((s) => s.id === revokingId);
      return;
    }
    if (navigation.state !== "idle" || revokedIndex.current === null) return;
    const index = revokedIndex.current;
    revokedIndex.current = null;
    const section = sectionRef.current;
    if (!section || (document.activeElement && document.activeElement !== document.body)) return; // focus is somewhere still
    const buttons = section.querySelectorAll<HTMLElement>("li button");
    (buttons[Math.min(index, buttons.length - 1)] ?? section.querySelector<HTMLElement>("h2"))?.focus();
  }, [revokingId, navigation.state, sessions, sectionRef]);
}

export function SessionList({ sessions }: { sessions: ActiveSession[] }) {
  const sectionRef = useRef<HTMLElement>(null);
  useFocusAfterRevoke(sectionRef, sessions);
  return (
    <section className="card" id="sessions" aria-labelledby="sessions-heading" ref={sectionRef}>
      <h2 id="sessions-heading" tabIndex={-1}>
        Active sessions
      </h2>
      <p className="muted small">Every browser or app signed in to your account. Revoke any you do not recognise.</p>
      <ul className="sessions">
        {sessions.map((s) => (
          <li key={s.id} data-session={s.current ? "current" : "other"}>
            <div>
              <strong>{s.device}</strong> {s.current ? <span className="badge">This device</span> : null}
              <div className="muted small" id={`session-${s.id}-when`}>
                Signed in {dateFormat.format(new Date(s.createdAt))} UTC · last active {dateFormat.format(new Date(s.lastActiveAt))} UTC
              </div>
            </div>
            {s.current ? null : (
              <Form method="post">
                <input type="hidden" name="sessionId" value={s.id} />
                <SubmitButton intent="revoke-session" pendingLabel="Revoking…" className="button small" aria-label={`Revoke ${s.device} session`} aria-describedby={`session-${s.id}-when`}>
                  Revoke
                </SubmitButton>
              </Form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DeleteAccountForm({ result }: { result: Result }) {
  const { errors, setClientErrors, formRef } = useErrors(result);
  return (
    <ErrorAutoFocus fieldErrors={result?.fieldErrors} formError={result?.formError}>
    <section className="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete account</h2>
      <p className="muted small">This deletes your account, every task and every session at once. It cannot be undone.</p>
      <FormError message={result?.formError} />
      <Form method="post" noValidate ref={formRef} {...validateBeforeSubmit(deleteAccountForm, setClientErrors)}>
        <Field label="Password to confirm" name="password" type="password" autoComplete="current-password" required maxLength={PASSWORD_MAX} error={errors.password} />
        <SubmitButton intent="delete-account" pendingLabel="Deleting…" className="button danger">
          Delete my account
        </SubmitButton>
      </Form>
    </section>
    </ErrorAutoFocus>
  );
}
