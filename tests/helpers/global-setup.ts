// The HTTP suites run the built server. `npm test` builds once before vitest; a bare
// `npx vitest` builds here when build/ is missing or older than the sources.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./server";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

export default function setup() {
  const build = path.join(ROOT, "build/server/index.js");
  const sources = Math.max(
    newestMtime(path.join(ROOT, "app")),
    newestMtime(path.join(ROOT, "drizzle")),
    statSync(path.join(ROOT, "vite.config.ts")).mtimeMs,
  );
  if (existsSync(build) && statSync(build).mtimeMs >= sources) return;
  console.log("[vitest] build/ is missing or stale: running `remix vite:build` first");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: ROOT,
    stdio: "inherit",
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build
    // (449 KB of script instead of 259 KB) for whatever runs build/ next.
    env: { ...process.env, NODE_ENV: "production" },
  });
}
