import { describe, expect, it } from "vitest";
import { NUL_MESSAGE, parseForm } from "~/forms";
import { taskInputSchema } from "~/tasks";

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

describe("reading a submitted form", () => {
  it("lists errors in the form's order, so focus goes to the first one on the page", () => {
    // The schema checks tags before dueDate; the page shows Due date first.
    const result = parseForm(taskInputSchema, form([["title", "t"], ["dueDate", "2026-02-30"], ["tags", "x".repeat(31)]]));
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(Object.keys(result.fieldErrors)).toEqual(["dueDate", "tags"]);
    const reversed = parseForm(taskInputSchema, form([["tags", "x".repeat(31)], ["title", ""], ["dueDate", "2026-02-30"]]));
    expect(!reversed.success && Object.keys(reversed.fieldErrors)).toEqual(["tags", "title", "dueDate"]);
  });

  it("refuses a field holding NUL, which Postgres cannot store, whatever the schema says", () => {
    const result = parseForm(taskInputSchema, form([["title", "a\u0000b"], ["description", "fine"]]));
    expect(result).toEqual({ success: false, fieldErrors: { title: NUL_MESSAGE } });
  });
});
