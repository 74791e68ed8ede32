// "Today" is the user's calendar day. The browser reports its time zone in a cookie (set
// by root.tsx when JavaScript runs); without it, UTC.
export function userToday(request: Request, now = new Date()): string {
  return knownToday(request, now) ?? now.toISOString().slice(0, 10);
}

/**
 * The user's day when the browser has said which time zone it is in; undefined when only
 * UTC can stand in for it (before JavaScript ran, or never without it), which can be a day
 * ahead of or behind the user's.
 */
export function knownToday(request: Request, now = new Date()): string | undefined {
  const match = /(?:^|;\s*)tz=([^;]+)/.exec(request.headers.get("cookie") ?? "");
  if (match) {
    try {
      const timeZone = decodeURIComponent(match[1]!);
      return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
    } catch {
      // An unknown zone name: as if none was given.
    }
  }
  return undefined;
}
