import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./tests/chromium.mjs";
import { BASE_URL, E2E_DATA_DIR, E2E_PORT } from "./tests/e2e/env";

// Every spec runs twice: with JavaScript (enhanced forms, pending states) and without
// (plain HTML forms). The browser is the OS Chromium, not a downloaded one.
export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? "line" : [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
  },
  projects: [
    { name: "js-on", use: { javaScriptEnabled: true } },
    // *.js-only.spec.ts files test what JavaScript adds (optimistic rows, rollbacks).
    { name: "js-off", use: { javaScriptEnabled: false }, testIgnore: /\.js-only\.spec\.ts$/ },
  ],
  webServer: {
    command: "node tests/e2e/serve.mjs",
    url: `${BASE_URL}/healthz`,
    env: { E2E_PORT: String(E2E_PORT), E2E_DATA_DIR },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
