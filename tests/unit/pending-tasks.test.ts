import { describe, expect, it } from "vitest";
import { pendingTasks, type PendingFetcher } from "~/pending-tasks";

const open = { id: "a", completed: false, recurrence: null };
const done = { id: "b", completed: true, recurrence: null };
const repeating = { id: "r", completed: false, recurrence: "daily" as const };
const list = [open, done, repeating];

function fetcher(fields: Record<string, string>, state: PendingFetcher["state"] = "submitting", data?: unknown): PendingFetcher {
  const formData = new FormData();
  for (const [name, value] of Object.entries(fields)) formData.set(name, value);
  return { key: Math.random().toString(36), state, formData, data };
}

describe("the optimistic counters and rows on /tasks", () => {
  it("counts nothing when no request is in flight", () => {
    expect(pendingTasks([], list)).toEqual({ creates: [], activeDelta: 0, completedDelta: 0, toggling: new Map(), deleting: new Set() });
    expect(pendingTasks([{ key: "k", state: "idle" }], list)).toEqual({ creates: [], activeDelta: 0, completedDelta: 0, toggling: new Map(), deleting: new Set() });
  });

  it("a toggle moves the counter the way it asks, once", () => {
    expect(pendingTasks([fetcher({ intent: "toggle", id: "a", completed: "true" })], list).activeDelta).toBe(-1);
    expect(pendingTasks([fetcher({ intent: "toggle", id: "b", completed: "false" })], list).activeDelta).toBe(1);
  });

  it("a toggle the loader already shows (the revalidation landed) no longer counts", () => {
    expect(pendingTasks([fetcher({ intent: "toggle", id: "b", completed: "true" }, "loading")], list).activeDelta).toBe(0);
  });

  it("completing a repeating task leaves the count alone: its next one is scheduled", () => {
    expect(pendingTasks([fetcher({ intent: "toggle", id: "r", completed: "true" })], list).activeDelta).toBe(0);
    // Once the loader shows it completed, its next one is in the list and counted already.
    const landed = [open, done, { ...repeating, completed: true }, { id: "r2", completed: false, recurrence: "daily" as const }];
    expect(pendingTasks([fetcher({ intent: "toggle", id: "r", completed: "true" }, "loading")], landed)).toMatchObject({ activeDelta: 0, completedDelta: 0 });
  });

  it("deleting an open task counts down; deleting a completed one does not", () => {
    expect(pendingTasks([fetcher({ intent: "delete", id: "a" })], list).activeDelta).toBe(-1);
    expect(pendingTasks([fetcher({ intent: "delete", id: "b" })], list).activeDelta).toBe(0);
  });

  it("a task not in the list (another tab deleted it) counts nothing", () => {
    expect(pendingTasks([fetcher({ intent: "toggle", id: "gone", completed: "true" })], list).activeDelta).toBe(0);
  });

  it("a create shows a saving row and counts up until the list shows the real task", () => {
    const sending = fetcher({ intent: "create", title: "  Milk " });
    expect(pendingTasks([sending], list)).toEqual({ creates: [{ key: sending.key, title: "Milk" }], activeDelta: 1, completedDelta: 0, toggling: new Map(), deleting: new Set() });
    // The action answered and the list is revalidating: still pending, no gap in the list.
    const revalidating = fetcher({ intent: "create", title: "Milk" }, "loading", { ok: true, task: { id: "new" } });
    expect(pendingTasks([revalidating], list).creates).toHaveLength(1);
    expect(pendingTasks([revalidating], [...list, { id: "new", completed: false, recurrence: null }])).toEqual({ creates: [], activeDelta: 0, completedDelta: 0, toggling: new Map(), deleting: new Set() });
  });

  it("two creates in flight show newest first, the order the list puts them in once saved", () => {
    const first = fetcher({ intent: "create", title: "First" });
    const second = fetcher({ intent: "create", title: "Second" });
    expect(pendingTasks([first, second], list).creates.map((c) => c.title)).toEqual(["Second", "First"]);
  });

  it("a refused or empty create is not a task", () => {
    expect(pendingTasks([fetcher({ intent: "create", title: "x" }, "loading", { ok: false })], list)).toEqual({ creates: [], activeDelta: 0, completedDelta: 0, toggling: new Map(), deleting: new Set() });
    expect(pendingTasks([fetcher({ intent: "create", title: "   " })], list)).toEqual({ creates: [], activeDelta: 0, completedDelta: 0, toggling: new Map(), deleting: new Set() });
  });

  it("a task toggled and then deleted while both are in flight counts once", () => {
    const fetchers = [fetcher({ intent: "toggle", id: "a", completed: "true" }), fetcher({ intent: "delete", id: "a" })];
    expect(pendingTasks(fetchers, list).activeDelta).toBe(-1);
    expect(pendingTasks(fetchers.reverse(), list).activeDelta).toBe(-1);
  });

  it("adds up several requests in flight", () => {
    const fetchers = [
      fetcher({ intent: "toggle", id: "a", completed: "true" }),
      fetcher({ intent: "toggle", id: "b", completed: "false" }),
      fetcher({ intent: "delete", id: "r" }),
      fetcher({ intent: "create", title: "New" }),
    ];
    // -1 (a done) +1 (b reopened) -1 (r deleted) +1 (New)
    expect(pendingTasks(fetchers, list).activeDelta).toBe(0);
  });

  it("the completed count follows toggles and deletes, so Clear completed agrees with the rows", () => {
    expect(pendingTasks([fetcher({ intent: "toggle", id: "a", completed: "true" })], list).completedDelta).toBe(1);
    expect(pendingTasks([fetcher({ intent: "toggle", id: "b", completed: "false" })], list).completedDelta).toBe(-1);
    // A completed repeating task stays completed; its next one is a new, open task.
    expect(pendingTasks([fetcher({ intent: "toggle", id: "r", completed: "true" })], list).completedDelta).toBe(1);
    expect(pendingTasks([fetcher({ intent: "delete", id: "b" })], list).completedDelta).toBe(-1);
    expect(pendingTasks([fetcher({ intent: "delete", id: "a" })], list).completedDelta).toBe(0);
    expect(pendingTasks([fetcher({ intent: "create", title: "New" })], list).completedDelta).toBe(0);
  });

  it("a task completed and then deleted while both are in flight is not counted as completed", () => {
    const fetchers = [fetcher({ intent: "toggle", id: "a", completed: "true" }), fetcher({ intent: "delete", id: "a" })];
    expect(pendingTasks(fetchers, list).completedDelta).toBe(0);
    expect(pendingTasks([fetcher({ intent: "toggle", id: "b", completed: "true" }, "loading")], list).completedDelta).toBe(0);
  });

  it("each row shows the state its toggle asks for, and hides while its delete is on its way", () => {
    const fetchers = [
      fetcher({ intent: "toggle", id: "a", completed: "true" }),
      fetcher({ intent: "toggle", id: "b", completed: "false" }, "loading"),
      fetcher({ intent: "delete", id: "r" }),
    ];
    const { toggling, deleting } = pendingTasks(fetchers, list);
    expect(toggling).toEqual(new Map([["a", true], ["b", false]]));
    expect(deleting).toEqual(new Set(["r"]));
  });

  it("a finished or failed request leaves its row as the loader has it", () => {
    // An idle fetcher has dropped its form data: nothing is pending, so a refusal rolls back.
    const { toggling, deleting } = pendingTasks([{ key: "toggle:a", state: "idle", data: { ok: false } }], list);
    expect(toggling.size).toBe(0);
    expect(deleting.size).toBe(0);
  });
});
