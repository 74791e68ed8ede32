import os from "node:os";
import path from "node:path";

// One place for the e2e server's address and data directory: the config starts the server
// with them, the specs read its outbox from the same directory.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_DATA_DIR = path.join(os.tmpdir(), `tasklane-e2e-${E2E_PORT}`);
