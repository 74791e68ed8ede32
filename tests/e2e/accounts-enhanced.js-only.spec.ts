import { expect, test } from "@playwright/test";
import { signUp, toast, uniqueEmail } from "./account-helpers";

// What JavaScript adds to the account pages (the js-on project only).

test.describe("account pages with JavaScript", () => {
  test("the email typed on sign-in goes along to 'Forgot your password?' and back", async ({ page }) => {
    const email = uniqueEmail("carry");
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue(email);
    // Not in the URL: it would end up in history and server logs.
    expect(page.url()).not.toContain("carry");

    const changed = uniqueEmail("changed");
    await page.getByLabel("Email").fill(changed);
    await page.locator("#main").getByRole("link", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue(changed);
  });

  test("Sign out says it is working, and a second click while it is does not send it again", async ({ page }) => {
    await signUp(page);
    let posts = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/sign-out/, async (route) => {
      if (route.request().method() === "POST") posts += 1;
      await held;
      await route.continue();
    });
    await page.getByRole("button", { name: "Sign out" }).click();
    const pending = page.getByRole("button", { name: "Signing out…" });
    await expect(pending).toHaveAttribute("aria-disabled", "true");
    await pending.click({ force: true }); // aria-disabled: Playwright would wait for it to be enabled
    release();
    await expect(toast(page)).toContainText("You are signed out.");
    expect(posts).toBe(1);
  });

  test("a password can be shown to check it, and is hidden again when the form is sent", async ({ page }) => {
    await page.goto("/sign-up");
    const password = page.getByLabel("Password");
    await password.fill("typed before showing");
    const show = page.getByRole("button", { name: "Show password" });
    await show.click();
    await expect(password).toHaveAttribute("type", "text");
    await expect(password).toHaveValue("typed before showing");
    await expect(page.getByRole("button", { name: "Hide password" })).toBeVisible();
    await page.getByRole("button", { name: "Hide password" }).click();
    await expect(password).toHaveAttribute("type", "password");

    await show.click();
    await page.getByRole("button", { name: "Create account" }).click(); // refused: no name
    await expect(page.getByText("Enter your name")).toBeVisible();
    await expect(password).toHaveAttribute("type", "password");
  });
});
