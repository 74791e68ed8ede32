// Without JavaScript, a second click on "Add task" while the first request is on its way
// sends the same form again: the browser drops the first answer, not the request, so the
// task was added twice. The page's create form carries a one-time key (made by the loader,
// replaced by `via=fetcher` once JavaScript runs, which clears the form after each add),
// and a key seen before answers with the task it already made.
//
// Kept in this process for 10 minutes and at most 10 000 keys: a repeat that reaches
// another instance behind a load balancer still adds twice, as the API's rate limit is
// also per instance.
import { randomUUID } from "node:crypto";

const TTL_MS = 10 * 60_000;
const MAX_KEYS = 10_000;
const KEY_SHAPE = /^[\w-]{8,64}$/;

const seen = new Map<string, { expires: number; result: Promise<unknown> }>();

/** A new key for a form that must be handled once. */
export const newSubmissionKey = (): string => randomUUID();

/**
 * Runs `work` once per user and key: a repeat gets the first one's result (awaiting it if
 * it is still running). Without a well-formed key it simply runs. A failure forgets the key,
 * so the same form can be sent again.
 */
export function once<T>(userId: string, key: unknown, work: () => Promise<T>): Promise<T> {
  if (typeof key !== "string" || !KEY_SHAPE.test(key)) return work();
  const now = Date.now();
  // The map is in insertion order, so the oldest entries are first.
  for (const [id, entry] of seen) {
    if (entry.expires > now && seen.size < MAX_KEYS) break;
    seen.delete(id);
  }
  const id = `${userId}:${key}`;
  const earlier = seen.get(id);
  if (earlier) return earlier.result as Promise<T>;
  const result = work();
  seen.set(id, { expires: now + TTL_MS, result });
  result.catch(() => seen.delete(id));
  return result;
}
