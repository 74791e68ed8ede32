import { describe, expect, it } from "vitest";
import { dueState, formatDue } from "~/components/task-item";

describe("due dates on task rows", () => {
  it("are written as Intl's English short dates, for every day of seven years", () => {
    const intl = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
    for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2031, 0, 1); day += 86_400_000) {
      const date = new Date(day);
      expect(formatDue(date.toISOString().slice(0, 10))).toBe(intl.format(date));
    }
  });

  it("stand out when overdue or due today, until the task is done", () => {
    expect(dueState({ dueDate: "2030-01-01", completed: false }, "2030-01-02")).toBe("overdue");
    expect(dueState({ dueDate: "2030-01-02", completed: false }, "2030-01-02")).toBe("today");
    expect(dueState({ dueDate: "2030-01-03", completed: false }, "2030-01-02")).toBeNull();
    expect(dueState({ dueDate: "2030-01-01", completed: true }, "2030-01-02")).toBeNull();
    expect(dueState({ dueDate: null, completed: false }, "2030-01-02")).toBeNull();
  });
});
