import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { verifyPassword as verifyBetterAuthScrypt } from "better-auth/crypto";
import { concurrencyLimit } from "~/concurrency";

// OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane. Better Auth's
// default (scrypt N=2^14, r=16) is below OWASP's scrypt minimum (N=2^17, r=8), and
// argon2id at this setting costs a fraction of that scrypt's time per sign-in.
export const ARGON2_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolatedModules cannot import)
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

// Each hash holds 19 MiB while it runs, and the thread pool would run four at once; more
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
