import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    // Playwright specs live in tests/e2e and are run by `playwright test`, not vitest.
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Builds the app when build/ is missing or stale; the HTTP suites run the built server.
    globalSetup: ["tests/helpers/global-setup.ts"],
  },
});
