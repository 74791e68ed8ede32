import { expect, test, type Page } from "@playwright/test";
import { latestMailTo, screenshotPath, signUp, uniqueEmail } from "./account-helpers";

// A picture of every account page in light and dark, written to tests/e2e/screenshots/
// (git-ignored) for people to look at; the test also checks each page rendered.

for (const colorScheme of ["light", "dark"] as const) {
  test(`account pages in ${colorScheme} mode`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    const shoot = async (name: string, p: Page = page) => {
      await p.screenshot({ path: screenshotPath(`${name}-${colorScheme}`), fullPage: true });
    };

    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await shoot("landing");

    await page.goto("/sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Enter your name")).toBeVisible();
    await shoot("sign-up-errors");

    await page.goto("/sign-in?redirectTo=%2Fsettings");
    await page.getByLabel("Email").fill(uniqueEmail("shot"));
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await shoot("sign-in-error");

    await page.goto("/forgot-password");
    await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
    await shoot("forgot-password");

    await page.goto("/reset-password");
    await expect(page.getByRole("heading", { name: "Reset link missing" })).toBeVisible();
    await shoot("reset-password-missing");

    await page.goto("/no-such-page");
    await expect(page.getByText("404")).toBeVisible();
    await shoot("error-404");

    const { email } = await signUp(page, `Screenshot ${colorScheme}`);
    await shoot("after-sign-up");
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
    await page.getByLabel("Current password").fill("wrong password");
    await page.getByLabel("New password").fill("another password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("That is not your current password")).toBeVisible();
    await shoot("settings");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await shoot("sign-in-toast");
    const link = (await latestMailTo(email)).text.match(/https?:\/\/\S+\/reset-password\?token=\S+/)![0];
    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("Password must be at least 8 characters")).toBeVisible();
    await shoot("reset-password");

    // A narrow phone screen.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto("/sign-in");
    await shoot("sign-in-mobile");
  });
}
