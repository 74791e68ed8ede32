// Lighthouse for `npm run bench`, in its own process (a Chrome crash or a Lighthouse error
// must not take the benchmark down with it).
//
//   node bench/lighthouse.mjs '<json spec>'
//   spec: { pages: [{ name, url, headers? }], port, chromePath?, preset?: "mobile" | "desktop" }
//
// Launches the OS Chromium through chrome-launcher and audits each page with Lighthouse's
// default config (mobile form factor, simulated throttling) or its desktop config; prints
// one JSON line: { pages: [{ name, url, finalUrl, scores: {performance, accessibility,
// "best-practices"}, metrics: {...}, failed? }] } or { error }.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import { chromiumArgs } from "../tests/chromium.mjs";

const spec = JSON.parse(process.argv[2]);
const FLAGS = ["--headless=new", ...chromiumArgs];

const METRICS = {
  "first-contentful-paint": "fcpMs",
  "largest-contentful-paint": "lcpMs",
  "total-blocking-time": "tbtMs",
  "cumulative-layout-shift": "cls",
  "speed-index": "speedIndexMs",
  "interactive": "ttiMs",
  "total-byte-weight": "totalBytes",
};

let chrome;
const out = { pages: [] };
try {
  chrome = await chromeLauncher.launch({
    chromePath: spec.chromePath ?? "/usr/bin/chromium",
    chromeFlags: FLAGS,
    port: spec.port,
    logLevel: "silent",
  });
  out.chrome = (await (await fetch(`http://127.0.0.1:${chrome.port}/json/version`)).json()).Browser;
  for (const page of spec.pages) {
    try {
      const result = await lighthouse(
        page.url,
        {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: ["performance", "accessibility", "best-practices"],
          extraHeaders: page.headers,
        },
        spec.preset === "desktop" ? desktopConfig : undefined,
      );
      const lhr = result.lhr;
      const scores = {};
      for (const [id, category] of Object.entries(lhr.categories)) {
        scores[id] = category.score === null ? null : Math.round(category.score * 100);
      }
      const metrics = {};
      for (const [audit, key] of Object.entries(METRICS)) {
        const value = lhr.audits[audit]?.numericValue;
        if (value !== undefined) metrics[key] = key === "cls" ? Number(value.toFixed(3)) : Math.round(value);
      }
      // What cost points: every audit in the three categories that scored below 1.
      const failing = [];
      for (const category of Object.values(lhr.categories)) {
        for (const ref of category.auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) {
            const items = (audit.details?.items ?? []).slice(0, 3).map((item) => JSON.stringify(item).slice(0, 300));
            failing.push({ category: category.id, id: ref.id, score: audit.score, title: audit.title, displayValue: audit.displayValue, items });
          }
        }
      }
      out.pages.push({
        name: page.name,
        url: page.url,
        finalUrl: lhr.finalDisplayedUrl,
        lighthouseVersion: lhr.lighthouseVersion,
        formFactor: lhr.configSettings.formFactor,
        throttling: lhr.configSettings.throttlingMethod,
        scores,
        metrics,
        failing,
        runWarnings: lhr.runWarnings,
        runtimeError: lhr.runtimeError?.message,
      });
    } catch (error) {
      out.pages.push({ name: page.name, url: page.url, failed: String(error?.stack ?? error) });
    }
  }
} catch (error) {
  out.error = String(error?.stack ?? error);
} finally {
  try {
    await chrome?.kill();
  } catch {
    // already gone
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
process.exit(0);
