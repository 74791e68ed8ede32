import { hashPassword as betterAuthScrypt } from "better-auth/crypto";
import { describe, expect, it } from "vitest";
import { hash } from "@node-rs/argon2";
import { ARGON2_OPTIONS, hashing, hashPassword, verifyPassword } from "~/password.server";
import { isCommonPassword } from "~/common-passwords.server";

describe("password hashing", () => {
  it("hashes with argon2id at one of OWASP's minimum settings (m=7 MiB, t=5, p=1)", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/);
    expect(await verifyPassword({ hash: stored, password: "correct horse battery" })).toBe(true);
    expect(await verifyPassword({ hash: stored, password: "wrong horse battery" })).toBe(false);
  });

  it.each([
    { memoryCost: 19 * 1024, timeCost: 2, prefix: "$argon2id$v=19$m=19456,t=2,p=1$" },
    { memoryCost: 9 * 1024, timeCost: 4, prefix: "$argon2id$v=19$m=9216,t=4,p=1$" },
  ])("still verifies hashes made with an earlier setting ($prefix)", async ({ memoryCost, timeCost, prefix }) => {
    const earlier = await hash("an earlier password", { ...ARGON2_OPTIONS, memoryCost, timeCost });
    expect(earlier.startsWith(prefix)).toBe(true);
    expect(await verifyPassword({ hash: earlier, password: "an earlier password" })).toBe(true);
    expect(await verifyPassword({ hash: earlier, password: "not it" })).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("still verifies hashes made earlier with Better Auth's scrypt", async () => {
    const legacy = await betterAuthScrypt("an older password");
    expect(legacy).not.toMatch(/^\$argon2/);
    expect(await verifyPassword({ hash: legacy, password: "an older password" })).toBe(true);
    expect(await verifyPassword({ hash: legacy, password: "not it" })).toBe(false);
  });

  it("treats a malformed stored hash as a mismatch, not a crash", async () => {
    expect(await verifyPassword({ hash: "$argon2id$garbage", password: "x" })).toBe(false);
  });

  it("runs at most one hash per core at once, and a burst all completes", async () => {
    let peak = 0;
    let done = false;
    const sample = () => {
      peak = Math.max(peak, hashing.running());
      if (!done) setImmediate(sample);
    };
    sample();
    const stored = await hashPassword("burst password");
    const burst = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => hashPassword(`burst ${i}`)),
      ...Array.from({ length: 6 }, () => verifyPassword({ hash: stored, password: "burst password" })),
    ]);
    done = true;
    expect(burst.slice(0, 6).every((h) => typeof h === "string" && h.startsWith("$argon2id$"))).toBe(true);
    expect(burst.slice(6)).toEqual(Array(6).fill(true));
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(hashing.max);
    expect(hashing.running()).toBe(0);
  });
});

describe("common passwords (refused as new passwords)", () => {
  it("knows the most used passwords long enough to pass the length check, in any case", () => {
    for (const password of ["password", "Password1", "12345678", "qwertyuiop", "ILOVEYOU", "trustno1", "password123 "]) expect(isCommonPassword(password), password).toBe(true);
    for (const password of ["correct horse battery", "a brand new passphrase", "aaaaaaab"]) expect(isCommonPassword(password), password).toBe(false);
  });

  it("refuses the service's name and the user's own name or email, apart from digits and symbols", () => {
    expect(isCommonPassword("Tasklane2026!")).toBe(true);
    const user = ["ada@example.com", "Ada Lovelace"];
    for (const password of ["ada@example.com", "ADA.lovelace1", "AdaLovelace!!", "ada12345"]) expect(isCommonPassword(password, user), password).toBe(true);
    // A name only as part of something longer is fine; so are names too short to matter.
    expect(isCommonPassword("ada lovelace rides again", user)).toBe(false);
    expect(isCommonPassword("zz-9999-zz", ["zz@example.com"])).toBe(false);
  });
});
