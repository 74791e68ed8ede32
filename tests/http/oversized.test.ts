// Forms and /api/auth/* refuse bodies past 64 KiB before Remix or Better Auth buffer them,
// and the client, still sending, reads the answer instead of a reset connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkedBody, pageText, signUp, type Client } from "../helpers/client";
import { backends, startServer, type TestServer } from "../helpers/server";

const LIMIT = 64 * 1024;

/** A urlencoded form of exactly `bytes` bytes: a title and a long description. */
function formOf(bytes: number): string {
  const head = "intent=create&title=Big&description=";
  return head + "x".repeat(bytes - head.length);
}

describe.each(backends)("oversized bodies (%s)", (backend) => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startServer(backend);
    client = (await signUp(server)).client;
  }, 120_000);
  afterAll(async () => server?.stop());

  const cookie = () => [...client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const postForm = (body: BodyInit, init: RequestInit = {}) =>
    fetch(`${server.url}/tasks`, {
      method: "POST",
      headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie() },
      body,
      redirect: "manual",
      ...init,
    } as RequestInit);
  const bigTasks = async () => (await (await client.get("/tasks?q=Big")).text()).match(/data-task-id=/g)?.length ?? 0;

  it("takes a form of exactly 64 KiB, and refuses one byte more with a 413 page, creating nothing", async () => {
    const exact = await postForm(formOf(LIMIT));
    expect(exact.status).toBe(400); // read and validated: the description is over 1000 characters
    expect(await pageText(exact)).toContain("Description");
    const over = await postForm(formOf(LIMIT + 1));
    expect(over.status).toBe(413);
    expect(over.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await pageText(over)).toContain("Tasklane accepts forms of up to 64 KiB. Nothing was changed.");
    expect(await bigTasks()).toBe(0);
  });

  it("refuses a form sent without a length (411), and the client reads the answer each time", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await postForm(chunkedBody("intent=create&title=", 10), { duplex: "half" } as RequestInit);
      expect(res.status).toBe(411);
      await res.arrayBuffer();
    }
  });

  it("answers /api/auth/* bodies past the limit with a 413 problem", async () => {
    const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { Origin: server.url, "Content-Type": "application/json" },
      body: JSON.stringify({ email: "a@example.com", password: "x".repeat(LIMIT) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 413, title: "Content Too Large" });
  });
});
