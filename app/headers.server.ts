import { env } from "~/env.server";

/** Security headers for every HTML page and data response. */
export function setSecurityHeaders(headers: Headers, nonce?: string) {
  const script = nonce ? `'self' 'nonce-${nonce}'` : "'self'";
  headers.set(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src ${script}`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "object-src 'none'",
    ].join("; "),
  );
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  // Pages hold one user's tasks and toasts: no cache may keep them, the browser's included.
  // Kept, Back after signing out showed the signed-in list again (without JavaScript, where
  // nothing asks the server), old toasts and all (an exploratory review).
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "private, no-store");
  if (env.baseURL.startsWith("https://")) {
    headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
}

/**
 * The action of a route that only reads (the health checks): a plain 405 with Allow, where
 * Remix's default for a route without an action reads "Unexpected Server Error".
 */
export function onlyGetAndHead() {
  return new Response("Only GET and HEAD\n", {
    status: 405,
    headers: { Allow: "GET, HEAD", "Content-Type": "text/plain", "Cache-Control": "no-store" },
  });
}
