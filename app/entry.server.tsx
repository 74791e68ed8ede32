import { randomBytes } from "node:crypto";
import type { EntryContext, HandleDataRequestFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { apiNotFound, isApiPath } from "~/api.server";
import { encodeBody } from "~/compression.server";
import { setSecurityHeaders } from "~/headers.server";

// server.mjs waits for mail on its way and closes the database through these on SIGTERM,
// after requests in flight finish, and answers the JSON API through the others without
// Express or Remix's router.
export { closeDb } from "~/db.server";
export { drainMail } from "~/mail.server";
export { handleApiRequest } from "~/api-routes.server";
export { isApiPath } from "~/api-paths";
export { encodeBody, negotiateEncoding } from "~/compression.server";
// server.mjs listens where the parsed environment says (an empty PORT= means 3000 there too).
export { env } from "~/env.server";
import { concurrencyLimit } from "~/concurrency";
import { describeError, log, whereThrown } from "~/log.server";
import { NonceProvider } from "~/nonce";
import { renderDocument } from "~/render.server";

const ABORT_DELAY = 5_000;

// Rendering is CPU work on the one JavaScript thread: many pages rendering at once only
// slow each other down (the benchmark's GET /tasks: 148 pages/s at 4 connections, 117 at 32,
// CPU per page 8.1 → 12.5 ms, when renders were streamed). Two pages are rendered and
// compressed at once, the others wait their turn; loaders (the database) still run concurrently.
const renderSlots = concurrencyLimit(2);

export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const nonce = randomBytes(16).toString("base64");
  return renderSlots.run(async () => {
    const html = await renderDocument(
      remixContext,
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        timeoutMs: ABORT_DELAY,
        onError(error) {
          responseStatusCode = 500;
          log.error("render.failed", { message: describeError(error) });
        },
      },
    );
    responseHeaders.set("Content-Type", "text/html; charset=utf-8");
    setSecurityHeaders(responseHeaders, nonce);
    // Compressed here, in one piece off the event loop, rather than by server.mjs's
    // compression stream, which then leaves the encoded body alone.
    const { body, encoding, varies } = await encodeBody(html, request.headers.get("accept-encoding"), ["br", "gzip"]);
    if (varies) responseHeaders.append("Vary", "Accept-Encoding");
    if (encoding) responseHeaders.set("Content-Encoding", encoding);
    return new Response(body, { headers: responseHeaders, status: responseStatusCode });
  });
}

export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  // Remix's data URLs (/api/tasks.data, ?_data=) are not part of the JSON API: answer them
  // like any unknown API path instead of with Remix's own encoding.
  const pathname = new URL(request.url).pathname.replace(/\.data$/, "");
  if (isApiPath(pathname)) return apiNotFound(request);
  setSecurityHeaders(response.headers);
  return response;
};

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // Logged for us (message and where), never sent to the browser.
  log.error("request.failed", {
    method: request.method,
    path: new URL(request.url).pathname,
    message: describeError(error),
    stack: whereThrown(error),
  });
}
