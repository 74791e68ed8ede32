import { data } from "@remix-run/node";
import { env } from "~/env.server";

function isTrustedOrigin(origin: string): boolean {
  return env.trustedOrigins.includes(origin);
}

/**
 * Refuses a form POST that another site made the browser send. Origin first; browsers
 * that send none (w3m and other text browsers) still send a Referer, which
 * Referrer-Policy keeps for same-origin requests; then Sec-Fetch-Site. None → refused.
 */
export function isSameSiteRequest(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") return isTrustedOrigin(origin);
  if (origin === "null") return false;
  const referer = request.headers.get("referer");
  if (referer) {
    try {
      return isTrustedOrigin(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return request.headers.get("sec-fetch-site") === "same-origin";
}

export function requireSameSite(request: Request): void {
  if (!isSameSiteRequest(request)) {
    throw data(
      {
        message:
          "This form was sent from another site, so Tasklane did not act on it. Go back to Tasklane and try again from there.",
      },
      { status: 403, statusText: "Cross-site request refused" },
    );
  }
}
