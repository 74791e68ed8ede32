import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { toast } from "./account-helpers";
import { BASE_URL } from "./env";

// Task pages, run by both projects: with JavaScript (fetchers, optimistic rows) and
// without (plain forms, redirects, confirmation pages).

let counter = 0;
async function signUp(page: Page, name = "Task Tester") {
  const email = `tasks-${test.info().project.name}-${Date.now()}-${counter++}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  return email;
}

const createForm = (page: Page) => page.getByRole("form", { name: "Add a task" });
const list = (page: Page) => page.getByRole("list", { name: "Task list" });
const jsOn = () => test.info().project.name === "js-on";

async function addTask(page: Page, title: string, more: { due?: string; priority?: string; tags?: string; repeats?: string; description?: string } = {}) {
  const form = createForm(page);
  await form.getByLabel("Title").fill(title);
  if (Object.keys(more).length) {
    const details = form.locator("details");
    if (!(await details.evaluate((el) => (el as HTMLDetailsElement).open))) await form.getByText("More options").click();
    if (more.description) await form.getByLabel("Description").fill(more.description);
    if (more.due) await form.getByLabel("Due date").fill(more.due);
    if (more.priority) await form.getByLabel("Priority").selectOption(more.priority);
    if (more.tags) await form.getByLabel("Tags").fill(more.tags);
    if (more.repeats) await form.getByLabel("Repeats").selectOption(more.repeats);
  }
  await form.getByRole("button", { name: "Add task" }).click();
  await expect(list(page).getByRole("link", { name: title, exact: true })).toBeVisible();
}

/** Creates tasks over HTTP with the page's own cookies, for lists too long to type. */
async function addTasksQuickly(page: Page, titles: string[]) {
  for (const title of titles) {
    const res = await page.request.post("/tasks", { form: { intent: "create", title }, headers: { Origin: BASE_URL }, maxRedirects: 0 });
    expect(res.status()).toBe(302);
  }
}

async function deleteTask(page: Page, title: string) {
  if (jsOn()) {
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: `Delete: ${title}` }).click();
  } else {
    await page.getByRole("link", { name: `Delete: ${title}` }).click();
    await expect(page.getByRole("heading", { name: "Delete this task?" })).toBeVisible();
    await page.getByRole("button", { name: "Yes, delete it" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
  }
}

test.describe("creating tasks", () => {
  test("adds a task from the top of the list, with a toast and the counter", async ({ page }) => {
    await signUp(page);
    await expect(page.getByText("No tasks yet")).toBeVisible();
    await addTask(page, "Buy milk");
    await expect(page.locator(".counter")).toHaveText("1 left");
    // In <main>, so "Skip to content" does not skip it (without JavaScript it is the page's news).
    await expect(page.locator("#main").getByRole("status")).toContainText("Added “Buy milk”");
    if (jsOn()) await expect(createForm(page).getByLabel("Title")).toBeFocused();
    await expect(createForm(page).getByLabel("Title")).toHaveValue("");
  });

  test("adds a task with every option, and overdue and due-today tasks stand out", async ({ page }) => {
    await signUp(page);
    const today = new Date().toISOString().slice(0, 10);
    await addTask(page, "Pay rent", { due: "2020-01-01", priority: "high", tags: "Home, money", description: "Before noon" });
    await addTask(page, "Stand-up", { due: today });
    const rent = list(page).locator("li", { hasText: "Pay rent" });
    await expect(rent).toContainText("Overdue");
    await expect(rent).toContainText("High priority");
    await expect(rent.getByRole("link", { name: "Show tasks tagged home" })).toBeVisible();
    await expect(list(page).locator("li", { hasText: "Stand-up" })).toContainText("Due today");
  });

  test("keeps the input and explains what is wrong", async ({ page }) => {
    await signUp(page);
    const form = createForm(page);
    await form.getByLabel("Title").fill("   ");
    await form.getByRole("button", { name: "Add task" }).click();
    await expect(form.getByText("Enter a title")).toBeVisible();
    await expect(form.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
    // Focus moves to the first error: by script with JavaScript, by autofocus without.
    await expect(form.getByLabel("Title")).toBeFocused();

    await form.getByLabel("Title").fill("Tagged too much");
    if (!(await form.locator("details").evaluate((el) => (el as HTMLDetailsElement).open))) await form.getByText("More options").click();
    await form.getByLabel("Tags").fill(Array.from({ length: 11 }, (_, i) => `t${i}`).join(","));
    await form.getByRole("button", { name: "Add task" }).click();
    await expect(form.getByText("At most 10 tags")).toBeVisible();
    await expect(form.getByLabel("Tags")).toBeFocused();
    await expect(form.getByLabel("Title")).toHaveValue("Tagged too much");
    await expect(page.getByText("No tasks yet")).toBeVisible();
  });

  test("Add comes after the options: beside Title on a wide screen, below the options on a phone, next from the last one by Tab", async ({ page }) => {
    await signUp(page);
    const form = createForm(page);
    const add = form.getByRole("button", { name: "Add task" });
    const box = async (name: string) => (await form.getByLabel(name).boundingBox())!;
    await form.getByText("More options").click();
    const wide = (await add.boundingBox())!;
    expect(Math.abs(wide.y + wide.height / 2 - ((await box("Title")).y + (await box("Title")).height / 2))).toBeLessThan(8);

    await page.setViewportSize({ width: 390, height: 844 });
    const narrow = (await add.boundingBox())!;
    const tags = await box("Tags");
    expect(narrow.y).toBeGreaterThan(tags.y + tags.height);

    await form.getByLabel("Title").fill("Tabbed to Add");
    await form.getByLabel("Tags").fill("home");
    await form.getByLabel("Tags").press("Tab");
    await expect(add).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(list(page).getByRole("link", { name: "Tabbed to Add", exact: true })).toBeVisible();
  });
});

test.describe("completing, editing and deleting", () => {
  test("toggles a task complete and open again", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Write report");
    await page.getByRole("button", { name: "Mark as done: Write report" }).click();
    await expect(page.getByRole("button", { name: "Mark as not done: Write report" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator(".counter")).toHaveText("0 left");
    await page.getByRole("button", { name: "Mark as not done: Write report" }).click();
    await expect(page.getByRole("button", { name: "Mark as done: Write report" })).toBeVisible();
    await expect(page.locator(".counter")).toHaveText("1 left");
  });

  test("edits every field on the task page", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Draft");
    await list(page).getByRole("link", { name: "Draft", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();
    // Its one-line controls are one height (a date input and a select were not).
    const heights = await page.locator("main form").locator("input:not([type=hidden]):not([type=checkbox]), select").evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().height)));
    expect(new Set(heights).size, `heights ${heights.join(", ")}`).toBe(1);
    await page.getByLabel("Title").fill("Final draft");
    await page.getByLabel("Description").fill("Send to Sam");
    await page.getByLabel("Priority").selectOption("low");
    await page.getByLabel("Due date").fill("2030-05-17");
    await page.getByLabel("Repeats").selectOption("monthly");
    await page.getByLabel("Tags").fill("writing");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status")).toContainText("Task saved.");
    await expect(page.getByLabel("Title")).toHaveValue("Final draft");
    await expect(page.getByLabel("Priority")).toHaveValue("low");
    await expect(page.getByLabel("Repeats")).toHaveValue("monthly");
    await page.getByLabel("Title").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Enter a title")).toBeVisible();
    await page.getByRole("link", { name: "← All tasks" }).click();
    await expect(list(page).getByRole("link", { name: "Final draft", exact: true })).toBeVisible();
    await expect(list(page)).toContainText("Low priority");
  });

  test("a save over another tab's change is refused, with the edits kept", async ({ page, context }) => {
    await signUp(page);
    await addTask(page, "Shared plan");
    await list(page).getByRole("link", { name: "Shared plan", exact: true }).click();
    // With JavaScript the link is a client-side navigation: the URL changes once it lands.
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();
    const url = page.url();
    expect(url).toMatch(/\/tasks\/[\w-]+$/);
    const other = await context.newPage();
    await other.goto(url);
    await other.getByLabel("Title").fill("Plan from the other tab");
    await other.getByRole("button", { name: "Save changes" }).click();
    await expect(other.getByRole("status")).toContainText("Task saved.");
    await other.close();

    await page.getByLabel("Description").fill("My notes");
    await page.getByRole("button", { name: "Save changes" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "changed in another tab" });
    await expect(alert).toContainText("its title is now “Plan from the other tab”");
    await expect(alert).toBeFocused();
    await expect(page.getByLabel("Description")).toHaveValue("My notes");
    // Saving again keeps these edits, on purpose.
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status")).toContainText("Task saved.");
    await expect(page.getByLabel("Description")).toHaveValue("My notes");
  });

  test("deletes a task after confirming", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Keep me");
    await addTask(page, "Delete me");
    await deleteTask(page, "Delete me");
    await expect(list(page).getByRole("link", { name: "Delete me", exact: true })).toHaveCount(0);
    await expect(list(page).getByRole("link", { name: "Keep me", exact: true })).toBeVisible();
    await expect(page.getByRole("status")).toContainText("Task deleted.");
  });

  test("ticking a task far down a long list keeps that row in view", async ({ page }) => {
    await signUp(page);
    await addTasksQuickly(page, Array.from({ length: 30 }, (_, i) => `Long list task ${String(i + 1).padStart(2, "0")}`));
    await page.setViewportSize({ width: 1000, height: 600 });
    await page.goto("/tasks");
    const check = page.getByRole("button", { name: "Mark as done: Long list task 05", exact: true });
    await check.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
    await check.click();
    const done = page.getByRole("button", { name: "Mark as not done: Long list task 05", exact: true });
    await expect(done).toBeVisible();
    await expect(done).toBeInViewport();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
  });

  test("marks all complete and clears completed", async ({ page }) => {
    await signUp(page);
    await addTasksQuickly(page, ["One", "Two", "Three"]);
    await page.goto("/tasks");
    await page.getByRole("button", { name: "Mark all complete" }).click();
    await expect(page.locator(".counter")).toHaveText("0 left");
    await expect(page.getByRole("status")).toContainText("Marked 3 tasks complete.");
    // Clearing deletes for good, so it asks first: a dialog with JavaScript, a panel without.
    if (jsOn()) {
      page.once("dialog", (dialog) => dialog.dismiss());
      await page.getByRole("button", { name: "Clear completed" }).click();
      await expect(list(page).locator(".task")).toHaveCount(3);
      page.once("dialog", (dialog) => {
        expect(dialog.message()).toBe("Delete 3 completed tasks?");
        void dialog.accept();
      });
      await page.getByRole("button", { name: "Clear completed" }).click();
    } else {
      await page.getByRole("link", { name: "Clear completed" }).click();
      const panel = page.getByRole("alertdialog", { name: "Clear completed tasks?" });
      await expect(panel).toContainText("3 completed tasks will be deleted for good.");
      await panel.getByRole("link", { name: "Cancel" }).click();
      await expect(panel).toHaveCount(0);
      await expect(list(page).locator(".task")).toHaveCount(3);
      await page.getByRole("link", { name: "Clear completed" }).click();
      await expect(page.getByRole("button", { name: "Yes, delete 3 completed tasks" })).toBeFocused();
      await page.getByRole("button", { name: "Yes, delete 3 completed tasks" }).click();
    }
    await expect(page.getByText("No tasks yet")).toBeVisible();
    await expect(page.getByRole("status")).toContainText("Cleared 3 completed tasks.");
  });

  test("completing a repeating task schedules the next one", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Water plants", { due: "2099-01-31", repeats: "monthly" });
    await page.getByRole("button", { name: "Mark as done: Water plants" }).click();
    await expect(page.getByRole("button", { name: "Mark as done: Water plants" })).toBeVisible();
    await expect(list(page).locator("li", { hasText: "Water plants" }).filter({ has: page.locator('[aria-pressed="false"]') })).toContainText("Feb 28, 2099");
  });
});

test.describe("views in the URL", () => {
  test("filters by status, search and due, keeps them in the URL, and Back works", async ({ page }) => {
    await signUp(page);
    await addTasksQuickly(page, ["Call the bank", "Buy bread", "Call mum"]);
    await page.goto("/tasks");
    await page.getByRole("button", { name: "Mark as done: Buy bread" }).click();
    await expect(page.locator(".counter")).toHaveText("2 left");

    await page.getByRole("link", { name: "Completed", exact: true }).click();
    await expect(page).toHaveURL(/status=completed/);
    await expect(list(page).locator(".task-title")).toHaveText(["Buy bread"]);

    await page.getByRole("link", { name: "All", exact: true }).click();
    await expect(page).not.toHaveURL(/status=/);
    await page.getByLabel("Search").fill("call");
    if (jsOn()) await expect(page).toHaveURL(/q=call/);
    else await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/q=call/);
    await expect(list(page).locator(".task-title")).toHaveText(["Call mum", "Call the bank"]);

    await page.getByLabel("Sort by").selectOption("title");
    if (!jsOn()) await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/sort=title/);
    // Order left at "Default": a title sort reads A to Z (not the newest-first "desc" of
    // the sort it came from).
    await expect(list(page).locator(".task-title")).toHaveText(["Call mum", "Call the bank"]);
    await page.getByLabel("Order").selectOption("desc");
    if (!jsOn()) await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/order=desc/);
    await expect(list(page).locator(".task-title")).toHaveText(["Call the bank", "Call mum"]);

    await page.goto("/tasks?status=bogus&sort=nonsense");
    await expect(list(page).locator(".task-title")).toHaveCount(3);
    await page.goBack();
    await expect(page).toHaveURL(/sort=title/);
  });

  test("pages through a long list with Older tasks, without repeats", async ({ page }) => {
    await signUp(page);
    await addTasksQuickly(page, Array.from({ length: 55 }, (_, i) => `Item ${String(i).padStart(2, "0")}`));
    await page.goto("/tasks");
    await expect(list(page).locator(".task-title")).toHaveCount(50);
    const first = await list(page).locator(".task-title").allTextContents();
    await page.getByRole("link", { name: "Older tasks" }).press("Enter");
    await expect(page).toHaveURL(/cursor=/);
    // With JavaScript focus goes to the new page's list, not the pager far below it.
    if (jsOn()) await expect(page.locator("#list-heading")).toBeFocused();
    // The URL changes before React commits the next page (navigations render in a
    // transition), so wait for the new rows rather than reading the list at once.
    await expect(list(page).locator(".task-title")).toHaveCount(5);
    const second = await list(page).locator(".task-title").allTextContents();
    expect(new Set([...first, ...second]).size).toBe(55);
    await expect(page.getByRole("link", { name: "Older tasks" })).toHaveCount(0);
    await page.getByRole("link", { name: "First page" }).click();
    await expect(list(page).locator(".task-title")).toHaveCount(50);
  });

  test("a task opened from a filtered view goes back to it, after a save and a cancelled delete too", async ({ page }) => {
    await signUp(page);
    await addTasksQuickly(page, ["Water the roses", "Pay rent"]);
    await page.goto("/tasks?q=roses&sort=title");
    await list(page).getByRole("link", { name: "Water the roses", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();
    await page.getByLabel("Title").fill("Water the roses twice");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status")).toContainText("Task saved.");
    await page.getByRole("link", { name: "Delete…" }).click();
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(page.getByRole("heading", { name: "Delete this task?" })).toHaveCount(0);
    await page.getByRole("link", { name: "← Back to the list" }).click();
    await expect(page).toHaveURL(/\/tasks\?q=roses&sort=title$/);
    await expect(page.getByLabel("Search")).toHaveValue("roses");
    await expect(list(page).locator(".task-title")).toHaveText(["Water the roses twice"]);
  });

  test("shows an empty state for each view", async ({ page }) => {
    await signUp(page);
    await addTasksQuickly(page, ["Only task"]);
    await page.goto("/tasks?status=completed");
    // True also once completed tasks were cleared: not "Nothing completed yet".
    await expect(page.getByText("No completed tasks")).toBeVisible();
    await expect(page.getByText("Tasks you finish show up here until you clear them.")).toBeVisible();
    await page.goto("/tasks?q=zzz");
    await expect(page.getByText("No tasks match this view")).toBeVisible();
  });
});

test.describe("privacy between users", () => {
  test("another user's task is a 404, never the task", async ({ browser, page }) => {
    await signUp(page, "Alice");
    await addTask(page, "Alice's secret");
    await list(page).getByRole("link", { name: "Alice's secret", exact: true }).click();
    await expect(page).toHaveURL(/\/tasks\/[\w-]+$/);
    const url = page.url();

    const other = await browser.newContext({ javaScriptEnabled: jsOn() });
    const bob = await other.newPage();
    await signUp(bob, "Bob");
    const response = await bob.goto(url);
    expect(response?.status()).toBe(404);
    await expect(bob.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(bob.getByText("Alice's secret")).toHaveCount(0);
    await bob.goto("/tasks");
    await expect(bob.getByText("No tasks yet")).toBeVisible();
    await other.close();
  });
});

test.describe("accessibility and looks", () => {
  test("a page that does not exist says so in its title, and keeps the signed-in header", async ({ page }) => {
    await signUp(page);
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page).toHaveTitle("Not found · Tasklane");
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.goto("/tasks/no-such-task");
    await expect(page).toHaveTitle("Not found · Tasklane");
  });

  test("a title without spaces (a pasted URL) wraps wherever it is quoted, never widening the page", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await signUp(page);
    const title = `https://example.com/${"a".repeat(180)}`;
    await createForm(page).getByLabel("Title").fill(title);
    await createForm(page).getByRole("button", { name: "Add task" }).click();
    await expect(toast(page)).toContainText("Added");
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await sideways(), "list with its toast").toBeLessThanOrEqual(0);
    if (jsOn()) {
      const dismiss = (await page.getByRole("button", { name: "Dismiss" }).boundingBox())!;
      expect(dismiss.x + dismiss.width).toBeLessThanOrEqual(375);
      expect(dismiss.x).toBeGreaterThanOrEqual(0);
    }
    await list(page).getByRole("link", { name: title, exact: true }).click();
    await page.getByRole("link", { name: "Delete…" }).click();
    await expect(page.getByRole("alertdialog", { name: "Delete this task?" })).toBeVisible();
    expect(await sideways(), "delete panel").toBeLessThanOrEqual(0);
  });

  test("on a phone with text at 200%, nothing needs scrolling sideways", async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 740 });
    await signUp(page);
    await addTasksQuickly(page, ["Renegotiate the office lease before the end of the quarter", "Call the plumber"]);
    for (const path of ["/", "/tasks"]) {
      await page.goto(path);
      // As a browser's text-size setting would (the page's CSP refuses a <style> tag).
      await page.evaluate(() => (document.documentElement.style.fontSize = "200%"));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    // The title keeps a readable width: the Delete control moves below it instead.
    const titleWidth = await list(page).getByRole("link", { name: /^Renegotiate/ }).evaluate((el) => el.getBoundingClientRect().width);
    expect(titleWidth).toBeGreaterThan(150);
  });

  test("the filter bar's controls are one height, and a long tag does not widen its column", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Tagged at length", { tags: "groceries-and-household-stuff,home" });
    const filters = page.getByRole("search");
    const controls = filters.locator("input[type=search], select, button");
    const heights = await controls.evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().height)));
    expect(new Set(heights).size, `heights ${heights.join(", ")}`).toBe(1);
    const width = async (label: string) => (await filters.getByLabel(label).boundingBox())!.width;
    expect(Math.abs((await width("Tag")) - (await width("Priority")))).toBeLessThan(2);
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`task pages pass axe and are captured in ${scheme} mode`, async ({ browser }) => {
      // axe runs as a script in the page, which a JavaScript-off page cannot do. For the
      // no-JS project the page gets JavaScript but the app's own scripts are blocked, so
      // axe checks exactly the HTML a no-JS browser renders.
      const context = await browser.newContext({ baseURL: BASE_URL, javaScriptEnabled: true });
      if (!jsOn()) await context.route(/\/assets\/.*\.js$/, (route) => route.abort());
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      await signUp(page);
      await addTask(page, "Pay rent", { due: "2020-01-01", priority: "high", tags: "home" });
      await addTask(page, "Plan the week", { due: new Date().toISOString().slice(0, 10), repeats: "weekly" });
      await addTask(page, "Read a book");
      await page.getByRole("button", { name: "Mark as done: Read a book" }).click();
      await expect(page.getByRole("button", { name: "Mark as not done: Read a book" })).toBeVisible();
      const project = test.info().project.name;
      await page.screenshot({ path: `tests/e2e/screenshots/tasks-${scheme}-${project}.png`, fullPage: true });
      const listScan = await new AxeBuilder({ page }).analyze();
      expect(listScan.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

      await list(page).getByRole("link", { name: "Pay rent", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();
      await page.screenshot({ path: `tests/e2e/screenshots/task-${scheme}-${project}.png`, fullPage: true });
      const taskScan = await new AxeBuilder({ page }).analyze();
      expect(taskScan.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      await context.close();
    });
  }

  test("everything on /tasks works from the keyboard", async ({ page }) => {
    await signUp(page);
    const title = createForm(page).getByLabel("Title");
    await title.focus();
    await page.keyboard.type("Typed task");
    await page.keyboard.press("Enter");
    await expect(list(page).getByRole("link", { name: "Typed task", exact: true })).toBeVisible();
    // Ready for the next one: without JavaScript the page that follows the add focuses Title.
    await expect(title).toBeFocused();
    const toggle = page.getByRole("button", { name: "Mark as done: Typed task" });
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: "Mark as not done: Typed task" })).toBeVisible();

    // A filter changed from the keyboard keeps focus (with JavaScript it applies at once;
    // without, the Apply button does).
    const filters = page.getByRole("search");
    const priority = filters.getByLabel("Priority");
    await priority.focus();
    await page.keyboard.press("ArrowDown");
    if (!jsOn()) await filters.getByRole("button", { name: "Apply" }).press("Enter");
    await expect(page).toHaveURL(/priority=low/);
    await expect(priority).toHaveValue("low");
    if (jsOn()) {
      await expect(priority).toBeFocused();
      // A search typed earlier does not pull focus back to the search box on a later change.
      await filters.getByLabel("Search").fill("typed");
      await expect(page).toHaveURL(/q=typed/);
      const active = page.getByRole("link", { name: "Active", exact: true });
      await active.focus();
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(/status=active/);
      await expect(active).toBeFocused();
    }
  });
});
