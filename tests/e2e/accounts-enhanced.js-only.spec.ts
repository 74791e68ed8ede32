import { expect, test } from "@playwright/test";
import { uniqueEmail } from "./account-helpers";

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
