import { createElement, Suspense } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderToBuffer } from "~/render.server";

const page = (body: ReturnType<typeof createElement>) =>
  createElement("html", null, createElement("head", null, createElement("title", null, "T")), createElement("body", null, body));

function Never(): never {
  throw new Promise(() => {});
}
function Broken(): never {
  throw new Error("broken component");
}

describe("rendering a page into one buffer", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("renders the whole document into one buffer", async () => {
    const rows = Array.from({ length: 500 }, (_, i) => createElement("li", { key: i }, `Task ${i}`));
    const html = (await renderToBuffer(page(createElement("ul", null, rows)), { nonce: "n0nce", timeoutMs: 5_000, onError: () => {} })).toString();
    expect(html.startsWith("<!DOCTYPE html><html>")).toBe(true);
    expect(html).toContain("<li>Task 0</li>");
    expect(html).toContain("<li>Task 499</li>");
    expect(html.endsWith("</body></html>")).toBe(true);
  });

  it("leaves no timer behind once the page is rendered, so nothing keeps the render alive", async () => {
    // A pending abort timer held React's request and every output chunk for its whole delay.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    await renderToBuffer(page(createElement("p", null, "done")), { nonce: "n", timeoutMs: 5_000, onError: () => {} });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives up on a render still waiting after timeoutMs, and says why", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    // React's development build warns about the aborted task; the assertions below say what matters.
    vi.spyOn(console, "error").mockImplementation(() => {});
    const onError = vi.fn();
    const rendered = renderToBuffer(page(createElement(Suspense, { fallback: createElement("p", null, "Loading") }, createElement(Never))), {
      nonce: "n",
      timeoutMs: 5_000,
      onError,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(5_000);
    const html = (await rendered).toString();
    expect(html).toContain("Loading");
    expect(onError).toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects when the page cannot render at all, and clears its timer", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const onError = vi.fn();
    await expect(renderToBuffer(page(createElement(Broken)), { nonce: "n", timeoutMs: 5_000, onError })).rejects.toThrow("broken component");
    expect(vi.getTimerCount()).toBe(0);
  });
});
