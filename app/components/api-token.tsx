import { Form } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { ApiToken } from "~/api-token.server";
import { FormError, SubmitButton } from "~/components/forms";
import { useHydrated } from "~/components/hydrated";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** The curl line shown under a new token: list your tasks with it. */
export function curlExample(token: ApiToken): string {
  return `curl -H "Authorization: Bearer ${token.value}" ${token.apiUrl}`;
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button small"
      onClick={() => {
        navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? "Copied" : label}
    </button>
  );
}

export function ApiTokenSection({ result }: { result?: { formError: string | null; token: ApiToken | null } }) {
  const hydrated = useHydrated();
  const token = result?.token ?? null;
  // A new token gets focus (its label is read out); without JavaScript the form's #api-token
  // brings the page back scrolled to it, far down on a phone.
  const tokenRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (token) tokenRef.current?.focus();
  }, [token]);
  return (
    <section className="card" aria-labelledby="api-token-heading">
      <h2 id="api-token-heading">API token</h2>
      <p className="muted small">
        A token lets scripts and other apps use your tasks through the <a href="/api/openapi.json">JSON API</a>. It
        works until it expires, and only while this browser stays signed in: signing out here ends it.
      </p>
      <FormError message={result?.formError} />
      {token ? (
        <div className="stack api-token">
          <div className="field">
            <label htmlFor="api-token">Your API token</label>
            <textarea ref={tokenRef} id="api-token" name="api-token" readOnly rows={5} spellCheck={false} value={token.value} />
            <p className="hint">
              Expires <time dateTime={token.expiresAt}>{timeFormat.format(new Date(token.expiresAt))} UTC</time>. Keep
              it secret: anyone with it can read and change your tasks until then.
            </p>
          </div>
          <figure className="api-curl">
            <figcaption className="label">Try it with curl</figcaption>
            <pre>
              <code data-curl>{curlExample(token)}</code>
            </pre>
          </figure>
          {hydrated ? (
            <div className="actions">
              <CopyButton text={token.value} label="Copy token" />
              <CopyButton text={curlExample(token)} label="Copy curl command" />
            </div>
          ) : null}
        </div>
      ) : null}
      <Form method="post" action="/settings#api-token">
        <SubmitButton intent="create-token" pendingLabel="Creating…">
          {token ? "Create another token" : "Create API token"}
        </SubmitButton>
      </Form>
    </section>
  );
}
