import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/server";
import { loadDomain, type Domain } from "./load-domain";
import { parseListQuery, taskInputSchema, type ListQuery, type TaskInput } from "~/tasks";

const TODAY = "2026-11-24";
const input = (fields: Partial<TaskInput> & { title: string }): TaskInput => taskInputSchema.parse(fields);
const query = (params: Record<string, string> = {}): ListQuery => parseListQuery(new URLSearchParams(params));

describe.each(backends)("task domain on %s", (backend) => {
  let d: Domain;
  let owner: string;
  let other: string;

  beforeAll(async () => {
    d = await loadDomain(backend);
    owner = await d.addUser("Owner");
    other = await d.addUser("Other");
  }, 60_000);
  afterAll(async () => d?.close());

  describe("create, read, update, delete", () => {
    it("creates a task with defaults and reads it back", async () => {
      const t = await d.createTask(owner, input({ title: "  Buy milk  " }));
      expect(t).toMatchObject({ title: "Buy milk", description: null, completed: false, priority: "medium", tags: [], dueDate: null, recurrence: null, completedAt: null });
      expect(new Date(t.createdAt).toISOString()).toBe(t.createdAt);
      expect(await d.getTask(owner, t.id)).toEqual(t);
    });

    it("lists each task exactly as it reads alone, timestamps to the millisecond, in every sort", async () => {
      const user = await d.addUser("Timestamps");
      const plain = await d.createTask(user, input({ title: "b plain", dueDate: "2026-12-01" }));
      const done = await d.createTask(user, input({ title: "a done", completed: true, priority: "high" }));
      // Written with microseconds and other offsets (the columns keep milliseconds, rounded):
      // both reads write UTC with three decimals.
      const odd = await d.createTask(user, input({ title: "c odd", tags: ["x"] }));
      await d.storeTimestamps(odd.id, { createdAt: "2026-11-24 23:59:59.999999+05:30", updatedAt: "2026-11-25 00:00:00.0005-08", completedAt: "2026-11-25 10:20:30+00" });
      const alone = await Promise.all([plain, done, odd].map((t) => d.getTask(user, t.id)));
      expect(alone[2]).toMatchObject({ createdAt: "2026-11-24T18:30:00.000Z", updatedAt: "2026-11-25T08:00:00.001Z", completedAt: "2026-11-25T10:20:30.000Z" });
      expect(alone[0]!.completedAt).toBeNull();
      const byId = new Map(alone.map((t) => [t!.id, t]));
      for (const sort of ["created", "title", "due", "priority"]) {
        const page = await d.listTasks(user, query({ sort }));
        expect(page.tasks).toHaveLength(3);
        for (const listed of page.tasks) expect(listed).toStrictEqual(byId.get(listed.id));
        // Paging one at a time reaches the same three tasks through the cursors.
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const next = await d.listTasks(user, { ...query({ sort }), limit: 1, cursor });
          seen.push(...next.tasks.map((t) => t.id));
          cursor = next.nextCursor ?? undefined;
        } while (cursor);
        expect(seen.sort()).toEqual([...byId.keys()].sort());
      }
    });

    it("updates fields partially and keeps completedAt in step with completed", async () => {
      const t = await d.createTask(owner, input({ title: "Report", tags: ["Work", "work", " urgent "] }));
      expect(t.tags).toEqual(["work", "urgent"]);
      const done = await d.updateTask(owner, t.id, { completed: true, priority: "high" });
      expect(done).toMatchObject({ completed: true, priority: "high", title: "Report" });
      expect(done!.completedAt).not.toBeNull();
      const reopened = await d.setCompleted(owner, t.id, false);
      expect(reopened).toMatchObject({ completed: false, completedAt: null });
      const toggled = await d.toggleTask(owner, t.id);
      expect(toggled!.completed).toBe(true);
    });

    it("replaces every field on a full replace", async () => {
      const t = await d.createTask(owner, input({ title: "Old", description: "x", tags: ["a"], dueDate: "2026-12-01" }));
      const r = await d.replaceTask(owner, t.id, input({ title: "New" }));
      expect(r).toMatchObject({ title: "New", description: null, tags: [], dueDate: null, priority: "medium" });
    });

    it("refuses an edit made from a version that has changed since, and writes nothing", async () => {
      const t = await d.createTask(owner, input({ title: "Shared" }));
      const a = await d.updateTask(owner, t.id, { title: "From tab A" }, { ifUnchangedSince: t.updatedAt });
      expect(a!.title).toBe("From tab A");
      const b = await d.updateTask(owner, t.id, { priority: "high" }, { ifUnchangedSince: t.updatedAt }).catch((e: unknown) => e);
      expect(b).toBeInstanceOf(d.EditConflictError);
      expect((b as InstanceType<typeof d.EditConflictError>).current).toMatchObject({ title: "From tab A", updatedAt: a!.updatedAt });
      expect(await d.getTask(owner, t.id)).toMatchObject({ title: "From tab A", priority: "medium" });
      // From the version it was told about, the save goes through.
      expect(await d.updateTask(owner, t.id, { priority: "high" }, { ifUnchangedSince: a!.updatedAt })).toMatchObject({ title: "From tab A", priority: "high" });
    });

    it("a save that changes nothing writes nothing: updatedAt stays, and an open form stays current", async () => {
      const t = await d.createTask(owner, input({ title: "Same", description: "d", tags: ["a", "b"], dueDate: "2026-12-01", recurrence: "weekly" }));
      const same = input({ title: "Same", description: "d", tags: ["a", "b"], dueDate: "2026-12-01", recurrence: "weekly" });
      expect((await d.replaceTask(owner, t.id, same))!.updatedAt).toBe(t.updatedAt);
      expect((await d.updateTask(owner, t.id, { title: "Same", completed: false }, { ifUnchangedSince: t.updatedAt }))!.updatedAt).toBe(t.updatedAt);
      expect((await d.getTask(owner, t.id))!.updatedAt).toBe(t.updatedAt);
      // Any real change still counts, tags in another order included.
      const reordered = await d.updateTask(owner, t.id, { tags: ["b", "a"] });
      expect(reordered!.updatedAt).not.toBe(t.updatedAt);
      expect(reordered!.tags).toEqual(["b", "a"]);
    });

    it("deletes a task once", async () => {
      const t = await d.createTask(owner, input({ title: "Temp" }));
      expect(await d.deleteTask(owner, t.id)).toBe(true);
      expect(await d.deleteTask(owner, t.id)).toBe(false);
      expect(await d.getTask(owner, t.id)).toBeNull();
    });
  });

  describe("ids that cannot be task ids", () => {
    it("are not found, without a database error (a NUL cannot even be sent to Postgres)", async () => {
      for (const id of ["a\u0000b", "", "x".repeat(65), "../etc", "id with spaces"]) {
        expect(await d.getTask(owner, id)).toBeNull();
        expect(await d.updateTask(owner, id, { title: "x" })).toBeNull();
        expect(await d.toggleTask(owner, id)).toBeNull();
        expect(await d.deleteTask(owner, id)).toBe(false);
      }
    });
  });

  describe("owner scoping", () => {
    it("never reads, changes or deletes another user's task", async () => {
      const mine = await d.createTask(owner, input({ title: "Private" }));
      expect(await d.getTask(other, mine.id)).toBeNull();
      expect(await d.updateTask(other, mine.id, { title: "Hacked" })).toBeNull();
      expect(await d.replaceTask(other, mine.id, input({ title: "Hacked" }))).toBeNull();
      expect(await d.toggleTask(other, mine.id)).toBeNull();
      expect(await d.deleteTask(other, mine.id)).toBe(false);
      const list = await d.listTasks(other, query({ q: "Private" }));
      expect(list.tasks).toEqual([]);
      await d.completeAll(other);
      await d.clearCompleted(other);
      expect(await d.getTask(owner, mine.id)).toMatchObject({ title: "Private", completed: false });
    });
  });

  describe("a create form's one-time key (a double-click without JavaScript)", () => {
    it("a second create with the same key, even at the same moment, returns the first task and adds none", async () => {
      const user = await d.addUser("Double clicker");
      const key = d.newCreateKey();
      const [a, b] = await Promise.all([0, 1].map(() => d.createTask(user, input({ title: "Once" }), { createKey: key })));
      expect(b!.id).toBe(a!.id);
      expect((await d.createTask(user, input({ title: "Once" }), { createKey: key })).id).toBe(a!.id);
      // A repeating task created done (its next one is made in the same transaction) too.
      const logged = d.newCreateKey();
      const made = input({ title: "Logged", recurrence: "weekly", dueDate: "2099-01-01", completed: true });
      const [r1, r2] = await Promise.all([0, 1].map(() => d.createTask(user, made, { createKey: logged, today: TODAY })));
      expect(r2!.id).toBe(r1!.id);
      expect(await d.countTasks(user)).toEqual({ total: 3, active: 2, completed: 1 }); // Once, Logged and its next one
      // Keys are the user's own; no key never matches.
      const other = await d.addUser("Same key elsewhere");
      expect((await d.createTask(other, input({ title: "Once" }), { createKey: key })).id).not.toBe(a!.id);
      const [n1, n2] = await Promise.all([0, 1].map(() => d.createTask(user, input({ title: "No key" }))));
      expect(n1!.id).not.toBe(n2!.id);
    });
  });

  describe("filters and search", () => {
    let user: string;
    beforeAll(async () => {
      user = await d.addUser("Filter");
      await d.createTask(user, input({ title: "Overdue bill", dueDate: "2026-11-20", priority: "high", tags: ["money"] }));
      await d.createTask(user, input({ title: "Call mum", dueDate: TODAY, description: "about 100% of the plan" }));
      await d.createTask(user, input({ title: "Gym", dueDate: "2026-11-30", tags: ["health"] }));
      await d.createTask(user, input({ title: "Next month", dueDate: "2026-12-24", priority: "low" }));
      await d.createTask(user, input({ title: "Someday", tags: ["money", "ideas"] }));
      await d.createTask(user, input({ title: "Old overdue but done", dueDate: "2026-11-01", completed: true }));
    });
    const titles = async (params: Record<string, string>) =>
      (await d.listTasks(user, { ...query(params), today: TODAY })).tasks.map((t) => t.title).sort();

    it("filters by status", async () => {
      expect(await titles({ status: "completed" })).toEqual(["Old overdue but done"]);
      expect((await titles({ status: "active" })).length).toBe(5);
      expect((await titles({})).length).toBe(6);
    });
    it("searches title and description, case-insensitively, with LIKE characters taken literally", async () => {
      expect(await titles({ q: "MUM" })).toEqual(["Call mum"]);
      expect(await titles({ q: "100%" })).toEqual(["Call mum"]);
      expect(await titles({ q: "%" })).toEqual(["Call mum"]);
      expect(await titles({ q: "_" })).toEqual([]);
    });
    it("filters by priority and tag", async () => {
      expect(await titles({ priority: "high" })).toEqual(["Overdue bill"]);
      expect(await titles({ tag: "MONEY" })).toEqual(["Overdue bill", "Someday"]);
    });
    it("filters by due: overdue (open only), today, this week, no date", async () => {
      expect(await titles({ due: "overdue" })).toEqual(["Overdue bill"]);
      expect(await titles({ due: "today" })).toEqual(["Call mum"]);
      expect(await titles({ due: "week" })).toEqual(["Call mum", "Gym"]);
      expect(await titles({ due: "none" })).toEqual(["Someday"]);
    });
    it("cuts a search past 200 characters instead of dropping it; a tag longer than any tag matches nothing", async () => {
      expect(query({ q: `${"a".repeat(200)}zzz` }).q).toBe("a".repeat(200));
      expect((await d.listTasks(owner, query({ tag: "t".repeat(31) }))).tasks).toEqual([]);
      expect((await d.listTasks(owner, query({ q: "x".repeat(250) }))).tasks).toEqual([]);
    });

    it("ignores unknown filter values in the URL", async () => {
      const q = query({ status: "bogus", sort: "nope", order: "sideways", priority: "urgent", due: "later" });
      expect(q).toMatchObject({ status: "all", sort: "created", order: undefined, priority: undefined, due: undefined });
      expect((await d.listTasks(user, q)).tasks.length).toBe(6);
    });
    it("counts what is left and lists the tags", async () => {
      expect(await d.countTasks(user)).toEqual({ total: 6, active: 5, completed: 1 });
      expect(await d.listTags(user)).toEqual(["health", "ideas", "money"]);
    });
  });

  describe("sorting and cursor paging", () => {
    let user: string;
    const N = 57;
    beforeAll(async () => {
      user = await d.addUser("Pager");
      const priorities = ["low", "medium", "high"] as const;
      for (let i = 0; i < N; i++) {
        await d.createTask(
          user,
          input({
            // Repeated titles, priorities and dates force ties that only the id can break.
            title: `Task ${String(i % 9).padStart(2, "0")}`,
            priority: priorities[i % 3],
            dueDate: i % 4 === 0 ? null : `2026-12-${String((i % 7) + 1).padStart(2, "0")}`,
          }),
        );
      }
    }, 60_000);

    for (const sort of ["created", "due", "priority", "title"] as const) {
      for (const order of ["asc", "desc"] as const) {
        it(`walks every page of sort=${sort} order=${order} without gaps or repeats, in order`, async () => {
          const seen: string[] = [];
          const all: Awaited<ReturnType<Domain["listTasks"]>>["tasks"] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await d.listTasks(user, { ...query({ sort, order }), cursor, limit: 10 });
            seen.push(...page.tasks.map((t) => t.id));
            all.push(...page.tasks);
            cursor = page.nextCursor ?? undefined;
            pages++;
          } while (cursor && pages < 20);
          expect(pages).toBe(Math.ceil(N / 10));
          expect(seen.length).toBe(N);
          expect(new Set(seen).size).toBe(N);
          const key = (t: (typeof all)[number]) =>
            sort === "created" ? t.createdAt
            : sort === "title" ? t.title.toLowerCase()
            : sort === "priority" ? { low: 1, medium: 2, high: 3 }[t.priority]
            : t.dueDate ?? (order === "asc" ? "9999-12-31" : "0001-01-01");
          for (let i = 1; i < all.length; i++) {
            const a = key(all[i - 1]!);
            const b = key(all[i]!);
            if (order === "asc") expect(a <= b).toBe(true);
            else expect(a >= b).toBe(true);
            // Ties come in creation order, in the sort's direction, not by random id.
            const [x, y] = [all[i - 1]!.createdAt, all[i]!.createdAt];
            if (a === b && order === "asc") expect(x <= y, `${x} then ${y}`).toBe(true);
            if (a === b && order === "desc") expect(x >= y, `${x} then ${y}`).toBe(true);
          }
          if (sort === "due") {
            // Tasks without a date come last in both directions.
            expect(all.slice(-Math.ceil(N / 4)).every((t) => t.dueDate === null)).toBe(true);
          }
        });
      }
    }

    it("pages on past due dates from before the 1000-9999 rule (rows older versions stored)", async () => {
      const legacy = await d.addUser("Legacy");
      for (const title of ["Old", "Older", "New"]) await d.createTask(legacy, input({ title, dueDate: "2026-01-01" }));
      const [older] = (await d.listTasks(legacy, query({ q: "Older" }))).tasks;
      await d.storeDueDate(older!.id, "0999-05-01");
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await d.listTasks(legacy, { ...query({ sort: "due", order: "asc", ...(cursor ? { cursor } : {}) }), limit: 1 });
        seen.push(...page.tasks.map((t) => t.title));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && ++pages < 10);
      expect(seen).toEqual(["Older", "Old", "New"]);
    });

    it("walks titles whose lower case differs between JavaScript and Postgres, and 200-character ones", async () => {
      const titled = await d.addUser("Titles");
      const titles = ["a", "ΑΣ", "ας", "İzmir", "izz", "izzz", "b", "ω", "é".repeat(200), `${"é".repeat(199)}f`, "Σ".repeat(200)];
      for (const title of titles) await d.createTask(titled, input({ title }));
      for (const order of ["asc", "desc"] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const params = parseListQuery(new URLSearchParams({ sort: "title", order, ...(cursor ? { cursor } : {}) }));
          // The cursor went through the URL schema: it must not be dropped for its length.
          if (cursor) expect(params.cursor).toBe(cursor);
          const page = await d.listTasks(titled, { ...params, limit: 1 });
          seen.push(...page.tasks.map((t) => t.title));
          cursor = page.nextCursor ?? undefined;
        } while (cursor && ++pages < 30);
        expect(seen.toSorted()).toEqual(titles.toSorted());
      }
    });

    it("starts from the top when the cursor is garbage or from another sort", async () => {
      const first = await d.listTasks(user, { ...query(), limit: 5 });
      const garbage = await d.listTasks(user, { ...query({ cursor: "not-a-cursor" }), limit: 5 });
      expect(garbage.tasks.map((t) => t.id)).toEqual(first.tasks.map((t) => t.id));
      // Well-formed JSON with values Postgres would choke on (a bare number as a
      // timestamp, an impossible date) is ignored too, never a database error.
      const forge = (c: object) => Buffer.from(JSON.stringify(c)).toString("base64url");
      const c = "2026-11-24T10:00:00.000Z";
      for (const [sort, order, v, id] of [
        ["created", "desc", "1", "x"],
        ["created", "desc", "2026-11-24", "x"],
        ["due", "asc", "2026-02-30", "x"],
        ["priority", "desc", 1.5, "x"],
        ["priority", "desc", 1e20, "x"], // past Postgres's int
        ["title", "asc", "a\u0000", "x"], // NUL: Postgres cannot take it
        ["created", "desc", c, "x\u0000"],
      ] as const) {
        const forged = await d.listTasks(user, { ...query({ sort, order }), cursor: forge({ s: sort, o: order, v, c, id }), limit: 5 });
        const top = await d.listTasks(user, { ...query({ sort, order }), limit: 5 });
        expect(forged.tasks.map((t) => t.id)).toEqual(top.tasks.map((t) => t.id));
      }
      const other = await d.listTasks(user, { ...query({ sort: "title", cursor: first.nextCursor! }), limit: 5 });
      const titleFirst = await d.listTasks(user, { ...query({ sort: "title" }), limit: 5 });
      expect(other.tasks.map((t) => t.id)).toEqual(titleFirst.tasks.map((t) => t.id));
    });
  });

  describe("bulk actions in a filtered view", () => {
    it("complete and clear only the tasks the view shows, and count them", async () => {
      const user = await d.addUser("Bulk");
      await d.createTask(user, input({ title: "Work one", tags: ["work"] }));
      await d.createTask(user, input({ title: "Work two", tags: ["work"], priority: "high" }));
      await d.createTask(user, input({ title: "Home one", tags: ["home"] }));
      await d.createTask(user, input({ title: "Home done", tags: ["home"], completed: true }));
      const work = query({ tag: "work" });
      expect(d.isFilteredView(work)).toBe(true);
      expect(d.isFilteredView(query({ status: "active" }))).toBe(false);
      expect(await d.countView(user, work, TODAY)).toEqual({ active: 2, completed: 0 });

      expect(await d.completeAll(user, { today: TODAY, view: work })).toBe(2);
      expect(await d.countView(user, query({ tag: "home" }), TODAY)).toEqual({ active: 1, completed: 1 });
      expect(await d.clearCompleted(user, { today: TODAY, view: query({ priority: "high" }) })).toBe(1);
      const left = async () => (await d.listTasks(user, query({}))).tasks.map((t) => `${t.title}${t.completed ? " ✓" : ""}`).sort();
      expect(await left()).toEqual(["Home done ✓", "Home one", "Work one ✓"]);
      // Without a view: every task, as before.
      expect(await d.clearCompleted(user)).toBe(2);
      expect(await left()).toEqual(["Home one"]);
    });
  });

  describe("the tag list (kept in task_tag by database triggers)", () => {
    it("follows creates, edits, replaces, deletes and bulk changes", async () => {
      const user = await d.addUser("Tagger");
      const a = await d.createTask(user, input({ title: "A", tags: ["work", "home"] }));
      const b = await d.createTask(user, input({ title: "B", tags: ["work"] }));
      expect(await d.tagCounts(user)).toEqual({ home: 1, work: 2 });
      expect(await d.listTags(user)).toEqual(["home", "work"]);

      await d.updateTask(user, a.id, { tags: ["home", "garden"] });
      expect(await d.tagCounts(user)).toEqual({ garden: 1, home: 1, work: 1 });
      await d.updateTask(user, a.id, { completed: true, title: "A done" });
      expect(await d.tagCounts(user)).toEqual({ garden: 1, home: 1, work: 1 });
      await d.replaceTask(user, b.id, input({ title: "B again" }));
      expect(await d.listTags(user)).toEqual(["garden", "home"]);

      await d.createTask(user, input({ title: "C", tags: ["home"], completed: true }));
      await d.completeAll(user);
      expect(await d.clearCompleted(user)).toBe(3);
      expect(await d.listTags(user)).toEqual([]);
      expect(await d.tagCounts(user)).toEqual({});
    });

    it("counts the next occurrence of a repeating task, and other users never", async () => {
      const user = await d.addUser("Repeater");
      const t = await d.createTask(user, input({ title: "Water", recurrence: "daily", dueDate: TODAY, tags: ["plants"] }));
      await d.setCompleted(user, t.id, true);
      expect(await d.tagCounts(user)).toEqual({ plants: 2 });
      expect(await d.listTags(other)).not.toContain("plants");
      await d.deleteTask(user, t.id);
      expect(await d.tagCounts(user)).toEqual({ plants: 1 });
    });

    it("stays exact under concurrent writes of the same tags", async () => {
      const user = await d.addUser("Busy");
      const made = await Promise.all(Array.from({ length: 30 }, (_, i) => d.createTask(user, input({ title: `T${i}`, tags: ["x", "y", i % 2 ? "odd" : "even"] }))));
      await Promise.all([
        ...made.slice(0, 10).map((t) => d.deleteTask(user, t.id)),
        ...made.slice(10, 20).map((t) => d.updateTask(user, t.id, { tags: ["y", "z"] })),
        ...Array.from({ length: 10 }, (_, i) => d.createTask(user, input({ title: `U${i}`, tags: ["z", "x"] }))),
      ]);
      const expected: Record<string, number> = {};
      for (const t of (await d.listTasks(user, { ...query(), limit: 100 })).tasks) for (const tag of t.tags) expected[tag] = (expected[tag] ?? 0) + 1;
      expect(await d.tagCounts(user)).toEqual(expected);
    });

    it("goes with the account: deleting a user leaves no rows behind", async () => {
      const user = await d.addUser("Leaver");
      await d.createTask(user, input({ title: "Bye", tags: ["gone"] }));
      await d.deleteUser(user);
      expect(await d.tagCounts(user)).toEqual({});
    });
  });

  describe("the counts (kept in task_count by database triggers)", () => {
    /** What the counts must be: counted from the task rows themselves. */
    async function counted(user: string) {
      const tasks = (await d.listTasks(user, { ...query(), limit: 100 })).tasks;
      const completed = tasks.filter((t) => t.completed).length;
      return { total: tasks.length, completed, active: tasks.length - completed };
    }

    it("follows creates, toggles, edits, replaces, deletes and bulk changes", async () => {
      const user = await d.addUser("Counter");
      expect(await d.countTasks(user)).toEqual({ total: 0, active: 0, completed: 0 });
      const a = await d.createTask(user, input({ title: "A" }));
      const b = await d.createTask(user, input({ title: "B", completed: true }));
      expect(await d.countTasks(user)).toEqual({ total: 2, active: 1, completed: 1 });
      await d.setCompleted(user, a.id, true);
      await d.updateTask(user, b.id, { completed: false, title: "B open" });
      expect(await d.countTasks(user)).toEqual({ total: 2, active: 1, completed: 1 });
      await d.replaceTask(user, b.id, input({ title: "B again", completed: true }));
      expect(await d.countTasks(user)).toEqual({ total: 2, active: 0, completed: 2 });
      await d.createTask(user, input({ title: "C" }));
      await d.deleteTask(user, a.id);
      expect(await d.countTasks(user)).toEqual(await counted(user));
      await d.completeAll(user);
      expect(await d.countTasks(user)).toEqual({ total: 2, active: 0, completed: 2 });
      await d.clearCompleted(user);
      expect(await d.countTasks(user)).toEqual({ total: 0, active: 0, completed: 0 });
      expect(await d.countTasks(other)).toEqual(await counted(other));
    });

    it("stays exact under concurrent writes, and goes with the account", async () => {
      const user = await d.addUser("Busy counter");
      const made = await Promise.all(Array.from({ length: 30 }, (_, i) => d.createTask(user, input({ title: `T${i}`, recurrence: i % 5 ? null : "daily", dueDate: TODAY }))));
      await Promise.all([
        ...made.slice(0, 10).map((t) => d.deleteTask(user, t.id)),
        ...made.slice(10, 20).map((t) => d.setCompleted(user, t.id, true)),
        ...Array.from({ length: 10 }, (_, i) => d.createTask(user, input({ title: `U${i}` }))),
        d.completeAll(user),
      ]);
      expect(await d.countTasks(user)).toEqual(await counted(user));
      await d.deleteUser(user);
      expect(await d.countTasks(user)).toEqual({ total: 0, active: 0, completed: 0 });
      expect(await d.countRows(user)).toBe(0);
    });
  });

  describe("recurring tasks", () => {
    it("computes next dates, including month ends and leap years", () => {
      expect(d.nextDueDate("2026-11-24", "daily")).toBe("2026-11-25");
      expect(d.nextDueDate("2026-12-31", "daily")).toBe("2027-01-01");
      expect(d.nextDueDate("2026-12-28", "weekly")).toBe("2027-01-04");
      expect(d.nextDueDate("2027-01-31", "monthly")).toBe("2027-02-28");
      expect(d.nextDueDate("2028-01-31", "monthly")).toBe("2028-02-29");
      expect(d.nextDueDate("2026-03-31", "monthly")).toBe("2026-04-30");
      expect(d.nextDueDate("2026-12-15", "monthly")).toBe("2027-01-15");
      // A series on the 31st goes back to the 31st after a short month.
      expect(d.nextDueDate("2027-02-28", "monthly", 31)).toBe("2027-03-31");
      expect(d.nextDueDate("2027-03-31", "monthly", 31)).toBe("2027-04-30");
      // Nothing past 9999-12-31, the last date a task can have: the series ends.
      expect(d.nextDueDate("9999-12-31", "daily")).toBeNull();
      expect(d.nextDueDate("9999-12-25", "weekly")).toBeNull();
      expect(d.nextDueDate("9999-12-24", "weekly")).toBe("9999-12-31");
      expect(d.nextDueDate("9999-12-01", "monthly")).toBeNull();
    });

    it("schedules the occurrence after an overdue one's completion day, on the series' own weekday or day", () => {
      // Ticked off on Nov 24: a daily task three days late is next due tomorrow, not Nov 22.
      expect(d.nextDueAfter("2026-11-21", "daily", null, "2026-11-24")).toBe("2026-11-25");
      // A weekly series on Tuesdays (Nov 3) done two and a half weeks late: the next Tuesday after today.
      expect(d.nextDueAfter("2026-11-03", "weekly", null, "2026-11-20")).toBe("2026-11-24");
      expect(d.nextDueAfter("2026-11-03", "weekly", null, "2026-11-24")).toBe("2026-12-01");
      // A monthly series on the 31st, months late: its day in the first month after today.
      expect(d.nextDueAfter("2026-01-31", "monthly", 31, "2026-11-24")).toBe("2026-11-30");
      expect(d.nextDueAfter("2026-01-31", "monthly", 31, "2026-11-30")).toBe("2026-12-31");
      expect(d.nextDueAfter("2025-12-15", "monthly", 15, "2026-01-10")).toBe("2026-01-15");
      expect(d.nextDueAfter("2025-11-15", "monthly", 15, "2026-01-20")).toBe("2026-02-15");
      // On time or early, the series simply goes on.
      expect(d.nextDueAfter("2026-11-24", "weekly", null, "2026-11-24")).toBe("2026-12-01");
      expect(d.nextDueAfter("2027-03-31", "monthly", 31, "2026-11-24")).toBe("2027-04-30");
      expect(d.nextDueAfter("0001-01-01", "daily", null, "9999-12-31")).toBeNull();
    });

    it("completing an overdue repeating task schedules the next one after the caller's today", async () => {
      const user = await d.addUser("Late");
      const daily = await d.createTask(user, input({ title: "Vitamins", recurrence: "daily", dueDate: "2026-11-21" }));
      await d.setCompleted(user, daily.id, true, { today: TODAY });
      expect((await d.listTasks(user, query({ status: "active" }))).tasks.map((t) => t.dueDate)).toEqual(["2026-11-25"]);
      // Complete-all rolls forward the same way.
      const bulk = await d.addUser("Late in bulk");
      await d.createTask(bulk, input({ title: "Bins", recurrence: "weekly", dueDate: "2026-11-03" }));
      await d.completeAll(bulk, { today: TODAY });
      expect((await d.listTasks(bulk, query({ status: "active" }))).tasks.map((t) => t.dueDate)).toEqual(["2026-12-01"]);
    });

    it("without the caller's today (the JSON API), only dates before UTC's day count as past", async () => {
      const user = await d.addUser("Somewhere west");
      const utc = d.todayUTC();
      // Due on UTC's yesterday, which is still today in Los Angeles in the evening: completed
      // on time, the next one is the day after, not a day skipped.
      const onTime = await d.createTask(user, input({ title: "On time", recurrence: "daily", dueDate: d.addDays(utc, -1) }));
      await d.setCompleted(user, onTime.id, true);
      // Days late: the next one is due on UTC's today, not in the past.
      const late = await d.createTask(user, input({ title: "Late", recurrence: "daily", dueDate: d.addDays(utc, -5) }));
      await d.setCompleted(user, late.id, true);
      const open = (await d.listTasks(user, query({ status: "active" }))).tasks;
      expect(open.map((t) => [t.title, t.dueDate]).sort()).toEqual([["Late", utc], ["On time", utc]]);
    });

    it("keeps a monthly series on its day through short months, until its date is edited", async () => {
      const user = await d.addUser("Monthly");
      let t = await d.createTask(user, input({ title: "Rent", recurrence: "monthly", dueDate: "2027-01-31" }));
      const dates: string[] = [t.dueDate!];
      for (let i = 0; i < 4; i++) {
        await d.setCompleted(user, t.id, true, { today: TODAY });
        t = (await d.listTasks(user, query({ status: "active" }))).tasks[0]!;
        dates.push(t.dueDate!);
      }
      expect(dates).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]);
      // Moved by hand to the 15th: the series is on the 15th from then on.
      await d.updateTask(user, t.id, { dueDate: "2027-06-15" });
      await d.setCompleted(user, t.id, true, { today: TODAY });
      expect((await d.listTasks(user, query({ status: "active" }))).tasks[0]!.dueDate).toBe("2027-07-15");
    });

    it("repeats a task without a due date from the caller's today, and ends a series at 9999-12-31", async () => {
      const user = await d.addUser("Undated");
      const t = await d.createTask(user, input({ title: "Stretch", recurrence: "daily" }));
      // In Los Angeles on Nov 24 it is already Nov 25 in UTC: the next one is the user's tomorrow.
      await d.toggleTask(user, t.id, { today: "2026-11-24" });
      expect((await d.listTasks(user, query({ status: "active" }))).tasks.map((x) => x.dueDate)).toEqual(["2026-11-25"]);

      const last = await d.createTask(user, input({ title: "Far away", recurrence: "weekly", dueDate: "9999-12-31" }));
      expect(await d.setCompleted(user, last.id, true)).toMatchObject({ completed: true });
      expect((await d.listTasks(user, query({ q: "Far away" }))).tasks).toHaveLength(1);
    });

    it("creates the next occurrence once when a recurring task is completed", async () => {
      const user = await d.addUser("Recur");
      const t = await d.createTask(user, input({ title: "Water plants", recurrence: "weekly", dueDate: TODAY, tags: ["home"], priority: "high" }));
      await d.setCompleted(user, t.id, true, { today: TODAY });
      let list = (await d.listTasks(user, query({ status: "active" }))).tasks;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ title: "Water plants", dueDate: "2026-12-01", recurrence: "weekly", tags: ["home"], priority: "high", completed: false });
      // Un-completing and completing again must not create a second copy.
      await d.setCompleted(user, t.id, false);
      await d.setCompleted(user, t.id, true, { today: TODAY });
      list = (await d.listTasks(user, query({ status: "active" }))).tasks;
      expect(list).toHaveLength(1);
    });

    it("un-completing removes the next occurrence the completion created, unless it was changed or done since", async () => {
      const user = await d.addUser("Untick");
      const open = async () => (await d.listTasks(user, query({ status: "active" }))).tasks.map((x) => [x.title, x.dueDate]);
      const t = await d.createTask(user, input({ title: "Stretch", recurrence: "daily", dueDate: TODAY }));
      await d.setCompleted(user, t.id, true, { today: TODAY });
      expect(await open()).toEqual([["Stretch", "2026-11-25"]]);
      await d.setCompleted(user, t.id, false, { today: TODAY });
      expect(await open()).toEqual([["Stretch", TODAY]]); // one open copy, as before the tick
      expect((await d.countTasks(user)).total).toBe(1);

      // Ticked again: a new next occurrence, which the user then edits; unticking keeps it.
      await d.setCompleted(user, t.id, true, { today: TODAY });
      const next = (await d.listTasks(user, query({ status: "active" }))).tasks[0]!;
      await d.updateTask(user, next.id, { title: "Stretch longer" });
      await d.setCompleted(user, t.id, false, { today: TODAY });
      expect(await open()).toEqual(expect.arrayContaining([["Stretch", TODAY], ["Stretch longer", "2026-11-25"]]));
      // It is still the series' next one: ticking again adds no third copy.
      await d.setCompleted(user, t.id, true, { today: TODAY });
      expect((await d.countTasks(user)).total).toBe(2);

      // A next occurrence already done stays too.
      const w = await d.createTask(user, input({ title: "Weekly review", recurrence: "weekly", dueDate: TODAY }));
      await d.toggleTask(user, w.id, { today: TODAY });
      const created = (await d.listTasks(user, query({ status: "active", q: "Weekly" }))).tasks[0]!;
      await d.setCompleted(user, created.id, true, { today: TODAY });
      await d.toggleTask(user, w.id, { today: TODAY });
      const weekly = (await d.listTasks(user, query({ q: "Weekly" }))).tasks.map((x) => [x.dueDate, x.completed]);
      expect(weekly).toEqual(expect.arrayContaining([[TODAY, false], ["2026-12-01", true], ["2026-12-08", false]]));
      expect(weekly).toHaveLength(3);
    });

    it("a repeating task created already completed schedules its next one", async () => {
      const user = await d.addUser("Created done");
      const t = await d.createTask(user, input({ title: "Logged run", recurrence: "weekly", dueDate: "2026-12-01", completed: true }), { today: TODAY });
      expect(t).toMatchObject({ completed: true, recurrence: "weekly" });
      expect(t.completedAt).not.toBeNull();
      const open = (await d.listTasks(user, query({ status: "active" }))).tasks;
      expect(open.map((x) => [x.title, x.dueDate])).toEqual([["Logged run", "2026-12-08"]]);
    });

    it("complete-all uses the caller's today for undated repeating tasks", async () => {
      const user = await d.addUser("Bulk today");
      await d.createTask(user, input({ title: "Undated weekly", recurrence: "weekly" }));
      expect(await d.completeAll(user, { today: "2026-11-30" })).toBe(1);
      expect((await d.listTasks(user, query({ status: "active" }))).tasks.map((t) => t.dueDate)).toEqual(["2026-12-07"]);
    });

    it("complete-all rolls recurring tasks forward and clear-completed removes only completed ones", async () => {
      const user = await d.addUser("Bulk");
      await d.createTask(user, input({ title: "Plain" }));
      await d.createTask(user, input({ title: "Daily", recurrence: "daily", dueDate: TODAY }));
      expect(await d.completeAll(user, { today: TODAY })).toBe(2);
      expect(await d.countTasks(user)).toEqual({ total: 3, active: 1, completed: 2 });
      expect(await d.clearCompleted(user)).toBe(2);
      const left = (await d.listTasks(user, query())).tasks;
      expect(left.map((t) => [t.title, t.dueDate])).toEqual([["Daily", "2026-11-25"]]);
    });
  });

  describe("one user's writes at the same time (on Postgres, truly side by side)", () => {
    it("complete-all, completing repeating tasks and tag edits never deadlock or fail", async () => {
      const user = await d.addUser("Busy");
      const failures: unknown[] = [];
      for (let round = 0; round < 12; round++) {
        await d.createTask(user, input({ title: "Plain", tags: ["a"] }));
        const repeating = await Promise.all(
          [1, 2, 3].map((n) => d.createTask(user, input({ title: `Repeat ${n}`, recurrence: "weekly", dueDate: "2030-01-01", tags: ["a"] }))),
        );
        const other = await d.createTask(user, input({ title: "Other" }));
        const results = await Promise.allSettled([
          d.completeAll(user),
          d.setCompleted(user, repeating[1]!.id, true),
          d.updateTask(user, repeating[2]!.id, { completed: true, tags: ["b"] }),
          d.updateTask(user, other.id, { tags: ["a", "b"] }),
          d.createTask(user, input({ title: "New", tags: ["b", "a"] })),
          d.deleteTask(user, other.id),
        ]);
        failures.push(...results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason));
      }
      expect(failures).toEqual([]);
      // The counters the triggers keep still agree with the rows.
      const all = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<Domain["listTasks"]>> = await d.listTasks(user, { ...query(cursor ? { cursor } : {}), limit: 100 });
        all.push(...page.tasks);
        cursor = page.nextCursor;
      } while (cursor);
      expect((await d.countTasks(user)).total).toBe(all.length);
      const tags: Record<string, number> = {};
      for (const t of all) for (const tag of t.tags) tags[tag] = (tags[tag] ?? 0) + 1;
      expect(await d.tagCounts(user)).toEqual(tags);
    });

    it("writes that arrive after the account was deleted change nothing: a create says the owner is gone", async () => {
      const user = await d.addUser("Gone");
      const t = await d.createTask(user, input({ title: "Left behind", recurrence: "daily" }));
      await d.deleteUser(user);
      await expect(d.createTask(user, input({ title: "Too late" }))).rejects.toBeInstanceOf(d.OwnerGoneError);
      expect(await d.setCompleted(user, t.id, true)).toBeNull();
      expect(await d.deleteTask(user, t.id)).toBe(false);
      expect(await d.completeAll(user)).toBe(0);
      expect(await d.clearCompleted(user)).toBe(0);
      expect(await d.countRows(user)).toBe(0);
    });

    it("an account deleted while its tasks are being written is deleted whole; late writes find it gone", async () => {
      for (let round = 0; round < 8; round++) {
        const user = await d.addUser("Leaving");
        const tasks = await Promise.all([1, 2, 3].map((n) => d.createTask(user, input({ title: `Repeat ${n}`, recurrence: "daily", dueDate: "2030-01-01" }))));
        const [deleted, ...writes] = await Promise.allSettled([
          d.deleteUser(user),
          d.completeAll(user),
          d.setCompleted(user, tasks[0]!.id, true),
          d.createTask(user, input({ title: "Late" })),
        ]);
        expect(deleted.status).toBe("fulfilled");
        for (const write of writes) {
          if (write.status === "rejected") expect(write.reason).toBeInstanceOf(d.OwnerGoneError);
        }
        expect(await d.countRows(user)).toBe(0);
        expect((await d.listTasks(user, query())).tasks).toEqual([]);
      }
    });
  });
});

