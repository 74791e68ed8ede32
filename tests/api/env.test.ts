// API_RATE_LIMIT, the one setting the JSON API adds to the environment schema.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Importing env.server parses process.env at once: keep it away from ./data.
const scratch = mkdtempSync(path.join(os.tmpdir(), "tasklane-api-env-"));
process.env.DATA_DIR = path.join(scratch, "import");
delete process.env.DATABASE_URL;
const { parseEnv, EnvError } = await import("~/env.server");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const base = { DATA_DIR: scratch, BETTER_AUTH_SECRET: "s".repeat(32) };

describe("API_RATE_LIMIT", () => {
  it("defaults to 600 a minute, also when empty", () => {
    expect(parseEnv(base).apiRateLimit).toBe(600);
    expect(parseEnv({ ...base, API_RATE_LIMIT: "" }).apiRateLimit).toBe(600);
  });

  it("takes a whole number, 0 turning the limit off", () => {
    expect(parseEnv({ ...base, API_RATE_LIMIT: "0" }).apiRateLimit).toBe(0);
    expect(parseEnv({ ...base, API_RATE_LIMIT: " 1200 " }).apiRateLimit).toBe(1200);
  });

  it.each(["-1", "1.5", "lots", "1e9"])("refuses %s with one line naming the variable", (value) => {
    expect(() => parseEnv({ ...base, API_RATE_LIMIT: value })).toThrow(EnvError);
    expect(() => parseEnv({ ...base, API_RATE_LIMIT: value })).toThrow(/^Invalid environment variable API_RATE_LIMIT: [^\n]+$/);
  });
});
