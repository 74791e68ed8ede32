import { expect, test } from "@playwright/test";
import { jsOn, signOut, signUp } from "./account-helpers";

// Settings → API token, with JavaScript on and off: the button makes a JWT, the page shows
// it with its expiry and a curl line, and the token works on the JSON API (Playwright's
// `request`, which shares no cookies with the page) until the browser signs out.

test("create an API token on /settings and call the API with it", async ({ page, request, baseURL }) => {
  await signUp(page, "Token Tester");
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "API token" });
  await expect(section).toBeVisible();
  await expect(section.getByLabel("Your API token")).toHaveCount(0);

  const before = Date.now();
  await page.setViewportSize({ width: 375, height: 740 }); // the section is far down on a phone
  await section.getByRole("button", { name: "Create API token" }).click();
  const field = section.getByLabel("Your API token");
  await expect(field).toBeVisible();
  // The page comes back at the new token (with JavaScript, focused on it), not at its top.
  await expect(field).toBeInViewport();
  if (jsOn()) await expect(field).toBeFocused();
  await page.setViewportSize({ width: 1280, height: 720 });
  const token = await field.inputValue();
  expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

  // When it expires: about JWT_EXPIRES_IN (15 minutes) from now.
  const expiresAt = Date.parse((await section.locator("time").getAttribute("datetime"))!);
  expect(expiresAt - before).toBeGreaterThan(14 * 60_000);
  expect(expiresAt - before).toBeLessThan(16 * 60_000);
  await expect(section.getByText(/Expires .+ UTC/)).toBeVisible();

  // A copy-ready curl line with this very token and this server's API URL.
  await expect(section.locator("[data-curl]")).toHaveText(`curl -H "Authorization: Bearer ${token}" ${baseURL}/api/tasks`);
  await expect(section.getByRole("button", { name: "Copy token" })).toHaveCount(jsOn() ? 1 : 0);

  const auth = { Authorization: `Bearer ${token}` };
  const created = await request.post("/api/tasks", { headers: auth, data: { title: "Made with an API token", priority: "high" } });
  expect(created.status()).toBe(201);
  const task = await created.json();
  const list = await request.get("/api/tasks", { headers: auth });
  expect(list.status()).toBe(200);
  expect((await list.json()).tasks.map((t: { id: string }) => t.id)).toEqual([task.id]);

  // The browser sees the task the API made.
  await page.goto("/tasks");
  await expect(page.getByText("Made with an API token")).toBeVisible();

  // The button can be pressed again; every token works while the session lives.
  await page.goto("/settings");
  await page.getByRole("button", { name: "Create API token" }).click();
  await expect(page.getByRole("button", { name: "Create another token" })).toBeVisible();
  const second = await page.getByLabel("Your API token").inputValue();
  expect((await request.get(`/api/tasks/${task.id}`, { headers: { Authorization: `Bearer ${second}` } })).status()).toBe(200);

  // Signing out in the browser ends the session, and every token made from it.
  await signOut(page);
  const after = await request.get("/api/tasks", { headers: auth });
  expect(after.status()).toBe(401);
  expect(after.headers()["www-authenticate"]).toBe('Bearer realm="tasklane", error="invalid_token"');
  expect(after.headers()["content-type"]).toBe("application/problem+json");
});
