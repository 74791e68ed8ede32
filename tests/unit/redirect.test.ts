import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/redirect";

describe("safeRedirect", () => {
  it.each([
    ["/tasks", "/tasks"],
    ["/settings", "/settings"],
    ["/tasks?status=active&q=milk", "/tasks?status=active&q=milk"],
    ["/tasks/abc123#notes", "/tasks/abc123#notes"],
    ["/tasks?q=a%20b%2Fc", "/tasks?q=a%20b%2Fc"],
    ["/", "/"],
  ])("keeps the same-site path %j", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  it.each([
    "//evil.com",
    "//evil.com/tasks",
    "///evil.com",
    "https://evil.com",
    "http://localhost:3000/tasks",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "\\/evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    " //evil.com",
    "evil.com",
    "tasks",
    "./tasks",
    "../tasks",
    "",
    // Dot segments that a URL parser folds into a protocol-relative "//host".
    "/.//evil.com",
    "/..//evil.com",
    "/a/../..//evil.com",
    "/%2e/%2fevil.com".replace("%2f", "/"),
  ])("refuses %j and falls back", (input) => {
    expect(safeRedirect(input)).toBe("/tasks");
  });

  it("never returns something a browser reads as another host", () => {
    const tricky = ["/.//evil.com", "/%2e//evil.com", "/%2E%2E//evil.com", "/./\\evil.com", "/x/..//evil.com/?a=b"];
    for (const input of tricky) {
      const result = safeRedirect(input);
      expect(new URL(result, "https://tasklane.example").origin, input).toBe("https://tasklane.example");
      expect(result.startsWith("//"), input).toBe(false);
    }
  });

  it("keeps encoded slashes encoded instead of decoding them into a host", () => {
    const result = safeRedirect("/%2F%2Fevil.com");
    expect(result).toBe("/%2F%2Fevil.com");
    expect(new URL(result, "https://tasklane.example").host).toBe("tasklane.example");
  });

  it("falls back for missing, non-string and absurdly long values", () => {
    expect(safeRedirect(null)).toBe("/tasks");
    expect(safeRedirect(undefined)).toBe("/tasks");
    expect(safeRedirect(new File(["x"], "x.txt"))).toBe("/tasks");
    expect(safeRedirect("/" + "a".repeat(3000))).toBe("/tasks");
  });

  it("uses the fallback it is given", () => {
    expect(safeRedirect("//evil.com", "/settings")).toBe("/settings");
    expect(safeRedirect("https://evil.com", "")).toBe("");
  });
});
