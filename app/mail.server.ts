import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "~/env.server";
import { describeError, log } from "~/log.server";

export type Mail = { to: string; subject: string; text: string };

export const outboxDir = path.join(env.dataDir, "outbox");

let transport: { sendMail: (m: object) => Promise<unknown> } | undefined;

/**
 * Sends by SMTP when SMTP_URL is set. Otherwise the message is written to DATA_DIR/outbox
 * (never served over HTTP) and only a notice is logged: mail bodies carry reset links,
 * which must not end up in logs.
 *
 * An SMTP send is handed off, not awaited: a reset is mailed only to an address that has an
 * account, so a reply that waited for the mail server told anyone timing "Forgot password"
 * which emails are registered (a security review measured ~330 vs ~15 ms). A failed send
 * is logged; the form's answer is the same either way.
 */
export async function sendMail(mail: Mail): Promise<void> {
  if (env.smtpUrl) {
    const sending = sendBySmtp(env.smtpUrl, mail)
      .catch((error: unknown) => log.error("mail.failed", { subject: mail.subject, message: describeError(error) }))
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    return;
  }
  await mkdir(outboxDir, { recursive: true, mode: 0o700 });
  const file = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID()}.json`;
  await writeFile(
    path.join(outboxDir, file),
    JSON.stringify({ from: env.mailFrom, ...mail, createdAt: new Date().toISOString() }, null, 2),
    { mode: 0o600 },
  );
  log.info("mail.outbox", { subject: mail.subject, file });
}

/** SMTP sends handed off and not yet done. */
const inFlight = new Set<Promise<void>>();

/**
 * Waits for the SMTP sends still on their way, for at most `maxMs` (server.mjs calls it on
 * SIGTERM, beside closing the database, within its 10 s limit): a reset link asked for just
 * before a deploy is still mailed, and a mail server that does not answer cannot hold up
 * the stop.
 */
export async function drainMail(maxMs = 5_000): Promise<void> {
  if (!inFlight.size) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<true>((resolve) => (timer = setTimeout(resolve, maxMs, true)));
  const sent = (async () => {
    while (inFlight.size) await Promise.all(inFlight);
  })();
  if (await Promise.race([sent, gaveUp])) log.warn("mail.abandoned", { count: inFlight.size });
  clearTimeout(timer);
}

/**
 * nodemailer waits 2 minutes for a connection and 30 s for the greeting by default; a send
 * is in the background, but one stuck that long would outlive a graceful stop. SMTP_URL
 * can still set its own (`?greetingTimeout=…`).
 */
const SMTP_TIMEOUTS = { connectionTimeout: "10000", greetingTimeout: "10000", socketTimeout: "30000" };

function withTimeouts(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  for (const [name, ms] of Object.entries(SMTP_TIMEOUTS)) if (!url.searchParams.has(name)) url.searchParams.set(name, ms);
  return url.toString();
}

async function sendBySmtp(smtpUrl: string, mail: Mail): Promise<void> {
  if (!transport) {
    const nodemailer = await import("nodemailer");
    transport = nodemailer.createTransport(withTimeouts(smtpUrl));
  }
  await transport.sendMail({ from: env.mailFrom, ...mail });
  log.info("mail.sent", { subject: mail.subject });
}
