import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { verifyPassword as verifyBetterAuthScrypt } from "better-auth/crypto";
import { concurrencyLimit } from "~/concurrency";

// argon2id at one of OWASP's minimum settings: 7 MiB of memory, 5 iterations, 1 lane.
// OWASP lists five settings of equal strength (46 MiB × 1 down to 7 MiB × 5) that trade
// memory for iterations. This one holds the least memory for about the same CPU as the
// others (time grows with memory × iterations): under a burst of sign-ins the running
// hashes are part of the server's peak RSS (19 MiB × 2 until 16579a5, then 9 MiB × 4).
// Hashes made with other settings still verify (they carry their own). Better Auth's
// default (scrypt N=2^14, r=16) is below OWASP's scrypt minimum.
export const ARGON2_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolatedModules cannot import)
  memoryCost: 7 * 1024,
  timeCost: 5,
  parallelism: 1,
} as const;

// Each hash holds 7 MiB while it runs, and the thread pool would run four at once; more
// hashes than cores only queue inside the CPU anyway. So at most one per core runs, the
// rest wait here: same throughput, and a burst of sign-ins no longer grows the heap of
// every pool thread (seen as ~400 MB RSS under 32 concurrent sign-ins).
const MAX_CONCURRENT_HASHES = Math.max(1, Math.min(4, availableParallelism()));
const hashSlots = concurrencyLimit(MAX_CONCURRENT_HASHES);

/** Hashes running right now, and the most allowed at once (for tests). */
export const hashing = { running: () => hashSlots.running, max: MAX_CONCURRENT_HASHES };

export function hashPassword(password: string): Promise<string> {
  return hashSlots.run(() => hash(password.normalize("NFKC"), ARGON2_OPTIONS));
}

/** Verifies argon2id hashes, and Better Auth's scrypt hashes made before the switch. */
export async function verifyPassword({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  if (stored.startsWith("$argon2")) {
    try {
      return await hashSlots.run(() => verify(stored, password.normalize("NFKC")));
    } catch {
      return false;
    }
  }
  return verifyBetterAuthScrypt({ hash: stored, password });
}
