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
});
