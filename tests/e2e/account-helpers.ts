import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E_DATA_DIR } from "./env";

export const PASSWORD = "correct horse battery staple";

let counter = 0;
/** Unique per test, project and worker: per-email rate limits never collide. */
export function uniqueEmail(label = "acct"): string {
  const info = test.info();
  counter += 1;
  return `${label}-${info.project.name}-${info.workerIndex}-${Date.now().toString(36)}-${counter}@example.com`;
}

export const jsOn = () => test.info().project.name === "js-on";

/** The toast, which the server renders into the page after a redirect (no JS needed). */
export const toast = (page: Page) => page.locator("[data-toast]");

export async function signUp(page: Page, name = "Account Tester", email = uniqueEmail(), password = PASSWORD) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(toast(page)).toContainText(`Welcome to Tasklane, ${name}!`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return { name, email, password };
}

export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
}

type Mail = { to: string; subject: string; text: string };

/** The newest message to `email` in the e2e server's outbox (DATA_DIR/outbox/*.json). */
export async function latestMailTo(email: string): Promise<Mail> {
  const dir = path.join(E2E_DATA_DIR, "outbox");
  let found: Mail | undefined;
  await expect
    .poll(
      () => {
        let files: string[] = [];
        try {
          files = readdirSync(dir).filter((f) => f.endsWith(".json"));
        } catch {
          return false;
        }
        const mails = files
          .map((f) => ({ f, mtime: statSync(path.join(dir, f)).mtimeMs }))
          .sort((a, b) => b.mtime - a.mtime || b.f.localeCompare(a.f))
          .map(({ f }) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Mail);
        found = mails.find((m) => m.to === email);
        return Boolean(found);
      },
      { message: `a mail to ${email} in ${dir}` },
    )
    .toBe(true);
  return found!;
}

export function screenshotPath(name: string): string {
  return path.join("tests/e2e/screenshots", `${test.info().project.name}-${name}.png`);
}
