// The OS Chromium and the flags it needs on these machines (no sandbox as root; no
// background connections, which the closed network refuses), shared by Playwright,
// its browser check and the benchmark's Lighthouse run.
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];
