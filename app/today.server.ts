// "Today" is the user's calendar day. The browser reports its time zone in a cookie (set
// by root.tsx when JavaScript runs); without it, UTC.
export function userToday(request: Request, now = new Date()): string {
  const match = /(?:^|;\s*)tz=([^;]+)/.exec(request.headers.get("cookie") ?? "");
  if (match) {
    try {
      const timeZone = decodeURIComponent(match[1]!);
      return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
    } catch {
      // An unknown zone name: fall through to UTC.
    }
  }
  return now.toISOString().slice(0, 10);
}
