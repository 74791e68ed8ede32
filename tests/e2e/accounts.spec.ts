import { expect, test } from "@playwright/test";
import { BASE_URL } from "./env";
import { PASSWORD, jsOn, latestMailTo, signIn, signOut, signUp, toast, uniqueEmail } from "./account-helpers";

// Issue 2's account flows, run by both projects: with JavaScript (enhanced forms, client
// checks) and without (plain HTML forms answered by the server).

test.describe("accounts", () => {
  test("sign up, with errors first, then success", async ({ page }) => {
    await page.goto("/sign-up");
    await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();

    // Empty form: a message per field (client-side with JS, from the server without).
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Enter your name")).toBeVisible();
    await expect(page.getByText("Enter your email address")).toBeVisible();
    await expect(page.getByText("Enter a password")).toBeVisible();
    await expect(page.getByLabel("Name")).toBeFocused();

    // Bad email and short password: the name and email stay, the password does not.
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill("ada-at-example");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Enter an email address like name@example.com")).toBeVisible();
    await expect(page.getByText("Password must be at least 8 characters")).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveValue("Ada Lovelace");
    await expect(page.getByLabel("Email")).toHaveValue("ada-at-example");
    await expect(page.getByLabel("Email")).toBeFocused();

    // A common password: the server says so under Password, and focus goes there.
    const email = uniqueEmail("signup");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("Password123");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("This password is too easy to guess")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toBeFocused();

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(toast(page)).toContainText("Welcome to Tasklane, Ada Lovelace!");
    await expect(page.getByRole("navigation", { name: "Main" })).toContainText("Ada Lovelace");
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

    // The same email cannot sign up twice.
    await signOut(page);
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Copy");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("An account with this email already exists")).toBeVisible();
    await expect(page).toHaveURL(/\/sign-up$/);
  });

  test("sign out ends the session", async ({ page }) => {
    await signUp(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(toast(page)).toContainText("You are signed out");
    await expect(page.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fsettings$/);
  });

  test("Back after signing out does not show the signed-in pages again", async ({ page }) => {
    await signUp(page);
    await page.locator("#new-title").fill("Secret appointment");
    await page.locator("#new-title").press("Enter");
    await expect(page.getByRole("link", { name: "Secret appointment", exact: true })).toBeVisible();
    await page.goto("/settings");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/$/);
    // Pages are sent Cache-Control: no-store, so Back asks the server, which sends the
    // signed-out visitor to sign in (a kept copy showed the list, without JavaScript).
    await page.goBack();
    await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fsettings$/);
    await expect(page.getByText("Secret appointment")).toHaveCount(0);
    await page.goBack();
    await expect(page).toHaveURL(/\/sign-in\?redirectTo=/);
    await expect(page.getByText("Secret appointment")).toHaveCount(0);
  });

  test("a protected page sends you to sign in and back again", async ({ page }) => {
    const { email } = await signUp(page, "Round Trip");
    await signOut(page);

    await page.goto("/settings");
    await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fsettings$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await signIn(page, email, PASSWORD);
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
    await expect(toast(page)).toContainText("Welcome back, Round Trip!");
  });

  test("an off-site redirectTo is ignored", async ({ page }) => {
    const { email } = await signUp(page);
    await signOut(page);
    await page.goto("/sign-in?redirectTo=%2F%2Fevil.example%2F");
    await signIn(page, email, PASSWORD);
    await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/tasks$/);
  });

  test("a wrong password says so, without saying which part was wrong", async ({ page }) => {
    const { email } = await signUp(page);
    await signOut(page);
    await page.goto("/sign-in");
    await signIn(page, email, "not the password");
    const message = "That email and password do not match an account. Check them and try again.";
    await expect(page.getByRole("alert")).toHaveText(message);
    // Focus goes to the message, with JavaScript or without (autofocus).
    await expect(page.getByRole("alert")).toBeFocused();
    await expect(page.getByLabel("Email")).toHaveValue(email);
    // The server never sends the password back (with JS the browser keeps the field as typed).
    if (!jsOn()) await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

    // An unknown email gets the very same words.
    await signIn(page, uniqueEmail("nobody"), "not the password");
    await expect(page.getByRole("alert")).toHaveText(message);
  });

  test("change your name: saved trimmed, shown in the header and the field, an empty one refused", async ({ page }) => {
    await signUp(page, "Old Name");
    await page.goto("/settings");
    const profile = page.getByRole("region", { name: "Profile" });
    await profile.getByLabel("Name").fill("   ");
    await profile.getByRole("button", { name: "Save name" }).click();
    await expect(profile.getByText("Enter your name")).toBeVisible();
    await expect(profile.getByLabel("Name")).toBeFocused();

    await profile.getByLabel("Name").fill("  New Name  ");
    await profile.getByRole("button", { name: "Save name" }).click();
    await expect(toast(page)).toContainText("Your name is saved.");
    await expect(page.getByRole("navigation", { name: "Main" })).toContainText("New Name");
    await expect(profile.getByLabel("Name")).toHaveValue("New Name");
  });

  test("a very long email (no spaces to wrap at) does not widen Settings on a phone", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const email = `${"x".repeat(200)}-${uniqueEmail("long")}`;
    await signUp(page, "Long Email", email);
    await page.goto("/settings");
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
  });

  test("change password", async ({ page }) => {
    const { email } = await signUp(page);
    await page.goto("/settings");
    const newPassword = "a fresh new passphrase";

    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("That is not your current password")).toBeVisible();

    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("New password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(toast(page)).toContainText("Password changed.");
    await expect(page).toHaveURL(/\/settings$/);
    // The passwords just used do not stay in the form.
    await expect(page.getByLabel("Current password")).toHaveValue("");
    await expect(page.getByLabel("New password")).toHaveValue("");

    await signOut(page);
    await page.goto("/sign-in");
    await signIn(page, email, PASSWORD);
    await expect(page.getByRole("alert")).toContainText("do not match an account");
    await signIn(page, email, newPassword);
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  });

  test("revoking a session signs that browser out, and keeps your place in the list", async ({ page, browser }) => {
    const { email } = await signUp(page, "Three Browsers");
    const javaScriptEnabled = test.info().project.use.javaScriptEnabled;
    const others = [await browser.newContext({ baseURL: BASE_URL, javaScriptEnabled }), await browser.newContext({ baseURL: BASE_URL, javaScriptEnabled })];
    try {
      const [second, third] = [await others[0]!.newPage(), await others[1]!.newPage()];
      for (const other of [second, third]) {
        await other.goto("/sign-in");
        await signIn(other, email, PASSWORD);
        await expect(other).toHaveURL(/\/tasks$/);
      }

      await page.goto("/settings");
      const sessions = page.getByRole("region", { name: "Active sessions" });
      await expect(sessions.getByRole("listitem")).toHaveCount(3);
      await expect(sessions.getByText("This device")).toHaveCount(1);
      // Two sessions of one browser share a name: each Revoke is described by its times.
      await expect(sessions.getByRole("button", { name: /^Revoke/ }).first()).toHaveAccessibleDescription(/^Signed in .+ \d{1,2}:\d\d:\d\d\s[AP]M UTC · last active .+ UTC$/);
      await sessions.getByRole("button", { name: /^Revoke/ }).first().click();
      await expect(toast(page)).toContainText("Session revoked. That device is signed out.");
      await expect(sessions.getByRole("listitem")).toHaveCount(2);
      // Back at the list: without JavaScript the page comes back scrolled to it; with it,
      // focus moves to the next Revoke button (its own button is gone), then to the heading.
      await expect(page).toHaveURL(/\/settings#sessions$/);
      if (jsOn()) {
        await expect(sessions.getByRole("button", { name: /^Revoke/ })).toBeFocused();
        await page.keyboard.press("Enter");
        await expect(sessions.getByRole("listitem")).toHaveCount(1);
        await expect(sessions.getByRole("heading", { name: "Active sessions" })).toBeFocused();
      } else {
        await expect(sessions.getByRole("heading", { name: "Active sessions" })).toBeInViewport();
        await sessions.getByRole("button", { name: /^Revoke/ }).click();
        await expect(sessions.getByRole("listitem")).toHaveCount(1);
      }

      // The revoked browsers find themselves signed out on their next page.
      for (const other of [second, third]) {
        await other.goto("/settings");
        await expect(other).toHaveURL(/\/sign-in\?redirectTo=%2Fsettings$/);
        await expect(other.getByRole("button", { name: "Sign out" })).toHaveCount(0);
      }
      // The first one is still in.
      await page.reload();
      await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
    } finally {
      for (const other of others) await other.close();
    }
  });

  test("delete account", async ({ page }) => {
    const { email } = await signUp(page);
    await page.goto("/settings");
    const danger = page.getByRole("region", { name: "Delete account" });

    await danger.getByLabel("Password to confirm").fill("wrong password");
    await danger.getByRole("button", { name: "Delete my account" }).click();
    await expect(page.getByText("That is not your password")).toBeVisible();

    await page.getByRole("region", { name: "Delete account" }).getByLabel("Password to confirm").fill(PASSWORD);
    await page.getByRole("region", { name: "Delete account" }).getByRole("button", { name: "Delete my account" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(toast(page)).toContainText("Your account and all its tasks are deleted.");
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

    await page.goto("/sign-in");
    await signIn(page, email, PASSWORD);
    await expect(page.getByRole("alert")).toContainText("do not match an account");
  });

  test("password reset through the emailed link", async ({ page, browser }) => {
    const { email } = await signUp(page, "Forgetful Person");
    // A second browser that stays signed in: the reset must end its session.
    const stale = await browser.newContext({ baseURL: BASE_URL, storageState: await page.context().storageState() });
    await signOut(page);

    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(toast(page)).toContainText("If an account uses that email, a reset link is on its way.");

    const mail = await latestMailTo(email);
    expect(mail.subject).toBe("Reset your Tasklane password");
    const link = mail.text.match(/https?:\/\/\S+\/reset-password\?token=\S+/)?.[0];
    expect(link).toBeTruthy();

    await page.goto(link!);
    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("Password must be at least 8 characters")).toBeVisible();

    const newPassword = "reset and remembered";
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(toast(page)).toContainText("Password changed. Sign in with the new one.");

    await signIn(page, email, newPassword);
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

    // The browser that was signed in before the reset is signed out now.
    const stalePage = await stale.newPage();
    await stalePage.goto("/settings");
    await expect(stalePage).toHaveURL(/\/sign-in\?redirectTo=%2Fsettings$/);
    await stale.close();

    // The link works once, and opened again says so at once, before any password is typed.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
    await page.goto(link!);
    await expect(page.getByRole("heading", { name: "This reset link can no longer be used" })).toBeVisible();
    await expect(page.getByLabel("New password", { exact: true })).toHaveCount(0);
    await page.getByRole("link", { name: "Ask for a new link" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
  });
});
