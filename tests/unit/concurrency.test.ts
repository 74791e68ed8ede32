import { describe, expect, it } from "vitest";
import { concurrencyLimit } from "~/concurrency";

describe("a concurrency limit (page renders take turns)", () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

  it("runs at most N at once, starts the rest in arrival order, and finishes them all", async () => {
    const slots = concurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        slots.run(async () => {
          started.push(i);
          peak = Math.max(peak, ++running);
          await tick();
          running--;
          return i * 10;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(slots.waiting).toBe(0);
  });

  it("frees the slot of a task that fails, and passes the failure on", async () => {
    const slots = concurrencyLimit(1);
    const failing = slots.run(async () => {
      await tick();
      throw new Error("render failed");
    });
    const next = slots.run(async () => "rendered");
    await expect(failing).rejects.toThrow("render failed");
    await expect(next).resolves.toBe("rendered");
  });
});