describe("the embedded database (PGlite)", () => {
  it("runs with 16 MB of shared buffers, not Postgres's 128 MB", async () => {
    // Its buffers live in PGlite's WASM memory, which never shrinks: they are the server's RSS.
    const pglite = await loadDomain("pglite");
    try {
      expect(await pglite.setting("shared_buffers")).toBe("16MB");
    } finally {
      await pglite.close();
    }
  });
});

describe("task input validation", () => {
  const errors = (value: Record<string, unknown>) => {
    const r = taskInputSchema.safeParse(value);
    return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
  };
  it("rejects empty, whitespace-only and over-long titles", () => {
    expect(errors({ title: "" }).title).toBe("Enter a title");
    expect(errors({ title: "   " }).title).toBe("Enter a title");
    expect(errors({ title: "x".repeat(201) }).title).toMatch(/at most 200/);
    expect(errors({ title: "x".repeat(200) })).toEqual({});
  });
  it("limits descriptions, tags, priorities, dates and recurrence", () => {
    expect(errors({ title: "t", description: "d".repeat(1001) }).description).toMatch(/at most 1000/);
    expect(errors({ title: "t", tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }).tags).toMatch(/At most 10/);
    expect(errors({ title: "t", tags: ["x".repeat(31)] }).tags).toMatch(/at most 30/);
    expect(errors({ title: "t", priority: "urgent" }).priority).toMatch(/low, medium or high/);
    expect(errors({ title: "t", dueDate: "2026-02-30" }).dueDate).toMatch(/real date/);
    expect(errors({ title: "t", dueDate: "tomorrow" }).dueDate).toMatch(/real date/);
    // Postgres has no year 0000, and Date.UTC reads years below 100 as 19xx.
    expect(errors({ title: "t", dueDate: "0000-01-01" }).dueDate).toMatch(/real date/);
    expect(errors({ title: "t", dueDate: "0050-01-15" }).dueDate).toMatch(/real date/);
    expect(errors({ title: "t", dueDate: "9999-12-31" }).dueDate).toBeUndefined();
    expect(errors({ title: "t", recurrence: "hourly" }).recurrence).toMatch(/daily, weekly, monthly/);
  });
  it("reads form values: comma-separated tags, empty strings as nothing, checkbox values", () => {
    expect(taskInputSchema.parse({ title: "t", tags: "Work, home,,work", description: "", dueDate: "", recurrence: "", completed: "true" })).toEqual({
      title: "t", tags: ["work", "home"], description: null, dueDate: null, recurrence: null, completed: true, priority: "medium",
    });
  });
});
