import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "~/env.server";
import { log } from "~/log.server";

export type Mail = { to: string; subject: string; text: string };

export const outboxDir = path.join(env.dataDir, "outbox");

let transport: { sendMail: (m: object) => Promise<unknown> } | undefined;

/**
 * Sends by SMTP when SMTP_URL is set. Otherwise the message is written to DATA_DIR/outbox
 * (never served over HTTP) and only a notice is logged: mail bodies carry reset links,
 * which must not end up in logs.
 */
export async function sendMail(mail: Mail): Promise<void> {
  if (env.smtpUrl) {
    if (!transport) {
      const nodemailer = await import("nodemailer");
      transport = nodemailer.createTransport(env.smtpUrl);
    }
    await transport.sendMail({ from: env.mailFrom, ...mail });
    log.info("mail.sent", { subject: mail.subject });
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
