// docs/api.md's curl walkthrough, run as written (only BASE and EMAIL changed) with bash
// and curl against the built server, so the documentation cannot drift from the API.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueEmail } from "../helpers/client";
import { backends, ROOT, startServer, type TestServer } from "../helpers/server";

function walkthroughScript(): string {
  const doc = readFileSync(path.join(ROOT, "docs/api.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Walkthrough with curl"), doc.indexOf("## Routes"));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  return blocks.join("\n");
}

describe.each(backends)("docs/api.md curl walkthrough (%s)", (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(backend);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("works as written: sign up, sign in, token, create, list, complete, delete, seed routes, sign out", () => {
    const script = walkthroughScript();
    expect(script).toContain("BASE=http://localhost:3000\n");
    expect(script).toContain("EMAIL=ada@example.com\n");
    const runnable = script
      .replace("BASE=http://localhost:3000\n", `BASE=${server.url}\n`)
      .replace("EMAIL=ada@example.com\n", `EMAIL=${uniqueEmail("walkthrough")}\n`);
    const output = execFileSync("bash", ["-c", runnable], { encoding: "utf8", timeout: 60_000 });
    const lines = output.trim().split("\n");
    // 0. account created
    expect(lines[0]).toBe("200");
    // 3. the created task
    const created = JSON.parse(lines[1]!);
    expect(created).toMatchObject({ title: "Try the Tasklane API", priority: "high", tags: ["api"], completed: false });
    // 4. the list holds it
    const list = JSON.parse(lines[2]!);
    expect(list.tasks.map((t: { id: string }) => t.id)).toEqual([created.id]);
    expect(list.nextCursor).toBeNull();
    // 5. completed
    expect(JSON.parse(lines[3]!)).toMatchObject({ id: created.id, completed: true });
    // 6. deleted, then gone
    expect(lines.slice(4, 6)).toEqual(["204", "404"]);
    // seed-compatible: created, listed, completed, deleted
    const seed = JSON.parse(lines[6]!);
    expect(Object.keys(seed).sort()).toEqual(["completed", "created_at", "description", "id", "title", "updated_at", "user_id"]);
    expect(JSON.parse(lines[7]!)).toEqual([seed]);
    expect(JSON.parse(lines[8]!)).toMatchObject({ id: seed.id, completed: true });
    expect(lines[9]).toBe("204");
    // 7. signed out: the token is refused
    expect(JSON.parse(lines[10]!)).toEqual({ success: true });
    expect(lines[11]).toBe("401");
    expect(lines).toHaveLength(12);
  });
});
