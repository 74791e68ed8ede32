// Playwright's web server: the built app under server.mjs (as `npm start` runs it) with a fresh, private DATA_DIR
// (PGlite), so every run starts from an empty database.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const port = process.env.E2E_PORT ?? "3100";
const dataDir = process.env.E2E_DATA_DIR;
if (!dataDir) {
  console.error("E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  process.exit(1);
}
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const root = fileURLToPath(new URL("../..", import.meta.url));
const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  DATA_DIR: dataDir,
  BETTER_AUTH_URL: `http://localhost:${port}`,
};
for (const name of ["DATABASE_URL", "BETTER_AUTH_SECRET", "SMTP_URL", "CLIENT_IP_HEADER", "HOST"]) delete env[name];

const child = spawn(
  process.execPath,
  [fileURLToPath(new URL("../../server.mjs", import.meta.url))],
  { cwd: root, env, stdio: "inherit" },
);
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
