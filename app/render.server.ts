import { PassThrough } from "node:stream";
import type { ReactElement } from "react";
import type { EntryContext } from "@remix-run/node";
import { renderToPipeableStream, renderToString } from "react-dom/server";

type RenderOptions = {
  nonce: string;
  /** A render still waiting after this long is aborted (what is pending renders on the client). */
  timeoutMs: number;
  /** A component threw while rendering; the page still completes. */
  onError: (error: unknown) => void;
};

/**
 * Renders a whole document into one Buffer, waiting for every Suspense boundary (renderDocument
 * falls back to it when something suspends). Streaming would only cut the page into hundreds
 * of small writes, each one a separate trip through compression (the bench profile showed
 * ~16% of a page's CPU there). Rejects when even the shell fails, so the caller can answer
 * with its error page.
 */
export function renderToBuffer(element: ReactElement, { nonce, timeoutMs, onError }: RenderOptions): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    // Cleared as soon as the render settles: a pending timer keeps React's whole request (the
    // tree, every output chunk) reachable for its full delay, which under load held ~60 MB of
    // finished pages (~790 of them at 150 pages/s for 5 s).
    let abortTimer: ReturnType<typeof setTimeout> | undefined;
    const { pipe, abort } = renderToPipeableStream(element, {
      nonce,
      onAllReady() {
        const chunks: Buffer[] = [];
        const body = new PassThrough();
        body.on("data", (chunk: Buffer) => chunks.push(chunk));
        body.on("end", () => {
          clearTimeout(abortTimer);
          resolve(Buffer.concat(chunks));
        });
        pipe(body);
      },
      onShellError(error: unknown) {
        clearTimeout(abortTimer);
        reject(error);
      },
      onError,
    });
    abortTimer = setTimeout(abort, timeoutMs);
  });
}

type Handoff = Pick<EntryContext, "serverHandoffStream" | "renderMeta">;

/**
 * Renders a whole document into one string with React's synchronous renderToString, which
 * builds its output by string concatenation: renderToPipeableStream spent ~20% of a page's
 * CPU encoding each of the page's ~5 000 small string pieces into 2 KB byte chunks.
 *
 * With single fetch, Remix sends the loader data through a Suspense boundary that reads
 * `serverHandoffStream` piece by piece, which renderToString cannot wait for. So the stream is
 * read to its end first (Remix settles pending data within `streamTimeout`; past timeoutMs
 * the read gives up) and handed to Remix's per-render cache (`renderMeta.streamCache`, typed
 * in EntryContext) as one piece already read; the boundary then renders at once.
 *
 * If anything still suspends (a lazy component, deferred data) or throws, renderToString
 * would leave it to the browser or fail, so the page is rendered again with renderToBuffer,
 * which waits, and reports and rejects what cannot render.
 */
export async function renderDocument(context: Handoff, element: ReactElement, options: RenderOptions): Promise<Buffer<ArrayBuffer>> {
  const handoff = context.serverHandoffStream && context.renderMeta ? await readToEnd(context.serverHandoffStream, options.timeoutMs) : undefined;
  const prepare = () => {
    if (handoff === undefined || !context.renderMeta) return;
    context.renderMeta.streamCache = { 0: Object.assign(Promise.resolve(), { result: { done: true, value: handoff } }) };
    // Remix takes a reader of this stream on every render (and keeps it); what it would read
    // is in the cache, so each render gets a fresh, already-ended stream.
    context.serverHandoffStream = new ReadableStream({ start: (controller) => controller.close() });
  };
  prepare();
  let html: string | undefined;
  try {
    html = renderToString(element);
  } catch {
    // A component that threw, or suspended outside any boundary: left to the renderer below,
    // which reports (onError) and rejects if the page really cannot render.
  }
  // React marks a boundary it could not finish on the server with <!--$!-->.
  if (html === undefined || html.includes("<!--$!-->")) {
    prepare();
    return renderToBuffer(element, options);
  }
  // renderToPipeableStream writes the doctype itself; renderToString does not.
  return Buffer.from(`<!DOCTYPE html>${html}`) as Buffer<ArrayBuffer>;
}

/** The loader data, read to its end; rejects after timeoutMs (Remix stops its own timer when the client leaves). */
async function readToEnd(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel(); // ends the pending read, as if the data were complete: hence the flag
  }, timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw new Error(`The page's data took longer than ${timeoutMs} ms`);
  return text + decoder.decode();
}
