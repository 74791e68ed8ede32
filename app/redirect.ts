/**
 * Keeps a post-sign-in destination on this site: only a path ("/tasks?x=1"), never
 * "//evil.example", "https://…", "javascript:" or a backslash trick browsers normalise.
 */
export function safeRedirect(
  to: FormDataEntryValue | string | null | undefined,
  fallback = "/tasks",
): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(to)) return fallback;
  try {
    // Resolving against a dummy origin catches anything that would leave it.
    const url = new URL(to, "http://tasklane.invalid");
    if (url.origin !== "http://tasklane.invalid") return fallback;
    // Dot segments can fold into "//host" ("/.//evil.com" → "//evil.com"), which a
    // browser reads as another site: check the normalised path too.
    if (url.pathname.startsWith("//")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
