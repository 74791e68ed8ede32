// The JSON API's paths, in OpenAPI template syntax, and how a request path finds one. Kept
// free of server imports so tests can check the OpenAPI document against this list.

/** Every JSON API path (Better Auth's /api/auth/* aside). Earlier entries win a tie. */
export const API_PATHS = [
  "/api/openapi.json",
  "/api/tasks",
  "/api/tasks/{id}",
  "/api/{userId}/tasks",
  "/api/{userId}/tasks/{id}",
  "/api/{userId}/tasks/{id}/complete",
] as const;

export type ApiPath = (typeof API_PATHS)[number];
export type ApiParams = Partial<Record<"id" | "userId", string>>;

const compiled = API_PATHS.map((template) => ({ template, segments: template.slice(1).split("/") }));

/** Paths the JSON API answers: /api/* except Better Auth's /api/auth/*. */
export function isApiPath(pathname: string): boolean {
  return /^\/api(\/|\.|$)/.test(pathname) && !/^\/api\/auth(\/|$)/.test(pathname);
}

/**
 * The API path a request path names, with its parameters decoded; null for none. One
 * trailing slash is allowed; a segment with broken %-encoding matches nothing.
 */
export function matchApiPath(pathname: string): { template: ApiPath; params: ApiParams } | null {
  const parts = (pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname).slice(1).split("/");
  for (const { template, segments } of compiled) {
    if (segments.length !== parts.length) continue;
    const params: ApiParams = {};
    let matched = true;
    for (let i = 0; i < segments.length && matched; i++) {
      const segment = segments[i]!;
      const part = parts[i]!;
      if (segment.startsWith("{")) {
        const value = decodeSegment(part);
        if (value === null || value === "") matched = false;
        else params[segment.slice(1, -1) as keyof ApiParams] = value;
      } else {
        matched = segment === part;
      }
    }
    if (matched) return { template, params };
  }
  return null;
}

function decodeSegment(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}
