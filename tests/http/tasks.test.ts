// The task pages' actions over real HTTP: validation, status codes, redirects that keep
// the view, stale forms, unknown intents, cross-site refusal and owner isolation — on
// PGlite, and on Postgres when TEST_DATABASE_URL is set.
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageText, rawRequest, signUp, type Client } from "../helpers/client";
import { backends, startServer, type TestServer } from "../helpers/server";
import { TASK_LIMIT_MESSAGE, TASKS_PER_USER_MAX } from "~/task-constants";

let uid = 0;
/** Creates a task through the page's form and finds its id in the list's HTML. */
async function createTask(client: Client, fields: { title: string } & Record<string, string>) {
  const title = `${fields.title} ${++uid}`;
  const res = await client.post("/tasks", { intent: "create", ...fields, title });
  expect(res.status).toBe(302);
  const html = await (await client.get(`/tasks?q=${encodeURIComponent(title)}`)).text();
  const id = html.match(/data-task-id="([^"]+)"/)?.[1];
  expect(id).toBeTruthy();
  return { id: id!, title };
}

/** A fetcher-style post (JavaScript on): the page answers in place instead of redirecting. */
const viaFetcher = (form: Record<string, string>) => ({ ...form, via: "fetcher" });

describe.each(backends)("task pages over HTTP (%s)", (backend) => {
  let server: TestServer;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    server = await startServer(backend);
    alice = (await signUp(server, { name: "Alice" })).client;
    bob = (await signUp(server, { name: "Bob" })).client;
  }, 120_000);
  afterAll(async () => server?.stop());

  describe("create", () => {
    it("a plain form redirects back to the same view with a toast", async () => {
      const res = await alice.post("/tasks", { intent: "create", title: "From a form", returnTo: "/tasks?status=active&sort=title" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/tasks?status=active&sort=title");
      const page = await alice.get("/tasks?status=active&sort=title");
      const text = await pageText(page);
      expect(text).toContain("From a form");
      expect(text).toContain("Added “From a form”.");
    });

    it("a task added from a view that hides it is said to be hidden there, rather than seeming to vanish", async () => {
      // Without JavaScript, from the Completed tab: new tasks are open.
      const title = `Hidden by the tab ${++uid}`;
      const res = await alice.post("/tasks?status=completed", { intent: "create", title, returnTo: "/tasks?status=completed" });
      expect(res.headers.get("location")).toBe("/tasks?status=completed");
      const html = await (await alice.get("/tasks?status=completed")).text();
      expect(html).not.toMatch(new RegExp(`class="task-title"[^>]*>${title}<`)); // not a row: only the toast names it
      const text = await pageText(new Response(html));
      expect(text).toContain(`Added “${title}”.`);
      expect(text).toContain("New tasks are open, so Completed does not list it.");

      // With it, from a tag filter the new task does not carry; then from one it does.
      const other = `Untagged ${++uid}`;
      expect((await alice.post("/tasks?tag=work", viaFetcher({ intent: "create", title: other, returnTo: "/tasks?tag=work" }))).status).toBe(200);
      expect(await pageText(await alice.get("/tasks"))).toContain("It does not match this view's filters, so it is not listed here.");
      const tagged = `Tagged ${++uid}`;
      expect((await alice.post("/tasks?tag=work", viaFetcher({ intent: "create", title: tagged, tags: "work", returnTo: "/tasks?tag=work" }))).status).toBe(200);
      const shown = await pageText(await alice.get("/tasks?tag=work"));
      expect(shown).toContain(`Added “${tagged}”.`);
      expect(shown).not.toContain("not listed here");
    });

    it("an account that holds the most tasks it can is told so under Title, with the input kept", async () => {
      const { client, email } = await signUp(server, { name: "Full" });
      await client.post("/tasks", { intent: "create", title: "The first" });
      // As if it held 100 000 tasks: the limit reads the trigger-kept count.
      await server.sql(`update task_count set total = $2 where user_id = (select id from "user" where email = $1)`, [email, TASKS_PER_USER_MAX]);
      const plain = await client.post("/tasks", { intent: "create", title: "One too many", tags: "later" });
      expect(plain.status).toBe(409);
      const html = await plain.text();
      expect(await pageText(new Response(html))).toContain(TASK_LIMIT_MESSAGE);
      expect(html).toMatch(/value="One too many"/);
      expect(html).toMatch(/id="new-title"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="new-title"/);
      const fetcher = await client.post("/tasks", viaFetcher({ intent: "create", title: "One too many" }));
      expect(fetcher.status).toBe(409);
      expect(await fetcher.text()).toContain("the most an account can hold");
    });

    it("the same plain form sent twice (a double-click without JavaScript) adds one task", async () => {
      const keyOf = async () => (await (await alice.get("/tasks")).text()).match(/name="submission" value="([^"]+)"/)?.[1];
      const submission = await keyOf();
      expect(submission).toBeTruthy();
      const title = `Clicked twice ${++uid}`;
      const form = { intent: "create", title, submission: submission! };
      // The second arrives while the first is still being handled, and once more after it.
      const answers = await Promise.all([alice.post("/tasks", form), alice.post("/tasks", form)]);
      answers.push(await alice.post("/tasks", form));
      expect(answers.map((res) => res.status)).toEqual([302, 302, 302]);
      const count = async (q: string) => ((await (await alice.get(`/tasks?q=${encodeURIComponent(q)}`)).text()).match(/data-task-id=/g) ?? []).length;
      expect(await count(title)).toBe(1);
      // Each page gets a new key, so the next add from a fresh page is a new task.
      const next = await keyOf();
      expect(next).not.toBe(submission);
      expect((await alice.post("/tasks", { ...form, submission: next! })).status).toBe(302);
      expect(await count(title)).toBe(2);
      // Another user's form with the same key is theirs alone.
      expect((await bob.post("/tasks", { ...form, submission: next! })).status).toBe(302);
      expect(await count(title)).toBe(2);
    });

    it("never redirects off the task pages", async () => {
      for (const returnTo of ["https://evil.example/", "//evil.example", "/settings", "/tasks/../sign-out"]) {
        const res = await alice.post("/tasks", { intent: "create", title: "Safe", returnTo });
        expect(res.headers.get("location")).toBe("/tasks");
      }
    });

    it.each([
      [{ title: "" }, "Enter a title"],
      [{ title: "    " }, "Enter a title"],
      [{ title: "x".repeat(201) }, "Title must be at most 200 characters"],
      [{ title: "ok", description: "d".repeat(1001) }, "Description must be at most 1000 characters"],
      [{ title: "ok", tags: Array.from({ length: 11 }, (_, i) => `t${i}`).join(",") }, "At most 10 tags"],
      [{ title: "ok", priority: "urgent" }, "Choose low, medium or high"],
      [{ title: "ok", dueDate: "2026-02-30" }, "Enter a real date like 2026-12-31"],
      [{ title: "ok", recurrence: "hourly" }, "Choose daily, weekly, monthly or none"],
    ])("rejects %j with 400, the message and the input kept", async (fields, message) => {
      const res = await alice.post("/tasks", { intent: "create", ...fields });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('aria-invalid="true"');
      if (fields.title?.trim()) expect(html).toContain(`value="${fields.title}"`);
    });
  });

  describe("toggle, update, delete", () => {
    it("toggles to the state asked for, so a repeated form does not flip it back", async () => {
      const task = await createTask(alice, { title: "Idempotent" });
      for (let i = 0; i < 2; i++) {
        const res = await alice.post("/tasks", { intent: "toggle", id: task.id, completed: "true" });
        expect(res.status).toBe(302);
      }
      const html = await (await alice.get(`/tasks?q=${encodeURIComponent(task.title)}`)).text();
      expect(html).toContain('aria-pressed="true"');
      expect(html).toContain(`id="task-${task.id}"`);
      expect(html).toContain("Completed “" + task.title + "”.");
    });

    it("a plain toggle goes back to its row in the view (its id as the URL's fragment), or to the task's page", async () => {
      const task = await createTask(alice, { title: "Row to return to" });
      const fromList = await alice.post("/tasks?sort=title", { intent: "toggle", id: task.id, completed: "true", returnTo: "/tasks?sort=title" });
      expect(fromList.headers.get("location")).toBe(`/tasks?sort=title#task-${task.id}`);
      const fromPage = await alice.post("/tasks", { intent: "toggle", id: task.id, completed: "false", returnTo: `/tasks/${task.id}` });
      expect(fromPage.headers.get("location")).toBe(`/tasks/${task.id}`);
    });

    it("updates on /tasks/:id and answers 400 with the input kept when invalid", async () => {
      const task = await createTask(alice, { title: "Edit me" });
      const bad = await alice.post(`/tasks/${task.id}`, { intent: "update", title: "Still typed", dueDate: "2026-13-01" });
      expect(bad.status).toBe(400);
      const html = await bad.text();
      expect(html).toContain("Enter a real date like 2026-12-31");
      expect(html).toContain('value="Still typed"');
      const ok = await alice.post(`/tasks/${task.id}`, { intent: "update", title: "Edited", priority: "high", tags: "a, b" });
      expect(ok.status).toBe(302);
      expect(ok.headers.get("location")).toBe(`/tasks/${task.id}`);
      const page = await pageText(await alice.get(`/tasks/${task.id}`));
      expect(page).toContain("Task saved.");
    });

    it("a stale form for a deleted task answers with a toast, not a crash", async () => {
      const task = await createTask(alice, { title: "Gone soon" });
      expect((await alice.post("/tasks", { intent: "delete", id: task.id })).status).toBe(302);
      const plain = await alice.post("/tasks", { intent: "toggle", id: task.id, completed: "true" });
      expect(plain.status).toBe(302);
      expect(await pageText(await alice.get("/tasks"))).toContain("That task no longer exists");
      const fetcherDelete = await alice.post("/tasks", viaFetcher({ intent: "delete", id: task.id }));
      expect(fetcherDelete.status).toBe(404);
      // Saved from its own page (another tab deleted it): back to the list, not to a 404.
      const edit = await alice.post(`/tasks/${task.id}`, { intent: "update", title: "Too late", returnTo: `/tasks/${task.id}` });
      expect(edit.status).toBe(302);
      expect(edit.headers.get("location")).toBe("/tasks");
      // Its page (Back after the delete) says what probably happened and leads to the list.
      const page = await alice.get(`/tasks/${task.id}`);
      expect(page.status).toBe(404);
      const html = await page.text();
      expect(html).toContain("It may have been deleted.");
      expect(html).toMatch(/<a[^>]* href="\/tasks"[^>]*>Back to your tasks<\/a>/);
    });

    it("a NUL character (which Postgres cannot store) is a field error or not found, never a 500", async () => {
      const create = await alice.post("/tasks", { intent: "create", title: "Half\u0000way" });
      expect(create.status).toBe(400);
      expect(await create.text()).toContain("Remove the NUL character");
      const task = await createTask(alice, { title: "Clean" });
      const edit = await alice.post(`/tasks/${task.id}`, { intent: "update", title: "Clean", description: "x\u0000" });
      expect(edit.status).toBe(400);
      expect((await alice.post("/settings", { intent: "update-name", name: "Ali\u0000ce" })).status).toBe(400);
      // Ids that cannot be ours are simply not found.
      expect((await alice.get("/tasks/a%00b")).status).toBe(404);
      expect((await alice.post("/tasks", { intent: "toggle", id: "a\u0000b" })).status).toBe(302);
      // In the URL a NUL falls back to the default view, like any value the page cannot use.
      for (const query of ["q=%00", "tag=a%00", `cursor=${encodeURIComponent("\u0000")}`]) {
        const res = await alice.get(`/tasks?${query}`);
        expect(res.status, query).toBe(200);
        expect(await res.text()).toContain(task.title);
      }
    });

    it("a page answers PUT, PATCH, DELETE and OPTIONS with 405 and Allow, and changes nothing (the API takes them)", async () => {
      const { id, title } = await createTask(alice, { title: "Not by DELETE" });
      for (const path of ["/tasks", `/tasks/${id}`, "/settings", "/sign-in"]) {
        for (const method of ["PUT", "PATCH", "DELETE", "OPTIONS"]) {
          const res = await alice.request(path, { method, form: { intent: "delete", id } });
          expect(res.status, `${method} ${path}`).toBe(405);
          expect(res.headers.get("allow"), `${method} ${path}`).toBe("GET, HEAD, POST");
        }
      }
      expect(await pageText(await alice.get(`/tasks/${id}`))).toContain(title);
    });

    it("an unknown intent is a 400 page", async () => {
      const res = await alice.post("/tasks", { intent: "launch-rockets" });
      expect(res.status).toBe(400);
      expect(await pageText(res)).toContain("does not know how to do");
      expect((await alice.post("/tasks", {})).status).toBe(400);
    });

    it("a form posted from another site is refused and changes nothing", async () => {
      const res = await alice.post("/tasks", { intent: "create", title: "Forged" }, { origin: "https://evil.example" });
      expect(res.status).toBe(403);
      expect(await pageText(res)).toContain("sent from another site");
      expect(await pageText(await alice.get("/tasks?q=Forged"))).toContain("No tasks match this view");
      // The data endpoint that fetchers use is guarded the same way.
      const data = await alice.post("/tasks.data", { intent: "create", title: "Forged" }, { origin: "https://evil.example" });
      expect(data.status).toBe(403);
      expect(await pageText(await alice.get("/tasks?q=Forged"))).toContain("No tasks match this view");
    });
  });

  describe("the user's own day", () => {
    const dayIn = (timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const nextDueOf = async (client: Client, title: string) =>
      (await client.get(`/tasks?q=${encodeURIComponent(title)}&status=active`)).text().then((html) => html.match(/datetime="(\d{4}-\d{2}-\d{2})"/i)?.[1]);

    it("completing an overdue daily task schedules the next one for the day after the user's today (tz cookie)", async () => {
      const { client } = await signUp(server, { name: "Kiribati" });
      client.cookies.set("tz", encodeURIComponent("Pacific/Kiritimati")); // UTC+14
      const today = dayIn("Pacific/Kiritimati");
      const { id, title } = await createTask(client, { title: "Islands", recurrence: "daily", dueDate: addDays(today, -3) });
      expect((await client.post("/tasks", { intent: "toggle", id })).status).toBe(302);
      expect(await nextDueOf(client, title)).toBe(addDays(today, 1));
    });

    it("completing a repeating task on its page says the next one is scheduled, and schedules it", async () => {
      const utc = new Date().toISOString().slice(0, 10);
      const { id, title } = await createTask(alice, { title: "Weekly review", recurrence: "weekly", dueDate: utc });
      const fields = { intent: "update", title, description: "", priority: "medium", tags: "", dueDate: utc, recurrence: "weekly" };
      expect((await alice.post(`/tasks/${id}`, { ...fields, completed: "true" })).status).toBe(302);
      expect(await pageText(await alice.get(`/tasks/${id}`))).toContain(`Completed “${title}”. The next one is scheduled.`);
      expect(await nextDueOf(alice, title)).toBe(addDays(utc, 7));
      // A plain edit of it afterwards is only a save.
      expect((await alice.post(`/tasks/${id}`, { ...fields, completed: "true", description: "Notes" })).status).toBe(302);
      expect(await pageText(await alice.get(`/tasks/${id}`))).toContain("Task saved.");
    });

    it("without it (JavaScript off), only dates before UTC's day count as past", async () => {
      const { client } = await signUp(server, { name: "No zone" });
      const utc = new Date().toISOString().slice(0, 10);
      const late = await createTask(client, { title: "Late", recurrence: "daily", dueDate: addDays(utc, -3) });
      const onTime = await createTask(client, { title: "Maybe on time", recurrence: "daily", dueDate: addDays(utc, -1) });
      for (const { id } of [late, onTime]) expect((await client.post("/tasks", { intent: "toggle", id })).status).toBe(302);
      expect(await nextDueOf(client, late.title)).toBe(utc);
      expect(await nextDueOf(client, onTime.title)).toBe(utc);
    });
  });

  describe("list view", () => {
    it("bulk actions in a filtered view cover only the tasks it shows, and say so", async () => {
      const carol = (await signUp(server, { name: "Carol" })).client;
      for (const [title, tags] of [["Desk", "office"], ["Printer", "office"], ["Garden", "home"]] as const) {
        expect((await carol.post("/tasks", { intent: "create", title, tags })).status).toBe(302);
      }
      const view = "/tasks?tag=office";
      const page = await pageText(await carol.get(view));
      expect(page).toContain("Complete all shown");
      expect(page).not.toContain("Mark all complete");

      const done = await carol.post(view, { intent: "complete-all", returnTo: view });
      expect(done.status).toBe(302);
      expect(done.headers.get("location")).toBe(view);
      expect(await pageText(await carol.get(view))).toContain("Marked 2 tasks complete.");
      const active = await pageText(await carol.get("/tasks?status=active"));
      expect(active).toContain("Garden");
      expect(active).not.toContain("Desk");

      // Clearing from the home view leaves the office's completed tasks alone.
      await carol.post("/tasks?tag=home", { intent: "complete-all" });
      const confirm = await pageText(await carol.get("/tasks?tag=home&confirm=clear-completed"));
      expect(confirm).toContain("1 completed task in this view will be deleted for good.");
      expect((await carol.post("/tasks?tag=home&confirm=clear-completed", { intent: "clear-completed" })).status).toBe(302);
      const all = await pageText(await carol.get("/tasks"));
      expect(all).toContain("Desk");
      expect(all).toContain("Printer");
      expect(all).not.toContain("Garden");
      expect(all).toContain("Mark all complete"); // the unfiltered view's words
    });

    it("each status tab offers only the bulk action that acts on tasks it shows", async () => {
      const dave = (await signUp(server, { name: "Dave" })).client;
      expect((await dave.post("/tasks", { intent: "create", title: "Open one" })).status).toBe(302);
      const page = async (url: string) => pageText(await dave.get(url));
      expect(await page("/tasks")).toMatch(/Mark all complete[\s\S]*Clear completed/);
      expect(await page("/tasks?status=active")).toContain("Mark all complete");
      expect(await page("/tasks?status=active")).not.toContain("Clear completed");
      expect(await page("/tasks?status=completed")).toContain("Clear completed");
      expect(await page("/tasks?status=completed")).not.toContain("Mark all complete");
    });

    it("the forms under the 'Clear completed?' panel come back to the view, not to the panel", async () => {
      const { id } = await createTask(alice, { title: "Under the panel", tags: "panel" });
      await alice.post("/tasks", { intent: "toggle", id });
      const html = await (await alice.get("/tasks?tag=panel&confirm=clear-completed")).text();
      expect(html).toContain("Clear completed tasks?");
      const returnTos = [...html.matchAll(/name="returnTo" value="([^"]*)"/g)].map((m) => m[1]);
      expect(returnTos.length).toBeGreaterThan(3); // add, complete all, the panel's own, the row's toggle
      expect(new Set(returnTos)).toEqual(new Set(["/tasks?tag=panel"]));
    });

    it("refuses a save over a change made in another tab since the page was loaded, keeping the edits", async () => {
      const { id } = await createTask(alice, { title: "Two tabs" });
      const page = await (await alice.get(`/tasks/${id}`)).text();
      const seen = page.match(/name="seenUpdatedAt" value="([^"]+)"/)?.[1];
      expect(seen).toBeTruthy();
      const fields = { intent: "update", title: "Two tabs", priority: "medium", tags: "", dueDate: "", recurrence: "", description: "" };
      // Tab A saves a new title; tab B, loaded before, then saves only a priority.
      expect((await alice.post(`/tasks/${id}`, { ...fields, title: "Renamed in tab A", seenUpdatedAt: seen! })).status).toBe(302);
      const refused = await alice.post(`/tasks/${id}`, { ...fields, priority: "high", description: "B's notes", completed: "true", seenUpdatedAt: seen! });
      expect(refused.status).toBe(409);
      const html = await refused.text();
      expect(html).toMatch(/<input type="checkbox" name="completed" checked=""/); // the tick too
      expect(html).toContain("This task was changed in another tab or device after you opened it (its title is now “Renamed in tab A”)");
      expect(html).toContain("B&#x27;s notes"); // the edits are kept in the form
      const newer = html.match(/name="seenUpdatedAt" value="([^"]+)"/)?.[1];
      expect(newer).not.toBe(seen);
      expect(await pageText(await alice.get(`/tasks/${id}`))).toContain("Renamed in tab A");
      // Saving again, from the newer version, is on purpose: it goes through.
      expect((await alice.post(`/tasks/${id}`, { ...fields, priority: "high", seenUpdatedAt: newer! })).status).toBe(302);
    });

    it("deleting from a filtered view without JavaScript goes back to that view", async () => {
      const { id, title } = await createTask(alice, { title: "Filtered delete", tags: "errands" });
      const view = "/tasks?tag=errands&sort=title";
      const list = await (await alice.get(view)).text();
      const href = `/tasks/${id}?delete=confirm&amp;from=${encodeURIComponent(view)}`;
      expect(list).toContain(`href="${href}"`);
      // The default view's links stay short.
      expect(await (await alice.get("/tasks")).text()).toContain(`href="/tasks/${id}?delete=confirm"`);

      const panel = await (await alice.get(href.replace("&amp;", "&"))).text();
      expect(panel).toContain(`name="returnTo" value="${view.replace("&", "&amp;")}"`);
      expect(panel).toContain(`href="${view.replace("&", "&amp;")}">Cancel</a>`);
      const deleted = await alice.post(`/tasks/${id}?delete=confirm`, { intent: "delete", returnTo: view });
      expect(deleted.headers.get("location")).toBe(view);
      expect(await pageText(await alice.get(view))).not.toContain(title);

      // Anywhere but a list view is ignored.
      for (const from of ["https://evil.example/tasks", "//evil.example", "/settings", "/tasks/other"]) {
        const other = await createTask(alice, { title: "Stays" });
        const page = await (await alice.get(`/tasks/${other.id}?delete=confirm&from=${encodeURIComponent(from)}`)).text();
        expect(page, from).toContain('name="returnTo" value="/tasks"');
        await alice.post(`/tasks/${other.id}`, { intent: "delete", returnTo: "/tasks" });
      }
    });

    it("a task opened from a filtered view goes back to it: the back link, after a save, a delete and a Cancel", async () => {
      const { id, title } = await createTask(alice, { title: "Opened from a view", tags: "garden" });
      const view = "/tasks?tag=garden&sort=title";
      const from = `from=${encodeURIComponent(view)}`;
      const page = `/tasks/${id}?${from}`;
      const amp = (path: string) => path.replaceAll("&", "&amp;");
      expect(await (await alice.get(view)).text()).toContain(`href="${page}" class="task-title"`);
      // The default view's title links stay short.
      expect(await (await alice.get("/tasks")).text()).toContain(`href="/tasks/${id}" class="task-title"`);

      const opened = await (await alice.get(page)).text();
      expect(opened).toContain(`href="${amp(view)}">← Back to the list</a>`);
      expect(opened).toContain(`name="returnTo" value="${page}"`);
      expect(opened).toContain(`href="${page}&amp;delete=confirm&amp;cancel=page"`);
      // A save comes back to the page with the view kept.
      const fields = { intent: "update", returnTo: page, title: `${title}, edited`, description: "", priority: "medium", tags: "garden", dueDate: "", recurrence: "" };
      const saved = await alice.post(page, fields);
      expect(saved.headers.get("location")).toBe(page);
      // The page's own Delete…: Cancel stays on the page; deleting goes to the view.
      const panel = await (await alice.get(`${page}&delete=confirm&cancel=page`)).text();
      expect(panel).toContain(`href="${page}">Cancel</a>`);
      expect(panel).toContain(`name="returnTo" value="${amp(view)}"`);
      // The list's own Delete (no JavaScript) in the default view: Cancel goes back to the list.
      expect(await (await alice.get(`/tasks/${id}?delete=confirm`)).text()).toContain(`href="/tasks">Cancel</a>`);
      // A task deleted meanwhile (another tab): the save goes to the view it was opened from.
      await alice.post(page, { intent: "delete", returnTo: view });
      const stale = await alice.post(page, fields);
      expect(stale.headers.get("location")).toBe(view);
      // Back to the deleted task's page: its 404 leads back to that view too.
      const gone = await alice.get(page);
      expect(gone.status).toBe(404);
      expect(await gone.text()).toContain(`href="${amp(view)}">Back to your tasks</a>`);
      // A save never leaves the task's own page for another one.
      const other = await createTask(alice, { title: "Another" });
      const elsewhere = await alice.post(`/tasks/${other.id}`, { ...fields, returnTo: `/tasks/${id}?${from}` });
      expect(elsewhere.headers.get("location")).toBe(`/tasks/${other.id}`);
    });

    it("ignores unknown status and sort values in the URL", async () => {
      const res = await alice.get("/tasks?status=bogus&sort=nope&order=up&due=later&priority=x&cursor=%%%");
      expect(res.status).toBe(200);
      expect(await pageText(res)).toContain("Tasks");
    });

    it("sends the page compressed when the browser accepts it: brotli, else gzip, else as it is", async () => {
      const { title } = await createTask(alice, { title: "Compressible" });
      const cookie = [...alice.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
      const get = (acceptEncoding: string) => rawRequest(`${server.url}/tasks`, { headers: { Cookie: cookie, "Accept-Encoding": acceptEncoding } });
      // The whole page: its loader data streams in after </html>, ending with the stream's close.
      const isPage = (html: string) => html.startsWith("<!DOCTYPE html>") && html.includes(title) && html.includes("streamController.close()");

      const plain = await get("identity");
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(isPage(plain.body.toString())).toBe(true);
      for (const [accept, encoding, decode] of [
        ["gzip, deflate, br, zstd", "br", brotliDecompressSync],
        ["gzip;q=1, br;q=0.5", "gzip", gunzipSync],
        ["gzip", "gzip", gunzipSync],
      ] as const) {
        const res = await get(accept);
        expect(res.headers["content-encoding"], accept).toBe(encoding);
        expect(res.headers.vary, accept).toContain("Accept-Encoding");
        expect(res.body.length, accept).toBeLessThan(plain.body.length / 3);
        expect(isPage(decode(res.body).toString()), accept).toBe(true);
      }
      expect((await get("br;q=0, gzip;q=0, *;q=0")).headers["content-encoding"]).toBeUndefined();
    });

    it("sends the list only what its rows show: descriptions and timestamps stay on the task's page", async () => {
      const { id, title } = await createTask(alice, { title: "Short row", description: "A long description only the task page shows" });
      const list = await (await alice.get("/tasks")).text();
      expect(list).toContain(title);
      expect(list).not.toContain("A long description");
      expect(list).not.toMatch(/createdAt|updatedAt|completedAt/);
      expect(await (await alice.get(`/tasks/${id}`)).text()).toContain("A long description only the task page shows");
    });

    it("sends the page whole: the list's data in one script under the page's nonce, nothing left for the browser to render", async () => {
      const { title } = await createTask(alice, { title: "Data in the page" });
      const res = await alice.get("/tasks");
      const html = await res.text();
      const nonce = res.headers.get("content-security-policy")?.match(/'nonce-([^']+)'/)?.[1];
      expect(html.startsWith("<!DOCTYPE html><html")).toBe(true);
      const enqueue = html.match(/<script nonce="([^"]+)">window\.__remixContext\.streamController\.enqueue\((.*?)\);<\/script>/g) ?? [];
      expect(enqueue).toHaveLength(1);
      expect(enqueue[0]).toContain(`nonce="${nonce}"`);
      expect(enqueue[0]).toContain(title);
      expect(html.match(/streamController\.close\(\)/g)).toHaveLength(1);
      expect(html).not.toContain("<!--$!-->");
      // One page of tasks: no empty "Pages" navigation for screen readers to land on.
      expect(html).not.toContain('aria-label="Pages"');
    });

    it("an address with broken %-encoding is the not-found page, with the signed-in header", async () => {
      for (const path of ["/%", "/tasks/%E0%A4%A", "/tasks/%"]) {
        const res = await alice.get(path);
        expect(res.status, path).toBe(404);
        const html = await res.text();
        expect(html, path).toContain(">Sign out</button>");
        expect(html, path).toMatch(/<title>(Not found|Task not found) · Tasklane<\/title>/);
      }
    });

    it("sends a signed-out visitor to sign in and back", async () => {
      const res = await alice.get("/tasks?status=active", { anonymous: true });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/sign-in?redirectTo=%2Ftasks%3Fstatus%3Dactive");
    });
  });

  describe("isolation between users", () => {
    it("another user's task is a 404 page and cannot be changed", async () => {
      const task = await createTask(alice, { title: "Alice only" });
      const view = await bob.get(`/tasks/${task.id}`);
      expect(view.status).toBe(404);
      expect(await view.text()).not.toContain(task.title);
      for (const form of [
        { intent: "toggle", id: task.id, completed: "true" } as Record<string, string>,
        { intent: "delete", id: task.id },
      ]) {
        expect((await bob.post("/tasks", viaFetcher(form))).status).toBe(404);
      }
      const update = await bob.post(`/tasks/${task.id}`, viaFetcher({ intent: "update", title: "Bob was here" }));
      expect(update.status).toBe(404);
      const still = await pageText(await alice.get(`/tasks/${task.id}`));
      expect(still).toContain(task.title);
      expect(still).not.toContain("Bob was here");
      expect(await pageText(await bob.get("/tasks"))).not.toContain(task.title);
    });

    it("pages asked for at the same time each render their own user's tasks", async () => {
      // Renders queue for a slot (app/entry.server.tsx); none may get another's page.
      const mine = { alice: await createTask(alice, { title: "Alice at once" }), bob: await createTask(bob, { title: "Bob at once" }) };
      const pages = await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const who = i % 2 ? "bob" : "alice";
          const res = await (who === "bob" ? bob : alice).get("/tasks?q=at%20once");
          return { who, status: res.status, text: await pageText(res) };
        }),
      );
      for (const { who, status, text } of pages) {
        expect(status).toBe(200);
        expect(text).toContain(mine[who as "alice" | "bob"].title);
        expect(text).not.toContain(mine[who === "bob" ? "alice" : "bob"].title);
      }
    });
  });
});
