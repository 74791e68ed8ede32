import { afterEach, describe, expect, it, vi } from "vitest";
import { newSubmissionKey, once } from "~/submit-once.server";

describe("one-time form keys", () => {
  afterEach(() => vi.useRealTimers());

  it("runs the work once per user and key, and again after 10 minutes", async () => {
    vi.useFakeTimers();
    const key = newSubmissionKey();
    let runs = 0;
    const work = async () => ++runs;
    expect(await Promise.all([once("u1", key, work), once("u1", key, work)])).toEqual([1, 1]);
    expect(await once("u2", key, work)).toBe(2); // another user's is theirs
    vi.advanceTimersByTime(10 * 60_000 + 1);
    expect(await once("u1", key, work)).toBe(3);
  });

  it("forgets a key whose work failed, and runs work without a well-formed key every time", async () => {
    const key = newSubmissionKey();
    await expect(once("u1", key, () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await once("u1", key, async () => "retried")).toBe("retried");
    let runs = 0;
    for (const bad of [undefined, "", "short", "x".repeat(65), "has space in it", 42]) await once("u1", bad, async () => ++runs);
    expect(runs).toBe(6);
  });
});
