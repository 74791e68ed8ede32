import { createElement, lazy, Suspense } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderDocument, renderToBuffer } from "~/render.server";

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

/** The loader data as Remix hands it over: a byte stream, here cut mid-character on purpose. */
function handoff(text: string) {
  const bytes = new TextEncoder().encode(text);
  const cut = bytes.indexOf(0xc3) + 1;
  return {
    renders: 0,
    renderMeta: {} as NonNullable<import("@remix-run/node").EntryContext["renderMeta"]>,
    serverHandoffStream: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    }),
  };
}

/** Reads the data back as Remix's <Scripts> do: a reader per render, then the render cache. */
function DataScript({ context }: { context: ReturnType<typeof handoff> }) {
  context.renders++;
  context.serverHandoffStream.getReader();
  const cached = context.renderMeta.streamCache?.[0];
  if (!cached?.result) throw cached ?? new Promise(() => {});
  return createElement("script", null, `${cached.result.done ? "done" : "more"}:${cached.result.value}`);
}

describe("rendering a document in one synchronous pass", () => {
  it("reads the loader data to its end first, so the page renders without waiting", async () => {
    const context = handoff('{"title":"Crème brûlée"}');
    const element = page(createElement(Suspense, null, createElement(DataScript, { context })));
    const html = (await renderDocument(context, element, { nonce: "n", timeoutMs: 5_000, onError: () => {} })).toString();
    expect(html.startsWith("<!DOCTYPE html><html>")).toBe(true);
    expect(html).toContain('<script>done:{&quot;title&quot;:&quot;Crème brûlée&quot;}</script>');
    expect(html).not.toContain("<!--$!-->");
    expect(context.renders).toBe(1);
  });

  it("renders again, waiting, when a part of the page still suspends", async () => {
    const Late = lazy(async () => ({ default: () => createElement("p", null, "arrived late") }));
    const context = handoff("{}");
    const element = page(createElement("div", null, createElement(Suspense, null, createElement(DataScript, { context })), createElement(Suspense, { fallback: "…" }, createElement(Late))));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const html = (await renderDocument(context, element, { nonce: "n", timeoutMs: 5_000, onError: () => {} })).toString();
    expect(html).toContain("<p>arrived late</p>");
    expect(html).toContain("<script>done:{}</script>");
    vi.restoreAllMocks();
  });

  it("waits, as the streaming renderer did, for a component that suspends outside any boundary", async () => {
    const Late = lazy(async () => ({ default: () => createElement("p", null, "no boundary") }));
    const html = (await renderDocument(handoff("{}"), page(createElement(Late)), { nonce: "n", timeoutMs: 5_000, onError: () => {} })).toString();
    expect(html).toContain("<p>no boundary</p>");
  });

  it("gives up on loader data still coming after timeoutMs, rather than render half of it", async () => {
    const stream = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('{"partial"')) });
    const context = { renderMeta: {}, serverHandoffStream: stream };
    await expect(renderDocument(context, page(createElement("p", null, "x")), { nonce: "n", timeoutMs: 50, onError: () => {} })).rejects.toThrow("took longer than 50 ms");
  });

  it("reports a component that throws and rejects, so Remix can render its error boundary", async () => {
    const onError = vi.fn();
    await expect(renderDocument(handoff("{}"), page(createElement(Broken)), { nonce: "n", timeoutMs: 5_000, onError })).rejects.toThrow("broken component");
    expect(onError).toHaveBeenCalledOnce();
  });
});
