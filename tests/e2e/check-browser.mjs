// Playwright drives the OS Chromium. Without it the e2e suite cannot run: say so and fail,
// never skip quietly.
import { existsSync } from "node:fs";
import { chromiumPath as executable } from "../chromium.mjs";

if (!existsSync(executable)) {
  console.error(
    `Chromium not found at ${executable}. The end-to-end tests need it.\n` +
      `Install it with:  apt-get update && apt-get install -y chromium\n` +
      `or point CHROMIUM_PATH at an existing Chromium/Chrome executable.`,
  );
  process.exit(1);
}
