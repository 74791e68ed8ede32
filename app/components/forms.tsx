import { Link, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import {
  cloneElement,
  createContext,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type InputHTMLAttributes,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
  type RefObject,
} from "react";
import { useHydrated } from "~/components/hydrated";
import type { z } from "zod";
import { EMAIL_MAX } from "~/account-limits";
import { parseForm, type FieldErrors } from "~/forms";

/** An email another page passed along in history state (never the URL: no emails in logs). */
export function useCarriedEmail(): string | undefined {
  const state: unknown = useLocation().state;
  const email = state && typeof state === "object" && "email" in state ? state.email : undefined;
  return typeof email === "string" && email.length <= EMAIL_MAX ? email : undefined;
}

/**
 * A link between the sign-in and forgot-password pages that takes the email typed so far
 * along, in history state, so it is not typed twice. (Without JavaScript, a plain link.)
 */
export function EmailCarryingLink({ to, form, children }: { to: string; form: RefObject<HTMLFormElement | null>; children: ReactNode }) {
  const navigate = useNavigate();
  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    const email = form.current?.elements.namedItem("email");
    if (!(email instanceof HTMLInputElement) || !email.value.trim()) return; // Link's own click
    if (event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return; // a new tab
    event.preventDefault();
    navigate(to, { state: { email: email.value.trim() } });
  }
  return (
    <Link to={to} onClick={onClick}>
      {children}
    </Link>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
};

// Which field the server's answer wants focused: the first with an error, or "form" for a
// message about the whole form. Rendered as the autofocus attribute, so the browser moves
// focus there even without JavaScript (with it, useFocusFirstError does the same).
const AutoFocusContext = createContext<string | null>(null);

export function ErrorAutoFocus({
  fieldErrors,
  formError,
  children,
}: {
  fieldErrors?: Record<string, string | undefined>;
  formError?: string | null;
  children: ReactNode;
}) {
  const first = Object.entries(fieldErrors ?? {}).find(([, message]) => message)?.[0] ?? (formError ? "form" : null);
  return <AutoFocusContext.Provider value={first}>{children}</AutoFocusContext.Provider>;
}

/** True for the one field the server's errors want focused first. */
export function useAutoFocus(name: string): true | undefined {
  return useContext(AutoFocusContext) === name || undefined;
}

/**
 * A labelled input whose error is announced and linked for screen readers. A password gets
 * a Show/Hide button once JavaScript runs, so it can be checked rather than typed twice.
 */
export function Field({ label, name, error, hint, id, ...input }: FieldProps) {
  const autoFocus = useAutoFocus(name);
  const fallbackId = useId();
  const inputId = id ?? `${name}-${fallbackId}`;
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  const field = (
    <input
      id={inputId}
      name={name}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy || undefined}
      autoFocus={autoFocus}
      {...input}
    />
  );
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {input.type === "password" ? <PasswordInput>{field}</PasswordInput> : field}
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A password input with a Show/Hide button. The wrapper is in the server's HTML too, so the
 * button arrives as a new sibling and the input (and what was typed before JavaScript ran)
 * stays. Sending the form hides the password again, so the browser does not keep it as text.
 */
function PasswordInput({ children }: { children: ReactElement<InputHTMLAttributes<HTMLInputElement>> }) {
  const hydrated = useHydrated();
  const [shown, setShown] = useState(false);
  const wrapper = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const form = wrapper.current?.closest("form");
    if (!shown || !form) return;
    const hide = () => setShown(false);
    form.addEventListener("submit", hide);
    return () => form.removeEventListener("submit", hide);
  }, [shown]);
  return (
    <div className="password-input" ref={wrapper}>
      {shown ? cloneElement(children, { type: "text", autoCapitalize: "off", spellCheck: false }) : children}
      {hydrated ? (
        <button type="button" className="button small" aria-controls={children.props.id} onClick={() => setShown((s) => !s)}>
          {shown ? "Hide" : "Show"}
          <span className="visually-hidden"> password</span>
        </button>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  const autoFocus = useAutoFocus("form");
  if (!message) return null;
  return (
    <div className="form-error" role="alert" tabIndex={-1} data-form-error autoFocus={autoFocus}>
      {message}
    </div>
  );
}

/** Shows a pending label while this form's submission (matched by intent) is in flight. */
export function SubmitButton({
  children,
  pendingLabel,
  intent,
  className,
  ...rest
}: {
  children: ReactNode;
  pendingLabel: string;
  intent?: string;
  className?: string;
} & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  const pending =
    submitting && (intent === undefined || navigation.formData?.get("intent") === intent);
  return (
    <button
      type="submit"
      name={intent ? "intent" : undefined}
      value={intent}
      className={className ?? "button primary"}
      aria-disabled={pending || undefined}
      data-pending={pending || undefined}
      {...rest}
      onClick={(event) => {
        // A second click while the first is in flight would send the form twice.
        if (pending) event.preventDefault();
        rest.onClick?.(event);
      }}
    >
      {pending ? pendingLabel : children}
    </button>
  );
}

/** Moves focus to the first invalid field (or the form's error) when errors arrive. */
export function useFocusFirstError(errors: unknown) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!errors || !formRef.current) return;
    // The form's own box: a message about the whole form sits just above the <form>.
    const scope = formRef.current.parentElement ?? formRef.current;
    const target = scope.querySelector<HTMLElement>('[aria-invalid="true"], [data-form-error]');
    target?.focus();
  }, [errors]);
  return formRef;
}

/**
 * A form's schema, fetched (and zod with it, ~25 KB gzipped) the first time the user works
 * with that form rather than with every page.
 */
export type LazySchema = { current: z.ZodType | null; failed: boolean; load: () => Promise<unknown> };

export function lazySchema(load: () => Promise<z.ZodType>): LazySchema {
  let pending: Promise<unknown> | null = null;
  const handle: LazySchema = {
    current: null,
    failed: false,
    load: () =>
      (pending ??= load().then(
        (schema) => (handle.current = schema),
        () => {
          // Offline, say: submit unchecked; the server checks everything anyway.
          handle.failed = true;
          pending = null;
        },
      )),
  };
  return handle;
}

/**
 * With JavaScript, the same schema the server uses checks the form before it is sent, so
 * mistakes show at once; without JavaScript the server answers with the same messages.
 * Spread onto the form: focusing it starts loading the schema.
 */
export function validateBeforeSubmit(schema: LazySchema, setErrors: (errors: FieldErrors | null) => void) {
  return {
    onFocus: () => void schema.load(),
    onSubmit: (event: React.FormEvent<HTMLFormElement>) => {
      const form = event.currentTarget;
      const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
      if (!schema.current) {
        if (schema.failed) return;
        // Sent before the schema arrived: hold this submit and send it again once it has.
        event.preventDefault();
        void schema.load().then(() => form.requestSubmit(submitter ?? undefined));
        return;
      }
      const formData = new FormData(form);
      if (submitter?.name) formData.set(submitter.name, submitter.value);
      const result = parseForm(schema.current, formData);
      if (result.success) {
        setErrors(null);
        return;
      }
      event.preventDefault();
      setErrors(result.fieldErrors);
      requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    },
  };
}

/** One <option> per value, labelled with the value capitalised ("high" → "High"). */
export function EnumOptions({ values }: { values: readonly string[] }) {
  return (
    <>
      {values.map((value) => (
        <option key={value} value={value}>
          {value.charAt(0).toUpperCase() + value.slice(1)}
        </option>
      ))}
    </>
  );
}
