import { expect, test, type Page } from "@playwright/test";

// What JavaScript adds on /tasks: optimistic rows and pending states while a request is
// on its way, and a rollback with an error toast when it never arrives. Only the js-on
// project runs this file (playwright.config.ts); the no-JS flows are in tasks.spec.ts.

async function signUp(page: Page) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Enhanced");
  await page.getByLabel("Email").fill(`enhanced-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
}

/** Types each title into "Add task" and presses Enter, without waiting for any answer. */
async function typeTasks(page: Page, ...titles: string[]) {
  for (const title of titles) {
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Title").press("Enter");
  }
}

/** Adds a task with the form and waits for its row. */
async function addTask(page: Page, title: string) {
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByRole("link", { name: title, exact: true })).toBeVisible();
}

/** From now on every script arrives `ms` late: a form's schema is still on its way when it is used. */
function slowScripts(page: Page, ms: number) {
  return page.route(/\/assets\/.*\.js$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

/** Holds every data request (fetchers and revalidation) until release() is called. */
async function holdDataRequests(page: Page) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\.data(\?|$)/, async (route) => {
    await gate;
    await route.continue();
  });
  // Once released, later requests pass straight through the same handler.
  return async () => release();
}

test.describe("optimistic updates", () => {
  test("a new task shows at once as saving, and the button says it is adding", async ({ page }) => {
    await signUp(page);
    const release = await holdDataRequests(page);
    await page.getByLabel("Title").fill("Instant");
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.locator("li.task.pending")).toContainText("Instant");
    await expect(page.locator("li.task.pending")).toContainText("Saving…");
    await expect(page.getByRole("button", { name: "Adding…" })).toBeVisible();
    await release();
    await expect(page.getByRole("link", { name: "Instant", exact: true })).toBeVisible();
    await expect(page.locator("li.task.pending")).toHaveCount(0);
    await expect(page.getByLabel("Title")).toBeFocused();
  });

  test("tasks added in quick succession are each saved; the form clears at once and typing is never wiped", async ({ page }) => {
    await signUp(page);
    const release = await holdDataRequests(page);
    const title = page.getByLabel("Title");
    for (const name of ["Buy eggs", "Call mum", "Post letter"]) {
      await title.fill(name);
      await title.press("Enter");
      await expect(title).toHaveValue("");
      await expect(title).toBeFocused();
    }
    await expect(page.locator("li.task.pending")).toHaveCount(3);
    await title.pressSequentially("Still typing");
    await release();
    for (const name of ["Buy eggs", "Call mum", "Post letter"]) {
      await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
    }
    await expect(page.locator("li.task.pending")).toHaveCount(0);
    await expect(title).toHaveValue("Still typing");
    await expect(page.getByText("could not be reached")).toHaveCount(0);
    await page.reload();
    await expect(page.locator(".task-title")).toHaveText(["Post letter", "Call mum", "Buy eggs"]);
  });

  test("an add that never arrives comes back into the form to try again", async ({ page }) => {
    await signUp(page);
    await page.route(/\.data(\?|$)/, (route) => route.abort("internetdisconnected"));
    await page.getByLabel("Title").fill("Lost in the tunnel");
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.getByRole("status")).toContainText("Tasklane could not be reached");
    await expect(page.getByLabel("Title")).toHaveValue("Lost in the tunnel");
    await expect(page.locator("li.task.pending")).toHaveCount(0);
    await page.unroute(/\.data(\?|$)/);
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.getByRole("link", { name: "Lost in the tunnel", exact: true })).toBeVisible();
  });

  test("an earlier add that fails after a later one was sent comes back; typing is never overwritten", async ({ page }) => {
    await signUp(page);
    let posts = 0;
    await page.route(/\.data(\?|$)/, async (route) => {
      if (route.request().method() !== "POST" || ++posts > 1) return route.continue();
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.abort("internetdisconnected");
    });
    const title = page.getByLabel("Title");
    await typeTasks(page, "First task typed", "Second task typed");
    await expect(page.getByRole("link", { name: "Second task typed", exact: true })).toBeVisible();
    await expect(page.getByRole("status")).toContainText("Tasklane could not be reached");
    await expect(title).toHaveValue("First task typed");
    await expect(title).toBeFocused();

    // Failing while the next one is being typed: the typing stays, and the lost add is named.
    posts = 0;
    await title.fill("B-lost");
    await title.press("Enter");
    await title.pressSequentially("C typing");
    await expect(page.getByRole("status")).toContainText("“B-lost” was not added");
    await expect(title).toHaveValue("C typing");
  });

  test("an error toast is not replaced by the good news of a later add that answers after it", async ({ page }) => {
    await signUp(page);
    let firstFailed!: () => void;
    const failed = new Promise<void>((resolve) => (firstFailed = resolve));
    let posts = 0;
    await page.route(/\.data(\?|$)/, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      if (++posts === 1) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await route.abort("internetdisconnected");
        return firstFailed();
      }
      await failed; // the second add answers only after the first has failed
      await route.continue();
    });
    await typeTasks(page, "Never arrives", "Arrives late");
    // Its row is shown, so the page's data (and its "Added" toast) has come after the error.
    await expect(page.getByRole("link", { name: "Arrives late", exact: true })).toBeVisible();
    const status = page.getByRole("status");
    await expect(status).toContainText("Tasklane could not be reached");
    // Dismissed, it takes the stale good news with it.
    await status.getByRole("button", { name: "Dismiss" }).click();
    await expect(status).toHaveText("");
  });

  test("each refused add comes back with its own details; a draft is never overwritten, and what was lost is named", async ({ page }) => {
    await signUp(page);
    // The server refuses every add (the priority is rewritten on the way), one at a time.
    const queue: (() => void)[] = [];
    await page.route(/\.data(\?|$)/, async (route) => {
      const request = route.request();
      if (request.method() !== "POST") return route.continue();
      await new Promise<void>((resolve) => queue.push(resolve));
      await route.continue({ postData: request.postData()!.replace(/priority=[a-z]*/, "priority=bogus") });
    });
    const form = page.getByRole("form", { name: "Add a task" });
    const title = form.getByLabel("Title");
    const description = form.getByLabel("Description");
    await form.getByText("More options").click();
    for (const name of ["S1", "S2"]) {
      await title.fill(name);
      await description.fill(`desc of ${name}`);
      await title.press("Enter");
    }
    await expect.poll(() => queue.length).toBe(2);
    queue.shift()!();
    await expect(title).toHaveValue("S1");
    await expect(description).toHaveValue("desc of S1");
    queue.shift()!();
    await expect(title).toHaveValue("S2");
    await expect(description).toHaveValue("desc of S2");

    // A draft started under More options (title still empty) stays; a toast names the add.
    await title.fill("R3");
    await title.press("Enter");
    await expect.poll(() => queue.length).toBe(1);
    await description.fill("my draft");
    queue.shift()!();
    await expect(page.getByRole("status")).toContainText("“R3” was not added");
    await expect(description).toHaveValue("my draft");
    await expect(title).toHaveValue("");
  });

  test("a refusal from before JavaScript ran does not come back with later adds", async ({ page }) => {
    await signUp(page);
    // A plain document POST, as a submit before hydration would send: the page answers with the error.
    await page.locator("form.create-form").evaluate((form: HTMLFormElement) => {
      (form.querySelector("input[name=title]") as HTMLInputElement).value = "   ";
      HTMLFormElement.prototype.submit.call(form);
    });
    await expect(page.getByText("Enter a title")).toBeVisible();
    const release = await holdDataRequests(page);
    await page.getByLabel("Title").fill("Buy milk");
    await page.getByLabel("Title").press("Enter");
    await expect(page.getByText("Enter a title")).toHaveCount(0);
    await page.getByLabel("Title").pressSequentially("Next one");
    await release();
    await expect(page.getByRole("link", { name: "Buy milk", exact: true })).toBeVisible();
    await expect(page.getByText("Enter a title")).toHaveCount(0);
    await expect(page.getByLabel("Title")).toHaveValue("Next one");
  });

  test("a toggle shows the new state before the server answers", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Quick toggle");
    const release = await holdDataRequests(page);
    await page.getByRole("button", { name: "Mark as done: Quick toggle" }).click();
    await expect(page.getByRole("button", { name: "Mark as not done: Quick toggle" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator(".counter")).toHaveText("0 left");
    await release();
    await expect(page.locator(".counter")).toHaveText("0 left");
  });

  test("the counter already counts a create, a toggle and a delete still on their way", async ({ page }) => {
    await signUp(page);
    await addTask(page, "One");
    await expect(page.locator(".counter")).toHaveText("1 left");

    let release = await holdDataRequests(page);
    await page.getByLabel("Title").fill("Two");
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.locator(".counter")).toHaveText("2 left");
    await release();
    await expect(page.getByRole("link", { name: "Two", exact: true })).toBeVisible();
    await expect(page.locator("li.task.pending")).toHaveCount(0);
    await expect(page.locator(".counter")).toHaveText("2 left");

    release = await holdDataRequests(page);
    await page.getByRole("button", { name: "Mark as done: One" }).click();
    await expect(page.locator(".counter")).toHaveText("1 left");
    await release();
    await expect(page.getByRole("status")).toContainText("Completed “One”");
    await expect(page.locator(".counter")).toHaveText("1 left");

    release = await holdDataRequests(page);
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete: Two" }).click();
    await expect(page.locator(".counter")).toHaveText("0 left");
    await release();
    await expect(page.getByRole("status")).toContainText("Task deleted");
    await expect(page.locator(".counter")).toHaveText("0 left");
    await page.reload();
    await expect(page.locator(".counter")).toHaveText("0 left");
  });

  test("Clear completed follows a toggle and a delete still on their way", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Finish me");
    const clear = page.getByRole("button", { name: "Clear completed" });
    await expect(clear).toBeDisabled();

    let release = await holdDataRequests(page);
    await page.getByRole("button", { name: "Mark as done: Finish me" }).click();
    await expect(clear).toBeEnabled();
    await release();
    await expect(page.getByRole("status")).toContainText("Completed “Finish me”");
    await expect(clear).toBeEnabled();

    release = await holdDataRequests(page);
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete: Finish me" }).click();
    await expect(clear).toBeDisabled();
    await release();
    await expect(page.getByText("No tasks yet")).toBeVisible();
  });

  test("the bulk buttons say they are working while their request is on its way", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Bulk me");
    const release = await holdDataRequests(page);
    await page.getByRole("button", { name: "Mark all complete" }).click();
    await expect(page.getByRole("button", { name: "Completing…" })).toHaveAttribute("aria-disabled", "true");
    await release();
    await expect(page.getByRole("status")).toContainText("Marked 1 task complete.");
    await expect(page.getByRole("button", { name: "Mark all complete" })).toBeDisabled();
  });

  test("a delete removes the row at once and keeps keyboard focus in the list", async ({ page }) => {
    await signUp(page);
    for (const title of ["Keep", "Remove"]) await addTask(page, title);
    // Held: the row must go before the server has answered, not after the list reloads.
    const release = await holdDataRequests(page);
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete: Remove" }).click();
    await expect(page.getByRole("link", { name: "Remove", exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Mark as done: Keep" })).toBeFocused();
    await release();
    await expect(page.getByRole("status")).toContainText("Task deleted.");
    await page.reload();
    await expect(page.getByRole("link", { name: "Remove", exact: true })).toHaveCount(0);
  });

  test("cancelling the delete dialog keeps the task", async ({ page }) => {
    await signUp(page);
    await page.getByLabel("Title").fill("Not today");
    await page.getByRole("button", { name: "Add task" }).click();
    page.once("dialog", (dialog) => dialog.dismiss());
    await page.getByRole("button", { name: "Delete: Not today" }).click();
    await page.reload();
    await expect(page.getByRole("link", { name: "Not today", exact: true })).toBeVisible();
  });
});

test.describe("moving around", () => {
  test("a task's title and tag links open without reloading the page; Ctrl+click is left to the browser", async ({ page, context }) => {
    await signUp(page);
    await page.getByLabel("Title").fill("Tagged");
    await page.getByText("More options").click();
    await page.getByLabel("Tags").fill("home");
    await page.getByRole("button", { name: "Add task" }).click();
    // The delete button (not the no-JS confirmation link) shows the list has hydrated.
    await expect(page.getByRole("button", { name: "Delete: Tagged" })).toBeVisible();
    await page.evaluate(() => Object.assign(window, { samePage: true }));

    await page.getByRole("link", { name: "Show tasks tagged home" }).click();
    await expect(page).toHaveURL(/\/tasks\?tag=home$/);
    await page.getByRole("link", { name: "Tagged", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();
    expect(await page.evaluate(() => "samePage" in window)).toBe(true);

    await page.goBack();
    await expect(page).toHaveURL(/\/tasks\?tag=home$/);
    const [tab] = await Promise.all([context.waitForEvent("page"), page.getByRole("link", { name: "Tagged", exact: true }).click({ modifiers: ["Control"] })]);
    await expect(tab.getByRole("heading", { name: "Edit task" })).toBeVisible();
    await expect(page).toHaveURL(/\/tasks\?tag=home$/);
  });
});

test.describe("where focus goes", () => {
  test("opening another page moves focus to its content; a new filter on the same page does not", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Focus me");
    await page.getByRole("link", { name: "Focus me", exact: true }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();
    await expect(page.locator("#main")).toBeFocused();
    await page.goBack();
    await page.getByRole("link", { name: "Active" }).click();
    await expect(page).toHaveURL(/status=active/);
    await expect(page.getByRole("link", { name: "Active" })).toBeFocused();
  });

  test("a task marked done in the Active view leaves it, and focus moves to the next row", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Older one");
    await addTask(page, "Newer one");
    await page.getByRole("link", { name: "Active" }).click();
    await expect(page).toHaveURL(/status=active/);
    await page.getByRole("button", { name: "Mark as done: Newer one" }).click();
    await expect(page.getByRole("link", { name: "Newer one", exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Mark as done: Older one" })).toBeFocused();
  });

  test("after Mark all complete and Clear completed focus goes to the next bulk button, then the list, never <body>", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Bulk one");
    await addTask(page, "Bulk two");
    await page.getByRole("button", { name: "Mark all complete" }).press("Enter");
    await expect(page.locator(".counter")).toHaveText("0 left");
    // "Mark all complete" is disabled now (nothing open): the next thing to do has focus.
    await expect(page.getByRole("button", { name: "Clear completed" })).toBeFocused();
    page.once("dialog", (dialog) => dialog.accept());
    await page.keyboard.press("Enter");
    await expect(page.getByText("No tasks yet")).toBeVisible();
    await expect(page.locator("#list-heading")).toBeFocused();
  });

  test("dismissing a toast puts focus back where it was", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Toasted");
    const title = page.getByLabel("Title");
    await title.focus();
    const dismiss = page.getByRole("button", { name: "Dismiss" });
    await dismiss.focus();
    await dismiss.press("Enter");
    await expect(dismiss).toHaveCount(0);
    await expect(title).toBeFocused();
  });
});

test.describe("filters", () => {
  test("typing in Search while another filter loads keeps focus there; Clear filters empties it", async ({ page }) => {
    await signUp(page);
    const filters = page.getByRole("search");
    const search = filters.getByLabel("Search");
    const release = await holdDataRequests(page);
    await filters.getByLabel("Priority").selectOption("high");
    await search.click();
    await search.pressSequentially("be");
    await release();
    // Only the filters in use are in the URL, not every empty field of the form.
    await expect(page).toHaveURL(/\/tasks\?q=be&priority=high$/);
    await expect(search).toBeFocused();
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(search).toHaveValue("");
  });
});

test.describe("filters and Back", () => {
  test("each filter change is a history entry, as without JavaScript, so Back undoes them one by one", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Anything");
    const filters = page.getByRole("search");
    await filters.getByLabel("Priority").selectOption("high");
    await expect(page).toHaveURL(/\/tasks\?priority=high$/);
    await page.getByRole("link", { name: "Active" }).click();
    await expect(page).toHaveURL(/\/tasks\?status=active&priority=high$/);
    await filters.getByLabel("Sort by").selectOption("due");
    await expect(page).toHaveURL(/\/tasks\?status=active&priority=high&sort=due$/);
    // A search typed on is one entry, however many pauses it had.
    await filters.getByLabel("Search").pressSequentially("an", { delay: 50 });
    await expect(page).toHaveURL(/q=an/);
    await page.waitForTimeout(400);
    await filters.getByLabel("Search").pressSequentially("y", { delay: 50 });
    await expect(page).toHaveURL(/q=any/);

    await page.goBack();
    await expect(page).toHaveURL(/\/tasks\?status=active&priority=high&sort=due$/);
    await page.goBack();
    await expect(page).toHaveURL(/\/tasks\?status=active&priority=high$/);
    await page.goBack();
    await expect(page).toHaveURL(/\/tasks\?priority=high$/);
    await page.goBack();
    await expect(page).toHaveURL(/\/tasks$/);
  });
});

test.describe("the user's day", () => {
  // A zone whose date differs from UTC's right now: 14 hours ahead, or 11 behind.
  const timezoneId = new Date().getUTCHours() >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
  test.use({ timezoneId });

  test("a first visit a day away from UTC shows the user's own 'Due today' once scripts have run", async ({ page, context }) => {
    const localToday = new Intl.DateTimeFormat("en-CA", { timeZone: timezoneId, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    expect(localToday).not.toBe(new Date().toISOString().slice(0, 10));
    await signUp(page);
    await page.getByLabel("Title").fill("Call the plumber");
    await page.getByText("More options").click();
    await page.getByLabel("Due date").fill(localToday);
    await page.getByRole("button", { name: "Add task" }).click();
    const row = page.getByRole("listitem").filter({ hasText: "Call the plumber" });
    await expect(row.getByText(/^Due today/)).toBeVisible();

    // The browser has not told the server its zone yet: the page is rendered with UTC's day,
    // then loaded again with the user's.
    await context.clearCookies({ name: "tz" });
    await page.goto("/tasks");
    await expect(row.getByText(/^Due today/)).toBeVisible();
    expect((await context.cookies()).find((c) => c.name === "tz")?.value).toBe(encodeURIComponent(timezoneId));
  });
});

test.describe("filters, applied", () => {
  test("the page's forms come back to the view in browsers without URLSearchParams.size (Safari before 17)", async ({ page }) => {
    await page.addInitScript(() => {
      delete (URLSearchParams.prototype as { size?: number }).size;
    });
    await signUp(page);
    await addTask(page, "Urgent one");
    await page.goto("/tasks?q=urgent");
    await expect(page.getByRole("button", { name: "Delete: Urgent one" })).toBeVisible(); // hydrated
    await page.getByRole("button", { name: "Complete all shown" }).click();
    await expect(page.getByRole("button", { name: "Mark as not done: Urgent one" })).toBeVisible();
    await expect(page).toHaveURL(/\/tasks\?q=urgent$/);
  });

  test("Enter in Search opens the view at its short URL", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Buy milk");
    await page.getByRole("link", { name: "Active" }).click();
    await expect(page).toHaveURL(/\/tasks\?status=active$/);
    const search = page.getByRole("search").getByLabel("Search");
    await search.fill("milk");
    await search.press("Enter");
    await expect(page).toHaveURL(/\/tasks\?status=active&q=milk$/);
    await expect(page.getByRole("link", { name: "Buy milk", exact: true })).toBeVisible();
  });
});

test.describe("the task page from the keyboard", () => {
  test("Escape or Cancel closes the delete panel, and takes it out of history; focus returns to Delete…, and stays on Save after a save", async ({ page }) => {
    await signUp(page);
    await page.getByLabel("Title").fill("Keyboard page");
    await page.getByRole("button", { name: "Add task" }).click();
    await page.getByRole("link", { name: "Keyboard page", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();

    await page.getByRole("link", { name: "Delete…" }).press("Enter");
    const panel = page.getByRole("alertdialog", { name: "Delete this task?" });
    await expect(page.getByRole("button", { name: "Yes, delete it" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(panel).toHaveCount(0);
    await expect(page).toHaveURL(/\/tasks\/[^?]+$/);
    await expect(page.getByRole("link", { name: "Delete…" })).toBeFocused();
    // Cancel, like Escape, takes the panel out of history: Back then leaves the page.
    await page.getByRole("link", { name: "Delete…" }).click();
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(panel).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Delete…" })).toBeFocused();
    await page.goBack();
    await expect(page).toHaveURL(/\/tasks$/);
    await page.goForward();
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();

    await page.getByLabel("Title").fill("Keyboard page, saved");
    await page.getByRole("button", { name: "Save changes" }).press("Enter");
    await expect(page.getByRole("status")).toContainText("Task saved.");
    await expect(page.getByRole("button", { name: "Save changes" })).toBeFocused();
  });
});

test.describe("the task page, saved", () => {
  test("saving again says so again, and a phone's view stays at the Save button", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page);
    await addTask(page, "Saved twice");
    await page.getByRole("link", { name: "Saved twice", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Edit task" })).toBeVisible();
    const save = page.getByRole("button", { name: "Save changes" });
    await save.scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);
    await save.click();
    const toastEl = page.locator("[data-toast]");
    await expect(toastEl).toContainText("Task saved.");
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
    // The same words again are a new toast, so a screen reader announces the second save.
    const first = await toastEl.elementHandle();
    await save.click();
    await expect.poll(() => first!.evaluate((el) => el.isConnected)).toBe(false);
    await expect(toastEl).toContainText("Task saved.");
  });
});

test.describe("failures", () => {
  test("a request that never arrives rolls back with an error toast, and the page stays", async ({ page }) => {
    await signUp(page);
    await addTask(page, "Offline toggle");
    await page.route(/\.data(\?|$)/, (route) => route.abort("internetdisconnected"));
    await page.getByRole("button", { name: "Mark as done: Offline toggle" }).click();
    await expect(page.getByRole("status")).toContainText("Tasklane could not be reached");
    await expect(page.getByRole("button", { name: "Mark as done: Offline toggle" })).toHaveAttribute("aria-pressed", "false");
    await expect(page.getByRole("heading", { name: "Tasks", level: 1 })).toBeVisible();
    await page.unroute(/\.data(\?|$)/);
    await page.getByRole("button", { name: "Mark as done: Offline toggle" }).click();
    await expect(page.locator(".counter")).toHaveText("0 left");
  });

  test("a task deleted in another tab rolls back the toggle with an error toast", async ({ page, context }) => {
    await signUp(page);
    await addTask(page, "Two tabs");
    const other = await context.newPage();
    await other.goto("/tasks");
    other.once("dialog", (dialog) => dialog.accept());
    await other.getByRole("button", { name: "Delete: Two tabs" }).click();
    await expect(other.getByRole("link", { name: "Two tabs", exact: true })).toHaveCount(0);
    await page.getByRole("button", { name: "Mark as done: Two tabs" }).click();
    await expect(page.getByRole("status")).toContainText("That task no longer exists");
    await expect(page.getByRole("link", { name: "Two tabs", exact: true })).toHaveCount(0);
  });
});

test.describe("toasts", () => {
  test("good news fades after 6 s, but not while it is under the pointer or focused", async ({ page }) => {
    await page.clock.install();
    await signUp(page);
    const toastEl = page.locator("[data-toast]");
    await addTask(page, "Fades away");
    await expect(toastEl).toContainText("Added");
    await page.clock.runFor(6500);
    await expect(toastEl).toHaveCount(0);

    await addTask(page, "Read slowly");
    await toastEl.hover();
    await page.clock.runFor(20_000);
    await expect(toastEl).toContainText("Added “Read slowly”");
    // Let go, it fades 6 s later.
    await page.mouse.move(5, 500);
    await page.clock.runFor(3000);
    await expect(toastEl).toBeVisible();
    await page.clock.runFor(3500);
    await expect(toastEl).toHaveCount(0);

    await addTask(page, "Reached by keyboard");
    await page.getByRole("button", { name: "Dismiss" }).focus();
    await page.clock.runFor(20_000);
    await expect(toastEl).toContainText("Reached by keyboard");
    await page.getByRole("button", { name: "Dismiss" }).press("Enter");
    await expect(toastEl).toHaveCount(0);
  });
});

test.describe("checking forms in the browser", () => {
  test("a double-click on Add adds the task once, without 'Enter a title' under it", async ({ page }) => {
    await signUp(page);
    await page.getByLabel("Title").fill("Clicked twice");
    await page.getByRole("button", { name: "Add task" }).dblclick({ delay: 60 });
    await expect(page.getByRole("link", { name: "Clicked twice", exact: true })).toBeVisible();
    await expect(page.getByText("Enter a title")).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole("list", { name: "Task list" }).getByRole("listitem")).toHaveCount(1);
    // A deliberate press on an empty form is still pointed out.
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.getByText("Enter a title")).toBeVisible();
  });

  test("the form schemas load only once a form is used, then check before anything is sent", async ({ page }) => {
    const scripts: string[] = [];
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(request.url());
      if (request.method() === "POST") posts.push(request.url());
    });
    await page.goto("/sign-in");
    await page.waitForLoadState("networkidle");
    const atLoad = scripts.length;

    await page.getByLabel("Email").focus();
    await expect.poll(() => scripts.length).toBeGreaterThan(atLoad);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter your email address")).toBeVisible();
    await expect(page.getByLabel("Email")).toBeFocused();
    expect(posts).toEqual([]);
  });

  test("tasks added before the schema arrives are each sent as typed; the server checks them", async ({ page }) => {
    await signUp(page);
    await slowScripts(page, 1500);
    const title = page.getByLabel("Title");
    await typeTasks(page, "Typed first", "Typed second");
    await expect(page.getByRole("link", { name: "Typed first", exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "Typed second", exact: true })).toBeVisible();
    await title.fill(" ");
    await title.press("Enter");
    await expect(page.getByText("Enter a title")).toBeVisible();
  });

  test("after the server refuses an add, the next add keeps focus in Title for the one after", async ({ page }) => {
    await signUp(page);
    // Slow scripts: the schema is not there yet, so the server is the one to refuse.
    await slowScripts(page, 1500);
    const title = page.getByLabel("Title");
    await title.press("Enter");
    await expect(page.getByText("Enter a title")).toBeVisible();
    await title.fill("Buy milk");
    await title.press("Enter");
    await expect(page.getByRole("link", { name: "Buy milk", exact: true })).toBeVisible();
    await expect(title).toBeFocused();
    await page.keyboard.type("Buy eggs");
    await expect(title).toHaveValue("Buy eggs");
  });

  test("a submit made before the schema arrives waits for it, and is checked", async ({ page }) => {
    await page.goto("/sign-in");
    await page.waitForLoadState("networkidle");
    const posts: string[] = [];
    page.on("request", (request) => request.method() === "POST" && posts.push(request.url()));
    // From now on scripts are slow: the schema is still on its way when the button is pressed.
    await slowScripts(page, 700);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter your email address")).toBeVisible();
    expect(posts).toEqual([]);

    // A valid form held the same way is sent once the schema has checked it.
    await page.getByLabel("Email").fill(`nobody-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account. Check them and try again.");
    expect(posts).toHaveLength(1);
  });
});
