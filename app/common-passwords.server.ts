import { createRequire } from "node:module";
import { PASSWORD_MIN } from "~/account-limits";

// NIST SP 800-63B asks that a new password be checked against passwords known to be
// common, and names of the service and the user. Have I Been Pwned would need the network
// on every sign-up; this is zxcvbn-ts's offline list of the ~49 000 most used passwords
// (MIT), of which about 18 000 are long enough to pass the length check at all.

export const COMMON_PASSWORD_MESSAGE = "This password is too easy to guess: it is one of the most common passwords, or your own name or email. Choose another.";

let common: Set<string> | undefined;

/** Read on first use, not at start-up: a server that never sets a password never holds it. */
function commonPasswords(): Set<string> {
  if (!common) {
    const list = createRequire(import.meta.url)("@zxcvbn-ts/language-common/src/passwords.json") as string[];
    common = new Set(list.filter((password) => password.length >= PASSWORD_MIN));
  }
  return common;
}

/**
 * Whether a new password is too easy to guess: on the list (in any case: "Password1" is as
 * weak as "password1"), or, apart from digits and symbols, the service's name or the
 * user's own email or name (`context`): "tasklane2024!", "ada.lovelace1".
 */
export function isCommonPassword(password: string, context: (string | undefined)[] = []): boolean {
  const folded = password.normalize("NFKC").toLowerCase().trim(); // "password123 " is as weak
  if (commonPasswords().has(folded)) return true;
  const letters = lettersOf(folded);
  const words = ["tasklane", ...context.flatMap((item) => (item ? [item, item.split("@")[0]!] : []))].map(lettersOf);
  return words.some((word) => word.length >= 3 && letters === word);
}

const lettersOf = (text: string) => text.normalize("NFKC").toLowerCase().replace(/[^\p{L}]+/gu, "");
